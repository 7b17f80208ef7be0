// Entry points for WAT sources: a core module or a component in the text format, encoded to
// its binary.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "support/expected.h"

namespace wasmrun::text {

// Parses `(module ...)`, `(component ...)`, or bare module fields (a module abbreviated to its
// fields), and encodes it. Errors read "file.wat:12:7: expected an instruction, found \")\"".
Expected<std::vector<uint8_t>> parse_wat(std::string_view source, std::string_view file_name);

// True when bytes start with the binary format's magic number "\0asm" (modules and components
// alike); anything else is taken as text.
bool is_wasm_binary(std::span<const uint8_t> bytes);

}  // namespace wasmrun::text
