// Whole-file reading for the CLI and tools.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun {

Expected<std::vector<uint8_t>> read_file(const std::string& path);

}  // namespace wasmrun
