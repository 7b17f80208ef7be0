// The WebAssembly text format. Module::compile and Module::from_file accept text themselves (as
// Wasmtime's Module::new does); wat2wasm is for embedders who want the binary.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun {

// Encodes a `(module ...)` (or bare module fields) or a `(component ...)` in the text format to
// its binary. Errors read "name:12:7: expected an instruction, found \")\"", where `name` is
// `file_name` ("<text>" by default).
Expected<std::vector<uint8_t>> wat2wasm(std::string_view text, std::string_view file_name = "<text>");

}  // namespace wasmrun
