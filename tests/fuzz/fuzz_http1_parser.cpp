// libFuzzer target for the HTTP/1.1 parser. The first input byte picks request or response mode,
// the second and third a split pattern; the rest is the connection's bytes. Properties checked:
// no crash, hang or sanitizer report; feeding the input in pieces (honouring the "present
// unconsumed bytes again" contract) gives exactly the transcript of feeding it whole; an error
// always has a message and a 4xx/5xx status.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/http/parser_recorder.h"

using namespace wasmrun::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  auto mode = (data[0] & 1) ? Http1Parser::Mode::response : Http1Parser::Mode::request;
  size_t step = 1 + ((data[1] | (data[2] << 8)) % 61);
  bool eof = data[0] & 2;
  ParserLimits limits;
  if (data[0] & 4) {
    // Small limits so the limit paths are reached with small inputs.
    limits.max_start_line = 40;
    limits.max_field_section = 80;
    limits.max_fields = 5;
    limits.max_chunk_line = 12;
    limits.max_body = 100;
  }
  std::string_view input(reinterpret_cast<const char*>(data + 3), size - 3);
  const ParseError* error = nullptr;
  std::string whole = testing::parse_all(mode, input, 0, eof, limits, &error);
  if (error) {
    if (error->status() < 400 || error->status() > 505) __builtin_trap();
    if (error->message.empty() || error->offset > input.size()) __builtin_trap();
  }
  std::string split = testing::parse_all(mode, input, step, eof, limits);
  if (whole != split) __builtin_trap();
  return 0;
}
