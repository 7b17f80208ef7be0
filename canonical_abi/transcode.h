// Strings across the canonical ABI (CanonicalABI.md load_string / store_string): decoding from
// utf8, utf16 or latin1+utf16 into UTF-8 host strings with validation, and encoding into a
// guest with the spec's exact sequence of realloc calls (worst-case sizes, then shrinking).
#pragma once

#include <string>
#include <string_view>

#include "canonical_abi/context.h"

namespace wasmrun::canon {

constexpr uint32_t kUtf16Tag = 1u << 31;  // latin1+utf16: the high bit of the length marks utf16

// How a string was encoded where it was lifted from. Lowering it again follows the spec's path
// for that source encoding, so the realloc calls a guest sees are the spec's.
enum class StringSource : uint8_t { Utf8, Utf16, Latin1, CompactUtf16 };  // Latin1: from latin1+utf16

struct StringOrigin {
  StringSource source = StringSource::Utf8;
  uint32_t code_units = 0;  // in the source encoding
};

// Traps for out-of-range, misaligned or invalid strings.
std::string load_string_from_range(Cx& cx, uint32_t ptr, uint32_t tagged_code_units, StringOrigin* origin);

struct GuestString {
  uint32_t ptr;
  uint32_t tagged_code_units;
};
// `origin` says how `utf8` was encoded originally; traps when `utf8` is not valid UTF-8 (host
// strings) and ignores an origin that does not fit it.
GuestString store_string_into_range(Cx& cx, std::string_view utf8, StringOrigin origin);

// Validation and decoding helpers, exposed for the typed path and tests.
// Returns the error message for invalid UTF-8, or an empty string.
std::string utf8_error(std::string_view bytes);
size_t utf16_length(std::string_view utf8);  // code units needed for valid UTF-8
// Appends the UTF-8 encoding of the scalar value `c`.
void append_utf8(std::string& out, char32_t c);
// The length of the UTF-8 sequence led by `lead`, and the character at `pos` of valid UTF-8.
size_t utf8_length(unsigned char lead);
char32_t decode_utf8(std::string_view s, size_t pos);
// Whether `s` is valid UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view s);

}  // namespace wasmrun::canon
