#include <doctest/doctest.h>

#include "text/lexer.h"

using namespace wasmrun::text;

namespace {

std::vector<Token> lex(std::string_view source) {
  auto tokens = tokenize(source, "t.wat");
  REQUIRE(tokens.ok());
  return tokens.take();
}

std::string lex_error(std::string_view source) {
  auto tokens = tokenize(source, "t.wat");
  REQUIRE(!tokens.ok());
  return tokens.error().message;
}

}  // namespace

TEST_CASE("tokens carry their kind and exact line:column") {
  auto t = lex("(module\n  (func $f (param i32) \"s\\n\" 0x1_0 -inf))");
  REQUIRE(t.size() == 15);
  CHECK(t[0].kind == TokenKind::LParen);
  CHECK(t[1].kind == TokenKind::Keyword);
  CHECK(t[1].text == "module");
  CHECK(t[3].line == 2);
  CHECK(t[3].column == 4);
  CHECK(t[4].kind == TokenKind::Id);
  CHECK(t[4].text == "$f");
  CHECK(t[9].kind == TokenKind::String);
  CHECK(t[10].kind == TokenKind::Number);
  CHECK(t[11].kind == TokenKind::Number);
  CHECK(t[11].text == "-inf");
  CHECK(t.back().kind == TokenKind::End);
}

TEST_CASE("columns count characters, not bytes") {
  auto t = lex(";; héllo\n\"ü\" x");
  REQUIRE(t.size() == 3);
  CHECK(t[1].line == 2);
  CHECK(t[1].column == 5);  // after the two-byte ü, counted once
}

TEST_CASE("comments nest and annotations are dropped") {
  auto t = lex("(; a (; b ;) c ;) x ;; y\n(@custom \"n\" (a b) \"c\") z");
  REQUIRE(t.size() == 3);
  CHECK(t[0].text == "x");
  CHECK(t[1].text == "z");
}

TEST_CASE("a token is the longest run of identifier characters and strings") {
  auto t = lex("$\"quoted id\" a\"b\" 0$x i32.const0");
  CHECK(t[0].kind == TokenKind::Id);
  CHECK(t[1].kind == TokenKind::Reserved);
  CHECK(t[2].kind == TokenKind::Number);  // checked (and rejected) when a number is expected
  CHECK(t[3].kind == TokenKind::Keyword);
}

TEST_CASE("lexical errors say where") {
  CHECK(lex_error("(module\n  \"abc") == "t.wat:2:3: unclosed string");
  CHECK(lex_error("x (; never closed") == "t.wat:1:3: unclosed block comment");
  CHECK(lex_error("(a \x01)") == "t.wat:1:4: unexpected character 0x01");
  CHECK(lex_error("\"\xff\"") == "t.wat:1:2: malformed UTF-8 encoding");
  CHECK(lex_error("\"tab\there\"") == "t.wat:1:5: illegal character 0x09 in string");
  CHECK(lex_error("(@) x") == "t.wat:1:2: empty or malformed annotation id");
  CHECK(lex_error("(@a (x)") == "t.wat:1:8: unclosed annotation");
}

TEST_CASE("describe quotes tokens for messages") {
  auto t = lex(")");
  CHECK(describe(t[0]) == "\")\"");
  CHECK(describe(t[1]) == "end of input");
}
