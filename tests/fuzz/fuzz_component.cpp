// libFuzzer target: decode and validate arbitrary bytes as a component (Binary.md), nested
// components and core modules included. Any crash, hang, leak or sanitizer report is a bug;
// rejecting the input is the expected outcome.
#include <cstddef>
#include <cstdint>

#include "runtime/decode/component_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto result = wasmrun::component::decode_component({data, size});
  // A failure must say what went wrong.
  if (!result.component && result.error.message.empty()) __builtin_trap();
  return 0;
}
