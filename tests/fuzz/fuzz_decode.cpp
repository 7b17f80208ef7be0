// libFuzzer target: decode and validate arbitrary bytes as a core module. Any crash, hang,
// leak or sanitizer report is a bug; rejecting the input is the expected outcome.
#include <cstddef>
#include <cstdint>

#include "runtime/decode/module_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto module = wasmrun::wasm::decode_module({data, size});
  if (!module) {
    // Errors must say something.
    if (module.error().message.empty()) __builtin_trap();
  }
  return 0;
}
