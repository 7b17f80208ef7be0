// Small pieces of HTTP/1.1 message writing shared by the server and the client (RFC 9112).
#pragma once

#include <cstdint>

#include <fmt/format.h>

#include "http/byte_buffer.h"
#include "http/fields.h"

namespace wasmrun::http {

inline void append_decimal(ByteBuffer& out, uint64_t n) {
  char buf[24];
  auto end = fmt::format_to(buf, "{}", n);
  out.append(std::string_view(buf, static_cast<size_t>(end - buf)));
}

inline void append_hex(ByteBuffer& out, uint64_t n) {
  char buf[24];
  auto end = fmt::format_to(buf, "{:x}", n);
  out.append(std::string_view(buf, static_cast<size_t>(end - buf)));
}

// "name: value\r\n" for one field.
inline void append_field_line(ByteBuffer& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

// One chunk of a chunked body: size line, data, CRLF (RFC 9112 §7.1).
inline void append_chunk(ByteBuffer& out, std::string_view data) {
  append_hex(out, data.size());
  out.append("\r\n");
  out.append(data);
  out.append("\r\n");
}

// The last chunk, the trailer section and the final CRLF (RFC 9112 §7.1.2). Invalid fields are
// dropped rather than risk splitting the message.
inline void append_last_chunk(ByteBuffer& out, const Fields& trailers) {
  out.append("0\r\n");
  for (const Field& f : trailers)
    if (is_token(f.name) && is_field_value(f.value)) append_field_line(out, f.name, f.value);
  out.append("\r\n");
}

}  // namespace wasmrun::http
