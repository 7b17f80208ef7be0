// An append-only byte buffer with the encodings of the binary format (core spec §5.1-5.2):
// LEB128 integers, little-endian floats, length-prefixed names and sections.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "support/leb128.h"

namespace wasmrun::text {

class BinaryWriter {
 public:
  void u8(uint8_t b) { bytes_.push_back(b); }
  void u32(uint32_t v) { write_uleb128(bytes_, v); }
  void u64(uint64_t v) { write_uleb128(bytes_, v); }
  void s32(int32_t v) { write_sleb128(bytes_, v); }
  void s64(int64_t v) { write_sleb128(bytes_, v); }
  void fixed(uint64_t bits, int size) {
    for (int i = 0; i < size; ++i) bytes_.push_back(uint8_t(bits >> (8 * i)));
  }
  void raw(std::span<const uint8_t> data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
  void raw(std::string_view data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
  void raw(const BinaryWriter& other) { raw(other.bytes()); }
  // A byte vector: its length, then its bytes (names, data, nested modules, section bodies).
  void sized(std::string_view data) {
    u32(uint32_t(data.size()));
    raw(data);
  }
  void sized(const BinaryWriter& other) {
    u32(uint32_t(other.size()));
    raw(other);
  }
  // A section: id, byte size, contents (§5.5.2).
  void section(uint8_t id, const BinaryWriter& contents) {
    u8(id);
    sized(contents);
  }

  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }
  void clear() { bytes_.clear(); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace wasmrun::text
