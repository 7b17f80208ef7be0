// Flattening of component function types into core signatures (CanonicalABI.md "Flattening"):
// what a lifted core function must take and return, what a lowered one gets, and whether the
// canonical options must name a memory and a realloc function.
#pragma once

#include <string>
#include <vector>

#include "runtime/component/value_type.h"
#include "runtime/wasm/types.h"

namespace wasmrun::component {

constexpr size_t kMaxFlatParams = 16;
constexpr size_t kMaxFlatResults = 1;

// Appends the flattened core types of `t` to `out` (flatten_type).
void flatten(const ValueType& t, std::vector<wasm::ValType>& out);

struct FlatSignature {
  wasm::FuncType core;
  bool params_in_memory = false;   // more than kMaxFlatParams: passed through a pointer
  bool results_in_memory = false;  // more than kMaxFlatResults: returned through a pointer
  bool needs_memory = false;
  bool needs_realloc = false;
};

// flatten_functype for `canon lift` (lift = true) or `canon lower`.
FlatSignature flatten_signature(const FuncType& f, bool lift);

// Whether a value of `t` lives partly in linear memory (strings, lists).
bool uses_memory(const ValueType& t);

std::string describe_core(const std::vector<wasm::ValType>& types);  // "[I32, I64]"

}  // namespace wasmrun::component
