// Tokens of WAVE, the WebAssembly Value Encoding (wasm-tools crates/wasm-wave, README
// "Encoding"): the text form of component values that `wasmtime run --invoke` reads and prints.
// Whitespace and `//` comments between tokens are skipped; each token is the longest match.
#pragma once

#include "canonical_abi/transcode.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The UTF-8 helpers (utf8_length, decode_utf8, valid_utf8) are canonical_abi/transcode.h's.
namespace wasmrun::wave {

using canon::decode_utf8;
using canon::utf8_length;
using canon::valid_utf8;

enum class TokenKind : uint8_t {
  BraceOpen, BraceClose, ParenOpen, ParenClose, BracketOpen, BracketClose, Colon, Comma,
  Number,           // `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?` or `-inf`
  Label,            // a label or keyword, `%` prefix included
  Char,             // `'x'`, `'\n'`, `'\u{2603}'`, quotes included
  String,           // `"..."`, quotes included
  MultilineString,  // `"""` ... `"""`, delimiters included
  End,
  Invalid,          // no token starts here
};

const char* to_string(TokenKind k);

struct Token {
  TokenKind kind = TokenKind::End;
  size_t begin = 0, end = 0;  // byte offsets into the source
};

class Lexer {
 public:
  explicit Lexer(std::string_view source, size_t offset = 0) : source_(source), pos_(offset) {}

  Token next();
  Token peek() const { return Lexer(*this).next(); }
  std::string_view source() const { return source_; }

 private:
  Token lex_number(size_t start);
  Token lex_label(size_t start);
  Token lex_char(size_t start);
  Token lex_string(size_t start);
  Token make(TokenKind k, size_t start, size_t end) {
    pos_ = end;
    return Token{k, start, end};
  }

  std::string_view source_;
  size_t pos_ = 0;
};

// The length of a label (`%`-prefix included) at `pos`, 0 if none starts there: one or more
// hyphen-separated words, the first starting with a letter, each all lower or all upper case
// (WIT identifiers).
size_t label_length(std::string_view s, size_t pos, bool allow_percent);

// The length of an escape (`\n`, `\u{2603}`, ...) at `pos` (at the backslash) as the lexer
// accepts it, 0 if it is not one.
size_t escape_length(std::string_view s, size_t pos);

// Decodes the escape at `pos` (lexed by escape_length): the character, or none when `\u{...}`
// is not a Unicode scalar value.
std::optional<char32_t> unescape(std::string_view s, size_t pos);

}  // namespace wasmrun::wave
