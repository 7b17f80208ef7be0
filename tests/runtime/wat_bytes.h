// The binary of a module or component written in the text format, for tests.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/wat.h"

namespace wasmrun::test {

inline std::vector<uint8_t> encode(std::string_view wat) {
  auto bytes = text::parse_wat(wat, "test.wat");
  REQUIRE_MESSAGE(bytes.ok(), (bytes.ok() ? "" : bytes.error().message));
  return bytes.take();
}

}  // namespace wasmrun::test
