// Numeric and string literals of the text format (core spec §6.3): integers with `_` separators
// and hex forms, floats (decimal, hex, `inf`, `nan`, `nan:0x...`) rounded exactly to binary32 or
// binary64, and strings with escapes. Each returns nullopt when the text is not such a literal
// or is out of range; callers turn that into a positioned error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wasmrun::text {

// An unsigned literal (digits or 0x hexdigits, no sign) no larger than max.
std::optional<uint64_t> parse_unsigned(std::string_view text, uint64_t max);

// An integer for an N-bit field (N = 8, 16, 32, 64): either sign-prefixed in [-2^(N-1), 2^(N-1))
// or unsigned in [0, 2^N). Returns the two's-complement bits, zero-extended.
std::optional<uint64_t> parse_integer(std::string_view text, unsigned bits);

// A signed literal (the sign is optional) in [-2^63, 2^64), as its value and sign.
struct SignedLiteral {
  bool negative = false;
  uint64_t magnitude = 0;
};
std::optional<SignedLiteral> parse_signed(std::string_view text);

// Float literals, as the bits of the IEEE 754 value.
std::optional<uint32_t> parse_f32(std::string_view text);
std::optional<uint64_t> parse_f64(std::string_view text);

// The bytes of a string token (quotes included). On failure, error_at is the offset within the
// token of the bad escape.
std::optional<std::string> parse_string(std::string_view token, size_t* error_at = nullptr);

}  // namespace wasmrun::text
