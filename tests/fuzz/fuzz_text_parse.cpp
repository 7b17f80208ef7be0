// libFuzzer target: parse arbitrary bytes as a WAST script and as a WAT module or component, and
// encode what parses. Any crash, hang, leak or sanitizer report is a bug; rejecting the input
// with a positioned message is the expected outcome.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text/wast_parser.h"
#include "text/wat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  auto script = wasmrun::text::parse_wast(source, "fuzz.wast");
  if (!script && script.error().message.empty()) __builtin_trap();
  auto binary = wasmrun::text::parse_wat(source, "fuzz.wat");
  if (!binary && binary.error().message.find("fuzz.wat:") != 0) __builtin_trap();  // errors say where
  return 0;
}
