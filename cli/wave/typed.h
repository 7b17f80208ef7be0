// WAVE text read as component values of a given type (wasm-wave's `to_wasm_value`): the type
// decides what a node means. Options and results may be written flat (`1` for `some(1)` or
// `ok(1)`) unless their payload is itself an option or result; record fields of option type may
// be left out (none); trailing option arguments of a call may be left out.
#pragma once

#include <string_view>
#include <vector>

#include "cli/wave/syntax.h"
#include "runtime/component/value_type.h"
#include "wasmrun/component/val.h"
#include "wasmrun/expected.h"

namespace wasmrun::wave {

// One value of type `type` from WAVE text. Resource types cannot be written in WAVE.
Expected<component::Val> parse_value(std::string_view source, const component::ValueType& type);

// A parsed node of `source` read as `type`.
Expected<component::Val> to_val(const Node& node, std::string_view source, const component::ValueType& type);

// The arguments of `call` (parsed from `source`) for a function of type `type`.
Expected<std::vector<component::Val>> call_arguments(const UntypedCall& call, std::string_view source,
                                                     const component::FuncType& type);

}  // namespace wasmrun::wave
