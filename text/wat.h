// Entry points for WAT sources: a core module or a component in the text format, encoded to
// its binary.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun::text {

// Parses `(module ...)`, `(component ...)`, or bare module fields (a module abbreviated to its
// fields), and encodes it. Errors read "file.wat:12:7: expected an instruction, found \")\"".
Expected<std::vector<uint8_t>> parse_wat(std::string_view source, std::string_view file_name);

// True when bytes are text in the format: after whitespace and comments, a "(" opens the
// module or component (or the first field). Anything else, the magic number "\0asm" included,
// is left to the binary decoder, whose message then explains what is wrong.
bool is_wat_text(std::span<const uint8_t> bytes);

}  // namespace wasmrun::text
