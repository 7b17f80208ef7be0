// Reads a module or component for a command: text (.wat) is parsed and encoded, anything else is
// returned as is for the binary decoder; told apart by content (text::is_wat_text), not by name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun::cli {

Expected<std::vector<uint8_t>> load_binary(const std::string& path);

}  // namespace wasmrun::cli
