// UTF-8 decoding and encoding for the text format: source checking, `\u{...}` escapes, and
// `char.const` values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wasmrun::text {

// Decodes the character at s[pos], advancing pos; nullopt for an ill-formed sequence, an
// overlong form, a surrogate or a value above U+10FFFF (Unicode §3.9, table 3-7).
std::optional<uint32_t> decode_utf8(std::string_view s, size_t& pos);

// Offset of the first ill-formed sequence, or npos when all of s is valid UTF-8.
size_t find_invalid_utf8(std::string_view s);

// Appends the UTF-8 form of a Unicode scalar value (not a surrogate, at most U+10FFFF).
void append_utf8(std::string& out, uint32_t code_point);

}  // namespace wasmrun::text
