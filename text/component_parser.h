// Parses the definitions of a component in the text format (component model Explainer.md) and
// encodes the component binary (Binary.md).
#pragma once

#include <cstdint>
#include <vector>

#include "text/token_cursor.h"

namespace wasmrun::text {

class ComponentParser {
 public:
  // The cursor is at the first definition; parsing stops before the ")" closing the component,
  // or at the end of input.
  explicit ComponentParser(TokenCursor& c) : c_(c) {}

  std::vector<uint8_t> parse();

 private:
  TokenCursor& c_;
};

}  // namespace wasmrun::text
