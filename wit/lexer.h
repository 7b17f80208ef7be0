// The lexical structure of WIT (WIT.md "Lexical structure"): whitespace and nested comments,
// operators, keywords, kebab-case identifiers (`%` escapes a keyword), integers. Doc comments
// (`///`, `/** */`) are kept for the item that follows. Tokens are read one at a time because a
// semver version after `@` or `=` is scanned from the raw text (`Lexer::take_version`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wasmrun/expected.h"
#include "wit/semver.h"
#include "wit/source.h"

namespace wasmrun::wit {

enum class Tok : uint8_t {
  End, Id, ExplicitId, Integer,
  Equals, Comma, Colon, Semicolon, LParen, RParen, LBrace, RBrace, LAngle, RAngle, Star, Arrow,
  Slash, Dot, At, Underscore,
  // keywords
  As, Async, Bool, Borrow, Char, Constructor, Enum, ErrorContext, Export, F32, F64, Flags, From,
  Func, Future, Import, Include, Interface, List, Map, Option, Own, Package, Record, Resource,
  Result, S8, S16, S32, S64, Static, Stream, String, Tuple, Type, U8, U16, U32, U64, Use, Variant,
  With, World,
};

struct Token {
  Tok kind = Tok::End;
  uint32_t offset = 0;    // byte offset of the first character
  std::string_view text;  // the characters; for ExplicitId without the `%`
  std::string docs;       // doc comments just before this token, markers stripped
};

// How a message names a token kind: "`{`", "an identifier", "end of file".
std::string describe(Tok kind);
std::string describe(const Token& token);

class Lexer {
 public:
  explicit Lexer(const SourceFile& file) : file_(file), text_(file.text) {}

  // The next token, or an error at the offending character.
  Expected<Token> next();
  // A semver version starting exactly at the current position (right after `@` or `=`, spaces
  // allowed); on success the position moves past it.
  Expected<Version> take_version();
  uint32_t position() const { return uint32_t(pos_); }

 private:
  Expected<void> skip_trivia(std::string& docs);
  Error error(size_t offset, const std::string& message) const;

  const SourceFile& file_;
  std::string_view text_;
  size_t pos_ = 0;
};

// WIT's identifier rule: kebab-case words, each starting with a letter and either all
// lowercase or all uppercase (digits allowed after the first character).
bool is_kebab_id(std::string_view id);

}  // namespace wasmrun::wit
