// Reads a module or component for a command: a binary (.wasm) as is, anything else as text
// (.wat), told apart by content, not by file name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/expected.h"

namespace wasmrun::cli {

Expected<std::vector<uint8_t>> load_binary(const std::string& path);

}  // namespace wasmrun::cli
