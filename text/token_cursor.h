// A cursor over tokens with the small vocabulary every text-format parser shares: peeking,
// expecting, reading literals and names, and failing with "file:line:col: message".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/lexer.h"

namespace wasmrun::text {

// Raised inside the parsers and caught at their public entry points, which return it as an
// Error value; unwinding keeps the recursive-descent code free of error plumbing.
struct ParseError {
  std::string message;
};

class TokenCursor {
 public:
  TokenCursor(const std::vector<Token>& tokens, std::string_view file) : tokens_(tokens), file_(file) {}

  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  size_t position() const { return pos_; }
  void seek(size_t position) { pos_ = position; }
  std::string_view file() const { return file_; }

  bool at(TokenKind kind) const { return peek().kind == kind; }
  bool at_keyword(std::string_view keyword) const { return at(TokenKind::Keyword) && peek().text == keyword; }
  bool at_rparen() const { return at(TokenKind::RParen); }
  // "(" followed by the keyword.
  bool at_form(std::string_view keyword) const {
    return at(TokenKind::LParen) && peek(1).kind == TokenKind::Keyword && peek(1).text == keyword;
  }
  // The keyword of the form starting here, or "" when no "(keyword" is next.
  std::string_view form_keyword() const {
    return at(TokenKind::LParen) && peek(1).kind == TokenKind::Keyword ? peek(1).text : std::string_view();
  }

  bool take_keyword(std::string_view keyword) {
    if (!at_keyword(keyword)) return false;
    next();
    return true;
  }
  bool take_form(std::string_view keyword) {
    if (!at_form(keyword)) return false;
    next(), next();
    return true;
  }
  void expect_lparen() { expect(TokenKind::LParen, "\"(\""); }
  void expect_rparen() { expect(TokenKind::RParen, "\")\""); }
  void expect_keyword(std::string_view keyword);
  void expect_form(std::string_view keyword);  // "(" keyword
  const Token& expect(TokenKind kind, std::string_view what);

  // Literals.
  uint32_t u32();
  uint64_t u64();
  uint64_t integer(unsigned bits);  // iN, as two's-complement bits
  uint32_t f32();
  uint64_t f64();
  std::string string();  // the bytes of a string token
  std::string name();    // a string that must be valid UTF-8
  bool at_string() const { return at(TokenKind::String); }
  bool at_id() const { return at(TokenKind::Id); }
  bool at_u32() const;
  std::string id();  // the name of an `$id` token, without `$`

  // Skips one balanced s-expression (or one atom).
  void skip_form();
  // Skips everything up to the ")" closing the form we are inside of (not consuming it).
  void skip_to_close();

  [[noreturn]] void fail(const Token& at, std::string_view message) const;
  [[noreturn]] void fail(std::string_view message) const { fail(peek(), message); }
  // "expected WHAT, found TOKEN" at the current token.
  [[noreturn]] void expected(std::string_view what) const;

 private:
  uint64_t float_literal(unsigned bits);

  const std::vector<Token>& tokens_;
  std::string_view file_;
  size_t pos_ = 0;
};

// Bounds the recursion of a parser (nested folded instructions, blocks, types, components) so
// hostile input fails cleanly instead of exhausting the stack.
class DepthGuard {
 public:
  static constexpr int kMaxDepth = 1000;
  DepthGuard(int& depth, const TokenCursor& cursor) : depth_(depth) {
    if (++depth_ > kMaxDepth) cursor.fail("nesting too deep");
  }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  int& depth_;
};

}  // namespace wasmrun::text
