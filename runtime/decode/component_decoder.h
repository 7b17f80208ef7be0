// Decoding and validating a component binary (component model Binary.md) in one pass: every
// section, nested components and core modules, with the validator
// (runtime/validate/component_validator.h) checking each definition as it is read.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "runtime/component/component.h"
#include "runtime/validate/component_validator.h"
#include "wasmrun/expected.h"

namespace wasmrun::component {


// Whether the bytes start like a component (the preamble's layer field is 1) rather than a
// core module.
bool is_component_binary(std::span<const uint8_t> bytes);

struct ComponentDecodeResult {
  std::shared_ptr<const Component> component;  // null on failure
  Error error;            // "message (at 0x2f3)"
  bool malformed = false; // a binary-format error rather than a validation error
  bool unsupported = false;  // uses a feature outside the synchronous component model
};

// On failure, a malformed binary reports its format error first, as in the spec's
// decode-then-validate order.
ComponentDecodeResult decode_component(std::span<const uint8_t> bytes, ComponentDecodeOptions options = {});

}  // namespace wasmrun::component
