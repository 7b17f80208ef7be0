// A bounds-checked cursor over a binary module: LEB128 integers (§5.2.2), floats, names (§5.2.4).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "runtime/decode/decode_error.h"

namespace wasmrun::wasm {

class Reader {
 public:
  // `base` is the offset of `begin` within the whole module, for error locations.
  Reader(const uint8_t* begin, const uint8_t* end, size_t base = 0)
      : begin_(begin), pos_(begin), end_(end), base_(base) {}

  size_t offset() const { return base_ + size_t(pos_ - begin_); }
  size_t remaining() const { return size_t(end_ - pos_); }
  bool at_end() const { return pos_ == end_; }
  const uint8_t* position() const { return pos_; }
  const uint8_t* end() const { return end_; }

  // A reader over the next `size` bytes, advancing this one past them.
  Reader sub_reader(uint32_t size, const char* too_long_message) {
    if (size > remaining()) fail(too_long_message);
    Reader sub(pos_, pos_ + size, offset());
    sub.end_message_ = "unexpected end of section or function";
    pos_ += size;
    return sub;
  }

  uint8_t u8() {
    if (pos_ == end_) fail(end_message_);
    return *pos_++;
  }
  uint8_t peek() const {
    if (pos_ == end_) fail(end_message_);
    return *pos_;
  }

  uint32_t u32() {
    if (remaining() >= 1 && *pos_ < 0x80) return *pos_++;  // fast path: one byte
    return uint32_t(read_unsigned(32));
  }
  uint64_t u64() { return read_unsigned(64); }
  int32_t s32() { return int32_t(read_signed(32)); }
  int64_t s64() { return read_signed(64); }
  int64_t s33() { return read_signed(33); }

  uint32_t f32_bits() {
    uint32_t v;
    std::memcpy(&v, take(4), 4);
    return v;
  }
  uint64_t f64_bits() {
    uint64_t v;
    std::memcpy(&v, take(8), 8);
    return v;
  }

  const uint8_t* take(size_t n) {
    if (n > remaining()) fail(end_message_);
    const uint8_t* p = pos_;
    pos_ += n;
    return p;
  }

  // A vector length: each element takes at least one byte, so a count above the bytes left is
  // malformed before we allocate anything for it.
  uint32_t count() {
    uint32_t n = u32();
    if (n > remaining()) fail("length out of bounds");
    return n;
  }

  // A name: length-prefixed, valid UTF-8.
  std::string_view name();

  [[noreturn]] void fail(std::string message) const { fail_at(std::move(message), offset()); }
  [[noreturn]] static void fail_at(std::string message, size_t offset) {
    throw DecodeError{std::move(message), offset, true};
  }

 private:
  uint64_t read_unsigned(unsigned bits);
  int64_t read_signed(unsigned bits);

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  size_t base_;
  const char* end_message_ = "unexpected end";
};

bool is_valid_utf8(std::string_view s);

}  // namespace wasmrun::wasm
