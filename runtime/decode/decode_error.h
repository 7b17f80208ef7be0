// The failure raised inside the binary decoder and validator. It never leaves them: the public
// entry points catch it and return an Error value (wasmrun/expected.h). Unwinding keeps the
// one-pass decoder free of error plumbing on every byte it reads.
#pragma once

#include <cstddef>
#include <string>

namespace wasmrun::wasm {

struct DecodeError {
  std::string message;
  size_t offset;     // byte offset in the module binary
  bool malformed;    // binary-format error (§5) rather than a validation error (§3)
  bool unsupported = false;  // uses a feature the runtime does not implement (valid or not)
};

}  // namespace wasmrun::wasm
