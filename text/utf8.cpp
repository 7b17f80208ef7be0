#include "text/utf8.h"

namespace wasmrun::text {

std::optional<uint32_t> decode_utf8(std::string_view s, size_t& pos) {
  auto byte = [&](size_t i) { return uint8_t(s[i]); };
  uint8_t b0 = byte(pos);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  size_t length;
  uint32_t value, min;
  if ((b0 & 0xE0) == 0xC0) length = 2, value = b0 & 0x1F, min = 0x80;
  else if ((b0 & 0xF0) == 0xE0) length = 3, value = b0 & 0x0F, min = 0x800;
  else if ((b0 & 0xF8) == 0xF0) length = 4, value = b0 & 0x07, min = 0x10000;
  else return std::nullopt;
  if (pos + length > s.size()) return std::nullopt;
  for (size_t i = 1; i < length; ++i) {
    uint8_t b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    value = value << 6 | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  pos += length;
  return value;
}

size_t find_invalid_utf8(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    if (uint8_t(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    size_t start = pos;
    if (!decode_utf8(s, pos)) return start;
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | c >> 6);
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | c >> 12);
    out += char(0x80 | (c >> 6 & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | c >> 18);
    out += char(0x80 | (c >> 12 & 0x3F));
    out += char(0x80 | (c >> 6 & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

}  // namespace wasmrun::text
