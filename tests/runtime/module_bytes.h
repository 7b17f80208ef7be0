// Helpers that assemble module binaries for tests, byte by byte.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/decode/module_decoder.h"
#include "support/leb128.h"

namespace wasmrun::test {

using Bytes = std::vector<uint8_t>;

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes u32(uint32_t v) {
  Bytes b;
  write_uleb128(b, v);
  return b;
}

inline Bytes str(std::string_view s) {
  Bytes b = u32(uint32_t(s.size()));
  b.insert(b.end(), s.begin(), s.end());
  return b;
}

// A vector: the element count, then the elements' bytes.
inline Bytes vec(uint32_t count, const Bytes& elements) { return cat({u32(count), elements}); }

inline Bytes section(uint8_t id, const Bytes& contents) { return cat({{id}, u32(uint32_t(contents.size())), contents}); }

inline Bytes module(std::initializer_list<Bytes> sections) {
  Bytes m{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) m.insert(m.end(), s.begin(), s.end());
  return m;
}

// A code-section entry: size, local runs, instructions (which must end with 0x0b).
inline Bytes body(const Bytes& locals, const Bytes& code) {
  Bytes contents = cat({locals, code});
  return cat({u32(uint32_t(contents.size())), contents});
}

// A module of one function of type `type` with body `code` (no locals), plus extra sections
// placed before the function/code sections when their ids require it.
inline Bytes one_function(const Bytes& type, const Bytes& code, std::initializer_list<Bytes> extra = {}) {
  Bytes m{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  Bytes s = section(1, vec(1, type));
  m.insert(m.end(), s.begin(), s.end());
  s = section(3, vec(1, {0x00}));
  m.insert(m.end(), s.begin(), s.end());
  for (const Bytes& e : extra) m.insert(m.end(), e.begin(), e.end());
  s = section(10, vec(1, body({0x00}, code)));
  m.insert(m.end(), s.begin(), s.end());
  return m;
}

inline const Bytes kVoidType{0x60, 0x00, 0x00};

// The decode error message, or "" when the module is valid.
inline std::string error_of(const Bytes& bytes, wasm::DecodeOptions options = {}) {
  auto m = wasm::decode_module(bytes, options);
  return m ? "" : m.error().message;
}
// Under Wasm 2.0's rules (one memory, reserved zero bytes).
inline std::string error_of_wasm2(const Bytes& bytes) { return error_of(bytes, {.multi_memory = false}); }

}  // namespace wasmrun::test
