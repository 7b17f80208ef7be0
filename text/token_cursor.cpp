#include "text/token_cursor.h"

#include <fmt/format.h>

#include "text/literals.h"
#include "text/utf8.h"

namespace wasmrun::text {

void TokenCursor::fail(const Token& at, std::string_view message) const {
  throw ParseError{fmt::format("{}:{}:{}: {}", file_, at.line, at.column, message)};
}

void TokenCursor::expected(std::string_view what) const {
  fail(fmt::format("expected {}, found {}", what, describe(peek())));
}

const Token& TokenCursor::expect(TokenKind kind, std::string_view what) {
  if (!at(kind)) expected(what);
  return next();
}

void TokenCursor::expect_keyword(std::string_view keyword) {
  if (!at_keyword(keyword)) expected(fmt::format("\"{}\"", keyword));
  next();
}

void TokenCursor::expect_form(std::string_view keyword) {
  expect_lparen();
  expect_keyword(keyword);
}

bool TokenCursor::at_u32() const {
  return at(TokenKind::Number) && parse_unsigned(peek().text, UINT32_MAX).has_value();
}

uint32_t TokenCursor::u32() {
  if (!at(TokenKind::Number)) expected("a number");
  auto value = parse_unsigned(peek().text, UINT32_MAX);
  if (!value) fail(fmt::format("malformed or out-of-range u32 {}", describe(peek())));
  next();
  return uint32_t(*value);
}

uint64_t TokenCursor::u64() {
  if (!at(TokenKind::Number)) expected("a number");
  auto value = parse_unsigned(peek().text, UINT64_MAX);
  if (!value) fail(fmt::format("malformed or out-of-range u64 {}", describe(peek())));
  next();
  return *value;
}

uint64_t TokenCursor::integer(unsigned bits) {
  if (!at(TokenKind::Number)) expected(fmt::format("an i{} literal", bits));
  auto value = parse_integer(peek().text, bits);
  if (!value) fail(fmt::format("i{} constant out of range or malformed: {}", bits, describe(peek())));
  next();
  return *value;
}

uint32_t TokenCursor::f32() { return uint32_t(float_literal(32)); }

uint64_t TokenCursor::f64() { return float_literal(64); }

// `inf` and `nan...` lex as keywords, the other floats as numbers.
uint64_t TokenCursor::float_literal(unsigned bits) {
  if (!at(TokenKind::Number) && !at(TokenKind::Keyword)) expected(fmt::format("an f{} literal", bits));
  std::optional<uint64_t> value = bits == 32 ? std::optional<uint64_t>(parse_f32(peek().text)) : parse_f64(peek().text);
  if (!value) fail(fmt::format("f{} constant out of range or malformed: {}", bits, describe(peek())));
  next();
  return *value;
}

std::string TokenCursor::string() {
  if (!at(TokenKind::String)) expected("a string");
  const Token& t = peek();
  size_t error_at = 0;
  auto bytes = parse_string(t.text, &error_at);
  if (!bytes) {
    Token escape = t;
    escape.column += uint32_t(error_at);
    fail(escape, "malformed escape in string");
  }
  next();
  return std::move(*bytes);
}

std::string TokenCursor::name() {
  const Token& t = peek();
  std::string bytes = string();
  if (find_invalid_utf8(bytes) != std::string::npos) fail(t, "malformed UTF-8 encoding in name");
  return bytes;
}

std::string TokenCursor::id() {
  if (!at(TokenKind::Id)) expected("an identifier");
  const Token& t = next();
  std::string_view text = t.text.substr(1);
  if (text.empty() || text[0] != '"') return std::string(text);
  auto bytes = parse_string(text);
  if (!bytes || bytes->empty() || find_invalid_utf8(*bytes) != std::string::npos)
    fail(t, "malformed identifier");
  return std::move(*bytes);
}

void TokenCursor::skip_form() {
  if (!at(TokenKind::LParen)) {
    if (!at(TokenKind::End)) next();
    return;
  }
  next();
  skip_to_close();
  expect_rparen();
}

void TokenCursor::skip_to_close() {
  int depth = 0;
  while (!at(TokenKind::End)) {
    if (at(TokenKind::LParen)) ++depth;
    if (at(TokenKind::RParen)) {
      if (depth == 0) return;
      --depth;
    }
    next();
  }
}

}  // namespace wasmrun::text
