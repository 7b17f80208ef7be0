// Component values written as WAVE, as wasm-wave's writer and so `wasmtime run --invoke` print
// them (and Val::to_string): option fields that are `none` left out of records (`{:}` when none is left), case names
// that are keywords prefixed with `%`, floats in plain decimal (Rust's Display: `1`, `0.1`,
// `100000000000000000000`, `nan`, `-inf`). The text reads back as the same value (typed.h).
#pragma once

#include <optional>
#include <string>

#include "wasmrun/component/val.h"

namespace wasmrun::wave {

std::string print(const component::Val& v);

// A call's results as `wasmtime run --invoke` prints them: the one result, or `()` for none.
std::string print_results(const std::optional<component::Val>& result);

}  // namespace wasmrun::wave
