// LEB128 encoding (WebAssembly binary format §5.2.2). Decoding lives in the binary reader, which
// must report precise errors; encoding is shared by every writer of binaries.
#pragma once

#include <cstdint>
#include <vector>

namespace wasmrun {

inline void write_uleb128(std::vector<uint8_t>& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
}

inline void write_sleb128(std::vector<uint8_t>& out, int64_t value) {
  for (;;) {
    uint8_t byte = value & 0x7f;
    value >>= 7;  // arithmetic shift: sign-extends
    bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
    if (!done) byte |= 0x80;
    out.push_back(byte);
    if (done) return;
  }
}

}  // namespace wasmrun
