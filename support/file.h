// Whole-file reading for the CLI and tools.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun {

// The largest input read_file takes by default: 1 GiB, the module size limit of the WebAssembly
// JavaScript API's implementation limits (and V8's).
inline constexpr uint64_t kMaxInputFileBytes = uint64_t(1) << 30;

// Reads a whole file, device or pipe, refusing one over `max_bytes` (a file of that size is
// refused before reading; a stream when it gets there). `plausible_start`, if given, is asked
// once about the first bytes (up to 64 KiB, fewer if the input is shorter); when it says no,
// reading stops and those bytes are returned, for the caller's parser to reject with its own
// precise message — so `/dev/zero` is not read for ever.
Expected<std::vector<uint8_t>> read_file(
    const std::string& path, uint64_t max_bytes = kMaxInputFileBytes,
    const std::function<bool(std::span<const uint8_t>)>& plausible_start = {});

}  // namespace wasmrun
