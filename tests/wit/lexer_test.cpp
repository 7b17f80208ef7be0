#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "wit/lexer.h"
#include "wit/semver.h"

using namespace wasmrun::wit;

namespace {

std::vector<Tok> kinds(const std::string& text) {
  SourceFile file{"t.wit", text};
  Lexer lexer(file);
  std::vector<Tok> out;
  for (;;) {
    auto t = lexer.next();
    REQUIRE_MESSAGE(t.ok(), t.error().message);
    if (t->kind == Tok::End) return out;
    out.push_back(t->kind);
  }
}

std::string lex_error(const std::string& text) {
  SourceFile file{"t.wit", text};
  Lexer lexer(file);
  for (;;) {
    auto t = lexer.next();
    if (!t) return t.error().message;
    if (t->kind == Tok::End) return "";
  }
}

}  // namespace

TEST_CASE("lexer: operators, keywords, identifiers and nested comments") {
  CHECK(kinds("record foo { a: list<u8>, } -> %record /* a /* nested */ comment */ _")
        == std::vector<Tok>{Tok::Record, Tok::Id, Tok::LBrace, Tok::Id, Tok::Colon, Tok::List, Tok::LAngle,
                            Tok::U8, Tok::RAngle, Tok::Comma, Tok::RBrace, Tok::Arrow, Tok::ExplicitId,
                            Tok::Underscore});
  CHECK(kinds("error-context DNS-error a1-b2") == std::vector<Tok>{Tok::ErrorContext, Tok::Id, Tok::Id});
}

TEST_CASE("lexer: doc comments attach to the next token") {
  SourceFile file{"t.wit", "/// first\n/// second\n// plain\nfoo /** block */ bar"};
  Lexer lexer(file);
  auto foo = lexer.next();
  REQUIRE(foo.ok());
  CHECK(foo->docs == "first\nsecond");
  auto bar = lexer.next();
  REQUIRE(bar.ok());
  CHECK(bar->docs == " block ");
}

TEST_CASE("lexer: errors name the file, line and column") {
  CHECK(lex_error("foo\n  Foo-bar") == "t.wit:2:3: identifier `Foo-bar` is not in kebab case: words of letters and "
                                       "digits, each starting with a letter and all lowercase or all uppercase, "
                                       "joined by `-`");
  CHECK(lex_error("a /* open") == "t.wit:1:3: unterminated block comment");
  CHECK(lex_error("a\n\xc3\xa9 b") == "t.wit:2:1: unexpected character `\xc3\xa9`");
  CHECK(lex_error("// \xe2\x80\xae bidi") == "t.wit:1:4: character U+202E is not allowed in WIT");
  CHECK(lex_error("a-") != "");
  CHECK(lex_error("a--b") != "");
  CHECK(lex_error("1a") == "");  // an integer then an identifier; the parser decides
}

TEST_CASE("semver: scanning stops before `.{`, precedence follows semver 2.0") {
  auto v = scan_version("0.2.12.{x}");
  REQUIRE(v);
  CHECK(v->length == 6);
  CHECK(v->version.to_string() == "0.2.12");
  auto pre = scan_version("1.0.0-rc.1+build.5;");
  REQUIRE(pre);
  CHECK(pre->version.pre == "rc.1");
  CHECK(pre->version.build == "build.5");
  CHECK(pre->length == 18);
  CHECK_FALSE(scan_version("01.0.0"));
  CHECK_FALSE(scan_version("1.0"));
  CHECK_FALSE(parse_version("1.0.0-01"));
  auto less = [](const char* a, const char* b) { return parse_version(a)->compare(*parse_version(b)) < 0; };
  CHECK(less("1.0.0-alpha", "1.0.0-alpha.1"));
  CHECK(less("1.0.0-alpha.1", "1.0.0-alpha.beta"));
  CHECK(less("1.0.0-beta.2", "1.0.0-beta.11"));
  CHECK(less("1.0.0-rc.1", "1.0.0"));
  CHECK(less("0.2.9", "0.2.12"));
  CHECK(*parse_version("1.0.0+a") == *parse_version("1.0.0+b"));
}
