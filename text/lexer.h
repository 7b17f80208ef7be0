// The lexical layer of the WebAssembly text format (core spec §6.2, with the 3.0 additions:
// quoted identifiers `$"..."` and annotations). Turns a source into tokens with exact
// line:column positions; comments, whitespace and annotations `(@name ...)` are dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,   // starts with a lowercase letter: `module`, `i32.add`, `offset=8`, `nan:0x1`
  Id,        // `$name` or `$"name"`
  Number,    // starts with a digit or a sign; checked when a number is expected
  String,    // "...", escapes still in place
  Reserved,  // any other run of identifier characters and strings: always an error when used
  End,
};

struct Token {
  TokenKind kind = TokenKind::End;
  uint32_t line = 0;
  uint32_t column = 0;    // 1-based, counted in Unicode characters
  std::string_view text;  // the token's characters in the source
};

// The whole source as tokens, ending with one End token.
Expected<std::vector<Token>> tokenize(std::string_view source, std::string_view file_name);

// How an error message shows a token: `")"`, `"i32.add"`, or `end of input`.
std::string describe(const Token& token);

}  // namespace wasmrun::text
