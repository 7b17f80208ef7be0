// Script values <-> runtime values, and the assert_return comparison rules (NaN patterns, lane
// shapes, references).
#pragma once

#include <string>

#include "runtime/vm/vmcontext.h"
#include "runtime/wasm/types.h"
#include "text/wast_script.h"

namespace wasmrun::cli {

vm::VMValue to_vm_value(const text::WastValue& v);
wasm::ValType type_of(const text::WastValue& v);

// True when the script value `v` is a value of `type` (an argument of the right type).
bool has_type(const text::WastValue& v, wasm::ValType type);

// True when `actual` (of type `type`) satisfies the expectation.
bool matches(const text::WastValue& expected, wasm::ValType type, const vm::VMValue& actual);

std::string describe(const text::WastValue& v);
std::string describe(wasm::ValType type, const vm::VMValue& v);

}  // namespace wasmrun::cli
