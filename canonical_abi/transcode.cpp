#include "canonical_abi/transcode.h"

#include <fmt/format.h>

namespace wasmrun::canon {

namespace {

// Decodes one code point of valid UTF-8 and advances `p`.
char32_t next_code_point(const unsigned char*& p) {
  unsigned char b = *p++;
  if (b < 0x80) return b;
  if (b < 0xe0) {
    char32_t c = (b & 0x1f) << 6;
    return c | (*p++ & 0x3f);
  }
  if (b < 0xf0) {
    char32_t c = (b & 0x0f) << 12;
    c |= (*p++ & 0x3f) << 6;
    return c | (*p++ & 0x3f);
  }
  char32_t c = (b & 0x07) << 18;
  c |= (*p++ & 0x3f) << 12;
  c |= (*p++ & 0x3f) << 6;
  return c | (*p++ & 0x3f);
}


// Writes `c` as UTF-16LE at `dst`; returns the number of bytes written (2 or 4).
uint32_t put_utf16(uint8_t* dst, char32_t c) {
  if (c < 0x10000) {
    store_le<uint16_t>(dst, uint16_t(c));
    return 2;
  }
  c -= 0x10000;
  store_le<uint16_t>(dst, uint16_t(0xd800 | (c >> 10)));
  store_le<uint16_t>(dst + 2, uint16_t(0xdc00 | (c & 0x3ff)));
  return 4;
}

// Appends UTF-8 to a string through a small buffer: strings may be up to 2 GiB, and a
// per-character std::string append dominated their decoding.
class Utf8Writer {
 public:
  explicit Utf8Writer(size_t reserve) { out_.reserve(reserve); }
  void put(char32_t c) {
    if (used_ + 4 > sizeof(buffer_)) flush();
    if (c < 0x80) {
      buffer_[used_++] = char(c);
    } else if (c < 0x800) {
      buffer_[used_++] = char(0xc0 | (c >> 6));
      buffer_[used_++] = char(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      buffer_[used_++] = char(0xe0 | (c >> 12));
      buffer_[used_++] = char(0x80 | ((c >> 6) & 0x3f));
      buffer_[used_++] = char(0x80 | (c & 0x3f));
    } else {
      buffer_[used_++] = char(0xf0 | (c >> 18));
      buffer_[used_++] = char(0x80 | ((c >> 12) & 0x3f));
      buffer_[used_++] = char(0x80 | ((c >> 6) & 0x3f));
      buffer_[used_++] = char(0x80 | (c & 0x3f));
    }
  }
  std::string take() {
    flush();
    return std::move(out_);
  }

 private:
  void flush() {
    out_.append(buffer_, used_);
    used_ = 0;
  }
  std::string out_;
  char buffer_[4096];
  size_t used_ = 0;
};

std::string decode_utf16(const uint8_t* p, uint32_t units) {
  Utf8Writer out(units);
  for (uint32_t i = 0; i < units; ++i) {
    char32_t u = load_le<uint16_t>(p + 2 * i);
    if (u >= 0xd800 && u <= 0xdfff) {
      char32_t lo = i + 1 < units ? load_le<uint16_t>(p + 2 * (i + 1)) : 0;
      if (u > 0xdbff || lo < 0xdc00 || lo > 0xdfff) {
        raise(TrapCode::InvalidString, "invalid utf-16: lone surrogate found");
      }
      u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
      ++i;
    }
    out.put(u);
  }
  return out.take();
}

std::string decode_latin1(const uint8_t* p, uint32_t length) {
  Utf8Writer out(length);
  for (uint32_t i = 0; i < length; ++i) out.put(p[i]);
  return out.take();
}

}  // namespace

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xc0 | (c >> 6));
    out += char(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += char(0xe0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3f));
    out += char(0x80 | (c & 0x3f));
  } else {
    out += char(0xf0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3f));
    out += char(0x80 | ((c >> 6) & 0x3f));
    out += char(0x80 | (c & 0x3f));
  }
}

// Worded as Rust's Utf8Error, which Wasmtime reports.
size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >> 5 == 0x6) return 2;
  if (lead >> 4 == 0xe) return 3;
  return 4;
}

char32_t decode_utf8(std::string_view s, size_t pos) {
  auto b = [&](size_t i) { return char32_t(uint8_t(s[pos + i])); };
  switch (utf8_length(uint8_t(s[pos]))) {
    case 1: return b(0);
    case 2: return (b(0) & 0x1f) << 6 | (b(1) & 0x3f);
    case 3: return (b(0) & 0x0f) << 12 | (b(1) & 0x3f) << 6 | (b(2) & 0x3f);
    default: return (b(0) & 0x07) << 18 | (b(1) & 0x3f) << 12 | (b(2) & 0x3f) << 6 | (b(3) & 0x3f);
  }
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint8_t lead = uint8_t(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead < 0xc2 || lead > 0xf4) return false;  // continuation, overlong 2-byte, past U+10FFFF
    size_t n = utf8_length(lead);
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((uint8_t(s[i + k]) & 0xc0) != 0x80) return false;
    }
    char32_t c = decode_utf8(s, i);
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
      return false;
    i += n;
  }
  return true;
}

std::string utf8_error(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size(), i = 0;
  while (i < n) {
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t width;
    unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) {
      width = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      width = 3;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;  // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      width = 4;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;
    } else {
      return fmt::format("invalid utf-8 sequence of 1 bytes from index {}", i);
    }
    for (size_t k = 1; k < width; ++k) {
      if (i + k >= n) return fmt::format("incomplete utf-8 byte sequence from index {}", i);
      unsigned char c = s[i + k];
      bool ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xbf);
      if (!ok) return fmt::format("invalid utf-8 sequence of {} bytes from index {}", k, i);
    }
    i += width;
  }
  return {};
}

size_t utf16_length(std::string_view utf8) {
  size_t units = 0;
  for (unsigned char b : utf8) {
    if ((b & 0xc0) != 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}

std::string load_string_from_range(Cx& cx, uint32_t ptr, uint32_t tagged_code_units, StringOrigin* origin) {
  uint64_t byte_length;
  uint32_t alignment;
  StringSource source;
  uint32_t code_units = tagged_code_units;
  switch (cx.opts.string_encoding) {
    case StringEncoding::Utf8:
      alignment = 1;
      byte_length = tagged_code_units;
      source = StringSource::Utf8;
      break;
    case StringEncoding::Utf16:
      alignment = 2;
      byte_length = 2 * uint64_t(tagged_code_units);
      source = StringSource::Utf16;
      break;
    case StringEncoding::Latin1Utf16:
      alignment = 2;
      if (tagged_code_units & kUtf16Tag) {
        code_units = tagged_code_units ^ kUtf16Tag;
        byte_length = 2 * uint64_t(code_units);
        source = StringSource::CompactUtf16;
      } else {
        byte_length = tagged_code_units;
        source = StringSource::Latin1;
      }
      break;
  }
  if (byte_length > kMaxStringByteLength) {
    raise(TrapCode::TooLong, cx.host_peer ? "string pointer/length out of bounds of memory" : "string content out-of-bounds");
  }
  cx.check_pointer(ptr, alignment, byte_length, Cx::What::String);
  if (origin) *origin = {source, code_units};
  const uint8_t* p = cx.at(ptr);
  switch (source) {
    case StringSource::Utf8: {
      std::string_view bytes(reinterpret_cast<const char*>(p), byte_length);
      if (std::string error = utf8_error(bytes); !error.empty()) raise(TrapCode::InvalidString, std::move(error));
      return std::string(bytes);
    }
    case StringSource::Utf16:
    case StringSource::CompactUtf16: return decode_utf16(p, code_units);
    case StringSource::Latin1: return decode_latin1(p, code_units);
  }
  return {};
}

namespace {

using What = Cx::What;

// The size of an allocation for a lowered string, which may not pass kMaxStringByteLength
// (Wasmtime checks every allocation, the worst cases of transcoding included, before making it).
uint32_t string_allocation(Cx& cx, uint64_t byte_length) {
  if (byte_length > kMaxStringByteLength) {
    raise(TrapCode::TooLong, cx.host_peer ? "string too long to lower" : "string content out-of-bounds");
  }
  return uint32_t(byte_length);
}

// store_string_copy: the destination size is known up front.
GuestString store_copy(Cx& cx, std::string_view utf8, uint32_t code_units, uint32_t unit_size, uint32_t alignment,
                       StringEncoding dst) {
  uint32_t byte_length = string_allocation(cx, uint64_t(unit_size) * code_units);
  uint32_t ptr = cx.allocate(alignment, byte_length, What::String);
  uint8_t* out = cx.at(ptr);
  if (unit_size == 1 && dst == StringEncoding::Utf8) {
    std::memcpy(out, utf8.data(), utf8.size());
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const auto* end = p + utf8.size();
    while (p < end) {
      char32_t c = next_code_point(p);
      if (unit_size == 1) {
        *out++ = uint8_t(c);  // latin1
      } else {
        out += put_utf16(out, c);
      }
    }
  }
  return {ptr, code_units};
}

// store_string_to_utf8: ASCII in place, then the worst case once a non-ASCII code point shows.
GuestString store_to_utf8(Cx& cx, std::string_view utf8, uint32_t code_units, uint64_t worst_case_size) {
  uint32_t ptr = cx.allocate(1, code_units, What::String);
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  for (size_t i = 0; i < utf8.size(); ++i) {
    if (s[i] < 0x80) {
      cx.at(ptr)[i] = s[i];
      continue;
    }
    ptr = cx.reallocate(ptr, code_units, 1, string_allocation(cx, worst_case_size), What::String);
    std::memcpy(cx.at(ptr) + i, s + i, utf8.size() - i);
    if (worst_case_size > utf8.size()) ptr = cx.reallocate(ptr, uint32_t(worst_case_size), 1, uint32_t(utf8.size()), What::String);
    return {ptr, uint32_t(utf8.size())};
  }
  return {ptr, code_units};
}

// store_utf8_to_utf16: allocate the worst case, then shrink.
GuestString store_utf8_to_utf16(Cx& cx, std::string_view utf8, uint32_t code_units) {
  uint32_t worst_case_size = string_allocation(cx, 2 * uint64_t(code_units));
  uint32_t ptr = cx.allocate(2, worst_case_size, What::String);
  uint8_t* out = cx.at(ptr);
  uint32_t written = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) written += put_utf16(out + written, next_code_point(p));
  if (written < worst_case_size) ptr = cx.reallocate(ptr, worst_case_size, 2, written, What::String);
  return {ptr, written / 2};
}

// store_string_to_latin1_or_utf16: latin1 while it fits, inflated to utf16 at the first code
// point that does not.
GuestString store_to_latin1_or_utf16(Cx& cx, std::string_view utf8, uint32_t code_units) {
  uint32_t ptr = cx.allocate(2, code_units, What::String);
  uint32_t dst_length = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) {
    const unsigned char* at = p;
    char32_t c = next_code_point(p);
    if (c < 0x100) {
      cx.at(ptr)[dst_length++] = uint8_t(c);
      continue;
    }
    uint32_t worst_case_size = string_allocation(cx, 2 * uint64_t(code_units));
    ptr = cx.reallocate(ptr, code_units, 2, worst_case_size, What::String);
    uint8_t* out = cx.at(ptr);
    for (uint32_t j = dst_length; j-- > 0;) {
      out[2 * j] = out[j];
      out[2 * j + 1] = 0;
    }
    uint32_t written = 2 * dst_length;
    p = at;
    while (p < end) written += put_utf16(out + written, next_code_point(p));
    if (worst_case_size > written) ptr = cx.reallocate(ptr, worst_case_size, 2, written, What::String);
    return {ptr, (written / 2) | kUtf16Tag};
  }
  if (dst_length < code_units) ptr = cx.reallocate(ptr, code_units, 2, dst_length, What::String);
  return {ptr, dst_length};
}

// store_probably_utf16_to_latin1_or_utf16: copy as utf16, compress to latin1 if it fits.
GuestString store_probably_utf16(Cx& cx, std::string_view utf8, uint32_t code_units) {
  uint32_t byte_length = string_allocation(cx, 2 * uint64_t(code_units));
  uint32_t ptr = cx.allocate(2, byte_length, What::String);
  uint8_t* out = cx.at(ptr);
  uint32_t written = 0;
  bool fits_latin1 = true;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) {
    char32_t c = next_code_point(p);
    fits_latin1 &= c < 0x100;
    written += put_utf16(out + written, c);
  }
  if (!fits_latin1) return {ptr, (written / 2) | kUtf16Tag};
  uint32_t latin1_size = written / 2;
  for (uint32_t i = 0; i < latin1_size; ++i) out[i] = out[2 * i];
  // The spec shrinks with alignment 1 here, but a latin1+utf16 string must be 2-aligned to be
  // lifted again (load_string_from_range); Wasmtime asks for 2 and checks it, and so do we.
  ptr = cx.reallocate(ptr, byte_length, 2, latin1_size, What::String);
  return {ptr, latin1_size};
}

}  // namespace

namespace {

// Whether `utf8` (valid) has `units` code units in `source`: host code may build a string with
// any claimed origin, and the transcoders size their allocations by it.
bool origin_fits(std::string_view utf8, StringOrigin origin) {
  switch (origin.source) {
    case StringSource::Utf8: return origin.code_units == utf8.size();
    case StringSource::Utf16:
    case StringSource::CompactUtf16: return origin.code_units == utf16_length(utf8);
    case StringSource::Latin1: {
      size_t count = 0;
      const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
      const auto* end = p + utf8.size();
      while (p < end) {
        if (next_code_point(p) >= 0x100) return false;
        ++count;
      }
      return origin.code_units == count;
    }
  }
  return false;
}

}  // namespace

GuestString store_string_into_range(Cx& cx, std::string_view utf8, StringOrigin origin) {
  if (utf8.size() > kMaxStringByteLength) raise(TrapCode::TooLong, "string too long to lower");
  if (std::string error = utf8_error(utf8); !error.empty()) raise(TrapCode::InvalidString, std::move(error));
  if (!origin_fits(utf8, origin)) origin = {StringSource::Utf8, uint32_t(utf8.size())};
  uint32_t n = origin.code_units;
  switch (cx.opts.string_encoding) {
    case StringEncoding::Utf8:
      switch (origin.source) {
        case StringSource::Utf8: return store_copy(cx, utf8, n, 1, 1, StringEncoding::Utf8);
        case StringSource::Utf16:
        case StringSource::CompactUtf16: return store_to_utf8(cx, utf8, n, 3 * uint64_t(n));
        case StringSource::Latin1: return store_to_utf8(cx, utf8, n, 2 * uint64_t(n));
      }
      break;
    case StringEncoding::Utf16:
      switch (origin.source) {
        case StringSource::Utf8: return store_utf8_to_utf16(cx, utf8, n);
        case StringSource::Utf16:
        case StringSource::CompactUtf16:
        case StringSource::Latin1: return store_copy(cx, utf8, n, 2, 2, StringEncoding::Utf16);
      }
      break;
    case StringEncoding::Latin1Utf16:
      switch (origin.source) {
        case StringSource::Utf8:
        case StringSource::Utf16: return store_to_latin1_or_utf16(cx, utf8, n);
        case StringSource::Latin1: return store_copy(cx, utf8, n, 1, 2, StringEncoding::Latin1Utf16);
        case StringSource::CompactUtf16: return store_probably_utf16(cx, utf8, n);
      }
      break;
  }
  return {0, 0};
}

}  // namespace wasmrun::canon
