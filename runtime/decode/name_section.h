// The "name" custom section (core spec appendix §7.4): function and local names for traps,
// backtraces and tools. A malformed name section is ignored, as the spec allows.
#pragma once

#include "runtime/wasm/module.h"

namespace wasmrun::wasm {

void parse_name_section(Module& m);

}  // namespace wasmrun::wasm
