#include "runtime/decode/reader.h"

namespace wasmrun::wasm {

uint64_t Reader::read_unsigned(unsigned bits) {
  uint64_t result = 0;
  unsigned shift = 0;
  const unsigned max_bytes = (bits + 6) / 7;
  for (unsigned i = 0;; ++i) {
    uint8_t byte = u8();
    if (i == max_bytes - 1) {
      if (byte & 0x80) fail("integer representation too long");
      // The last byte may only carry the bits that remain; anything above them is unused.
      unsigned used = bits - shift;
      if (used < 7 && (byte >> used) != 0) fail("integer too large");
    }
    result |= uint64_t(byte & 0x7f) << shift;
    shift += 7;
    if (!(byte & 0x80)) return result;
  }
}

int64_t Reader::read_signed(unsigned bits) {
  int64_t result = 0;
  unsigned shift = 0;
  const unsigned max_bytes = (bits + 6) / 7;
  for (unsigned i = 0;; ++i) {
    uint8_t byte = u8();
    if (i == max_bytes - 1) {
      if (byte & 0x80) fail("integer representation too long");
      // Unused high bits must all equal the sign bit (the highest used bit).
      unsigned used = bits - shift;
      if (used < 7) {
        uint8_t high = uint8_t(byte >> (used - 1)) & uint8_t(0x7f >> (used - 1));
        uint8_t all_ones = uint8_t(0x7f >> (used - 1));
        if (high != 0 && high != all_ones) fail("integer too large");
      }
    }
    result |= int64_t(uint64_t(byte & 0x7f) << shift);
    shift += 7;
    if (!(byte & 0x80)) {
      if (shift < 64 && (byte & 0x40)) result |= int64_t(~uint64_t(0) << shift);
      return result;
    }
  }
}

std::string_view Reader::name() {
  size_t start = offset();
  uint32_t length = u32();
  if (length > remaining()) fail("length out of bounds");
  std::string_view s(reinterpret_cast<const char*>(take(length)), length);
  if (!is_valid_utf8(s)) fail_at("malformed UTF-8 encoding", start);
  return s;
}

bool is_valid_utf8(std::string_view s) {
  auto p = reinterpret_cast<const uint8_t*>(s.data());
  auto end = p + s.size();
  while (p < end) {
    uint8_t c = *p;
    if (c < 0x80) { ++p; continue; }
    unsigned length;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { length = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { length = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { length = 4; cp = c & 0x07; }
    else return false;
    if (size_t(end - p) < length) return false;
    for (unsigned i = 1; i < length; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 (RFC 3629).
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[length] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    p += length;
  }
  return true;
}

}  // namespace wasmrun::wasm
