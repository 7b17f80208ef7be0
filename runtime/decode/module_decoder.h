// Decoding and validating a core module binary in one pass (core spec §5 binary format and §3
// validation). This is the entry point the rest of the runtime uses.
#pragma once

#include <cstdint>
#include <span>

#include "runtime/wasm/module.h"
#include "wasmrun/expected.h"

namespace wasmrun::wasm {

struct DecodeOptions {
  bool validate = true;  // false: check the binary format only
  // false (with validate false): function bodies are taken as the ranges their sizes give, not
  // read — for binaries validated before, whose code comes from the code cache or an artifact.
  bool read_bodies = true;
  // Wasm 3.0 multi-memory (on by default, as in Wasmtime); off, Wasm 2.0's rules: one memory,
  // reserved zero bytes in the memory instructions.
  bool multi_memory = true;
};

// On failure the message reads like "type mismatch in i32.add: expected i32, got f32 (at 0x2f3)".
// When a binary is both malformed and invalid, the malformed error wins, as in the spec's
// decode-then-validate order.
Expected<Module> decode_module(std::span<const uint8_t> bytes, DecodeOptions options = {});

// The same, but reporting whether the failure was in the binary format (malformed) or validation.
struct DecodeFailure {
  Error error;
  bool malformed;
};
DecodeFailure decode_failure(std::span<const uint8_t> bytes, DecodeOptions options = {});

}  // namespace wasmrun::wasm
