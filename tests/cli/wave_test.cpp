// WAVE (cli/wave/): reading text as typed component values, printing values, and `--invoke`
// calls; the cases follow wasm-wave's README and tests (the behaviour `wasmtime run --invoke`
// has).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "cli/wave/printer.h"
#include "cli/wave/syntax.h"
#include "cli/wave/typed.h"

using namespace wasmrun;
using component::Val;
using component::ValueKind;
using component::ValueType;
using component::ValueTypePtr;

namespace {

ValueTypePtr prim(ValueKind k) { return ValueType::primitive(k); }

ValueTypePtr list_of(ValueTypePtr e) {
  auto t = std::make_shared<ValueType>();
  t->kind = ValueKind::List;
  t->element = std::move(e);
  return t;
}

ValueTypePtr option_of(ValueTypePtr e) {
  auto t = std::make_shared<ValueType>();
  t->kind = ValueKind::Option;
  t->element = std::move(e);
  return t;
}

ValueTypePtr result_of(ValueTypePtr ok, ValueTypePtr err) {
  auto t = std::make_shared<ValueType>();
  t->kind = ValueKind::Result;
  t->ok = std::move(ok);
  t->err = std::move(err);
  return t;
}

ValueTypePtr record_of(std::vector<std::pair<std::string, ValueTypePtr>> fields, ValueKind k = ValueKind::Record) {
  auto t = std::make_shared<ValueType>();
  t->kind = k;
  for (auto& [name, type] : fields) t->fields.push_back({name, type});
  return t;
}

ValueTypePtr tuple_of(std::vector<ValueTypePtr> types) {
  std::vector<std::pair<std::string, ValueTypePtr>> fields;
  for (auto& t : types) fields.emplace_back("", t);
  return record_of(std::move(fields), ValueKind::Tuple);
}

ValueTypePtr variant_of(std::vector<std::pair<std::string, ValueTypePtr>> cases) {
  auto t = std::make_shared<ValueType>();
  t->kind = ValueKind::Variant;
  for (auto& [name, type] : cases) t->cases.push_back({name, type});
  return t;
}

ValueTypePtr names_of(ValueKind k, std::vector<std::string> names) {
  auto t = std::make_shared<ValueType>();
  t->kind = k;
  t->names = std::move(names);
  return t;
}

Val parse(std::string_view text, const ValueTypePtr& t) {
  auto v = wave::parse_value(text, *t);
  INFO(text);
  REQUIRE_MESSAGE(bool(v), (v ? std::string() : v.error().message));
  return v.take();
}

std::string error_of(std::string_view text, const ValueTypePtr& t) {
  auto v = wave::parse_value(text, *t);
  INFO(text);
  REQUIRE_FALSE(bool(v));
  return v.error().message;
}

// Parsed, printed as `printed`, and that text reads back as the same value.
void round_trip(std::string_view text, const ValueTypePtr& t, std::string_view printed) {
  Val v = parse(text, t);
  CHECK(wave::print(v) == printed);
  CHECK(parse(wave::print(v), t) == v);
}

}  // namespace

TEST_CASE("wave: integers are base-10 and range-checked by type") {
  CHECK(parse("123", prim(ValueKind::U8)) == Val::u8(123));
  CHECK(parse("-128", prim(ValueKind::S8)) == Val::s8(-128));
  CHECK(parse("-0", prim(ValueKind::S32)) == Val::s32(0));
  CHECK(parse("18446744073709551615", prim(ValueKind::U64)) == Val::u64(UINT64_MAX));
  CHECK(parse("-9223372036854775808", prim(ValueKind::S64)) == Val::s64(INT64_MIN));
  CHECK(error_of("-129", prim(ValueKind::S8)) == "invalid value `-129`: out of range for s8 at 0..4");
  CHECK(error_of("256", prim(ValueKind::U8)).starts_with("invalid value `256`: out of range"));
  CHECK(error_of("18446744073709551616", prim(ValueKind::U64)).starts_with("invalid value"));
  CHECK(error_of("-0", prim(ValueKind::U32)) == "invalid value `-0`: not a u32 at 0..2");
  CHECK(error_of("1.5", prim(ValueKind::U32)).starts_with("invalid value `1.5`"));
  CHECK(error_of("1e3", prim(ValueKind::S64)).starts_with("invalid value `1e3`"));
  CHECK(error_of("nan", prim(ValueKind::S64)).starts_with("invalid value `nan`"));
  CHECK(error_of("true", prim(ValueKind::U8)) == "invalid value type: `true` is not a u8 at 0..4");
  // Not one number: `0` then `7`.
  CHECK(error_of("007", prim(ValueKind::U32)) == "trailing characters after value at 1..2");
  CHECK(error_of("+1", prim(ValueKind::U32)) == "invalid token at 0..1");
}

TEST_CASE("wave: floats are JSON numbers, nan, inf and -inf, printed in plain decimal") {
  CHECK(parse("3.14", prim(ValueKind::F64)) == Val::f64(3.14));
  CHECK(parse("6.022e+23", prim(ValueKind::F64)) == Val::f64(6.022e23));
  CHECK(parse("1E-3", prim(ValueKind::F32)) == Val::f32(1e-3f));
  CHECK(parse("7", prim(ValueKind::F32)) == Val::f32(7));
  CHECK(std::isnan(parse("nan", prim(ValueKind::F32)).as_f32()));
  CHECK(parse("-inf", prim(ValueKind::F64)) == Val::f64(-std::numeric_limits<double>::infinity()));
  CHECK(parse("1e400", prim(ValueKind::F64)) == Val::f64(std::numeric_limits<double>::infinity()));
  CHECK(error_of(".5", prim(ValueKind::F64)) == "invalid token at 0..1");
  CHECK(error_of("1.", prim(ValueKind::F64)) == "trailing characters after value at 1..2");
  round_trip("1e20", prim(ValueKind::F64), "100000000000000000000");
  round_trip("1.0", prim(ValueKind::F64), "1");
  round_trip("-0.0", prim(ValueKind::F64), "-0");
  round_trip("0.0000001", prim(ValueKind::F64), "0.0000001");
  round_trip("0.1", prim(ValueKind::F32), "0.1");
  round_trip("3.4028235e38", prim(ValueKind::F32), "340282350000000000000000000000000000000");
  round_trip("5e-324", prim(ValueKind::F64),
             "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
             "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
             "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
             "000000000000000000000000005");
  round_trip("inf", prim(ValueKind::F32), "inf");
  round_trip("nan", prim(ValueKind::F64), "nan");
}

TEST_CASE("wave: chars and strings with their escapes") {
  auto ch = prim(ValueKind::Char);
  auto str = prim(ValueKind::String);
  CHECK(parse("'x'", ch) == Val::character('x'));
  CHECK(parse("'☃'", ch) == Val::character(0x2603));
  CHECK(parse("'\\''", ch) == Val::character('\''));
  CHECK(parse("'\\u{0}'", ch) == Val::character(0));
  CHECK(parse("'\\u{10FFFF}'", ch) == Val::character(0x10ffff));
  CHECK(error_of("'ab'", ch) == "invalid token at 0..2");
  CHECK(error_of("''", ch) == "invalid token at 0..1");
  CHECK(error_of("'\\u{d800}'", ch) == "invalid value `'\\u{d800}'`: invalid character escape at 0..10");
  CHECK(error_of("'\\u{1234567}'", ch) == "invalid token at 0..2");
  CHECK(parse(R"("abc\t123")", str) == Val::string("abc\t123"));
  CHECK(parse(R"("\"\\\n\r\'\u{1F600}")", str) == Val::string("\"\\\n\r'\xF0\x9F\x98\x80"));
  CHECK(parse("\"\"", str) == Val::string(""));
  CHECK(error_of("\"a\nb\"", str) == "invalid token at 0..2");
  CHECK(error_of("\"\\x\"", str) == "invalid token at 0..2");
  CHECK(error_of("\"abc", str) == "invalid token at 0..4");
  CHECK(error_of("\"\\u{dfff}\"", str) == "invalid character escape at 1..9");
  CHECK(error_of("'a'", str) == "invalid value type: `'a'` is not a string at 0..3");
  CHECK(!wave::parse_value("\"\xff\"", *str));  // not UTF-8
  // Printed as Rust's escape_default / escape_unicode write them.
  CHECK(wave::print(Val::string("it's \"q\"\\\t\x1b\xc2\x85")) == R"("it\'s \"q\"\\\t\u{1b}\u{85}")");
  CHECK(wave::print(Val::character('\'')) == R"('\'')");
  CHECK(wave::print(Val::character(0x2603)) == "'☃'");
  round_trip(R"("\u{7f}\u{200b}é")", str, R"("\u{7f}\u{200b}é")");
  // A host's string that is not UTF-8: each bad byte prints as U+FFFD.
  CHECK(wave::print(Val::string("a\xff\xe2\x98")) == "\"a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST_CASE("wave: multiline strings drop the closing line's indent") {
  auto str = prim(ValueKind::String);
  // The three examples of the WAVE README.
  CHECK(parse("\"\"\"\nA single line\n\"\"\"", str) == Val::string("A single line"));
  CHECK(parse("\"\"\"\n    Indentation determined\n      by ending delimiter\n  \"\"\"", str) ==
        Val::string("  Indentation determined\n    by ending delimiter"));
  CHECK(parse("\"\"\"\n  Must escape carriage return at end of line: \\r\n  Must break up double quote triplets: "
              "\"\"\\\"\"\n  \"\"\"",
              str) ==
        Val::string("Must escape carriage return at end of line: \r\nMust break up double quote triplets: \"\"\"\""));
  CHECK(parse("\"\"\"\r\n  a\r\n  b\r\n  \"\"\"", str) == Val::string("a\nb"));
  CHECK(parse("\"\"\"\n\"\"\"", str) == Val::string(""));
  CHECK(error_of("\"\"\"x\n\"\"\"", str).starts_with("invalid multiline string: opening"));
  CHECK(error_of("\"\"\"\nx\"\"\"", str).starts_with("invalid multiline string: closing"));
  CHECK(error_of("\"\"\"\n a\n  \"\"\"", str).starts_with("invalid multiline string: lines must be indented"));
  CHECK(error_of("\"\"\"\n  \\q\n  \"\"\"", str) == "invalid character escape at 6..7");
  CHECK(error_of("\"\"\"\nabc", str) == "invalid token at 0..3");
}

TEST_CASE("wave: tuples, lists and records") {
  auto pair = tuple_of({prim(ValueKind::U8), prim(ValueKind::String)});
  CHECK(parse("(123, \"abc\")", pair) == Val::tuple({Val::u8(123), Val::string("abc")}));
  CHECK(parse("(1, \"a\",)", pair) == Val::tuple({Val::u8(1), Val::string("a")}));
  CHECK(error_of("(1)", pair) == "invalid value `(1)`: 1 values for a tuple of 2 at 0..3");
  CHECK(error_of("()", pair) == "empty tuple at 0..2");
  auto chars = list_of(prim(ValueKind::Char));
  CHECK(parse("[]", chars) == Val::list({}));
  round_trip("['a', 'b', 'c',]", chars, "['a', 'b', 'c']");
  CHECK(error_of("[,]", chars) == "unexpected token `,` at 1..2");
  CHECK(error_of("[1 2]", list_of(prim(ValueKind::U8))) == "unexpected token: expected `]`, found a number at 3..4");

  auto example = record_of({{"must-have", prim(ValueKind::U8)}, {"optional", option_of(prim(ValueKind::U8))}});
  Val full = Val::record({{"must-have", Val::u8(123)}, {"optional", Val::option(std::nullopt)}});
  CHECK(parse("{must-have: 123}", example) == full);
  CHECK(parse("{optional: none, %must-have: 123,}", example) == full);
  round_trip("{must-have: 123, optional: some(4)}", example, "{must-have: 123, optional: some(4)}");
  CHECK(wave::print(full) == "{must-have: 123}");
  auto all_optional = record_of({{"optional", option_of(prim(ValueKind::U8))}});
  round_trip("{:}", all_optional, "{:}");
  CHECK(error_of("{}", all_optional) == "invalid value type: `{}` is not a record at 0..2");
  CHECK(error_of("{optional: 1}", example) == "invalid value `{optional: 1}`: missing field `must-have` at 0..13");
  CHECK(error_of("{must-have: 1, typo: 2}", example) == "unknown field `typo` at 15..19");
  CHECK(error_of("{a: 1, a: 2}", example) == "duplicate field: \"a\" at 7..8");
  // Keywords need no `%` as field names.
  auto keywords = record_of({{"true", prim(ValueKind::U8)}, {"none", prim(ValueKind::U8)}});
  round_trip("{true: 1, none: 2}", keywords, "{true: 1, none: 2}");
}

TEST_CASE("wave: variants and enums; keyword cases take a `%`") {
  auto response = variant_of({{"empty", nullptr}, {"body", list_of(prim(ValueKind::U8))}, {"err", prim(ValueKind::String)}});
  round_trip("empty", response, "empty");
  round_trip("body([79, 75])", response, "body([79, 75])");
  round_trip("%err(\"oops\")", response, "%err(\"oops\")");
  CHECK(error_of("err(\"oops\")", response) == "invalid value type: `err(\"oops\")` is not a variant at 0..11");
  CHECK(error_of("body", response) == "invalid value `body`: case `body` needs a payload at 0..4");
  CHECK(error_of("empty(1)", response) == "invalid value `empty(1)`: case `empty` takes no payload at 0..8");
  CHECK(error_of("full", response) == "invalid value `full`: unknown case `full` at 0..4");

  auto status = names_of(ValueKind::Enum, {"ok", "not-found", "nan"});
  round_trip("%ok", status, "%ok");
  round_trip("not-found", status, "not-found");
  round_trip("%nan", status, "%nan");
  CHECK(error_of("ok", status) == "invalid value type: `ok` is not a enum at 0..2");
  CHECK(error_of("nan", status) == "invalid value type: `nan` is not a enum at 0..3");
  CHECK(error_of("not-found(1)", status).starts_with("invalid value type"));
  // Labels are kebab-case words, each all lower or all upper case.
  auto upper = names_of(ValueKind::Enum, {"HTTP3", "method-GET"});
  round_trip("HTTP3", upper, "HTTP3");
  round_trip("method-GET", upper, "method-GET");
  CHECK(error_of("Http3", upper) == "trailing characters after value at 1..5");
}

TEST_CASE("wave: options and results, flat when the payload is neither") {
  auto opt = option_of(prim(ValueKind::U8));
  CHECK(parse("123", opt) == parse("some(123)", opt));
  CHECK(parse("none", opt) == Val::option(std::nullopt));
  auto nested = option_of(option_of(prim(ValueKind::U8)));
  CHECK(parse("some(none)", nested) == Val::option(Val::option(std::nullopt)));
  CHECK(parse("none", nested) == Val::option(std::nullopt));
  CHECK(error_of("1", nested) == "invalid value type: `1` is not a option<option<u8>> at 0..1");
  round_trip("some(some(1))", nested, "some(some(1))");
  auto flat_string = option_of(prim(ValueKind::String));
  CHECK(parse("\"flat some\"", flat_string) == Val::option(Val::string("flat some")));

  auto r = result_of(prim(ValueKind::U8), nullptr);
  CHECK(parse("123", r) == Val::ok(Val::u8(123)));
  round_trip("ok(1)", r, "ok(1)");
  round_trip("err", r, "err");
  CHECK(error_of("err(1)", r) == "invalid value `err(1)`: case `err` takes no payload at 0..6");
  auto err_only = result_of(nullptr, prim(ValueKind::String));
  round_trip("ok", err_only, "ok");
  round_trip("err(\"oops\")", err_only, "err(\"oops\")");
  CHECK(error_of("\"oops\"", err_only).starts_with("invalid value type"));
  auto empty = result_of(nullptr, nullptr);
  round_trip("ok", empty, "ok");
  round_trip("err", empty, "err");
  CHECK(error_of("ok(1)", empty) == "invalid value `ok(1)`: case `ok` takes no payload at 0..5");
  // `some` is a keyword: a variant case named so must be written `%some`.
  auto v = variant_of({{"some", prim(ValueKind::U8)}});
  CHECK(error_of("some(1)", v).starts_with("invalid value type"));
  round_trip("%some(1)", v, "%some(1)");
}

TEST_CASE("wave: flags in any order, printed in the type's") {
  auto perms = names_of(ValueKind::Flags, {"read", "write", "exec"});
  round_trip("{write, read,}", perms, "{read, write}");
  round_trip("{}", perms, "{}");
  CHECK(error_of("{read, read}", perms) == "duplicate flag: \"read\" at 7..11");
  CHECK(error_of("{delete}", perms) == "unknown flag `delete` at 1..7");
  auto keywords = names_of(ValueKind::Flags, {"true", "ok"});
  round_trip("{ok, %true}", keywords, "{true, ok}");
}

TEST_CASE("wave: comments, whitespace, nesting and trailing input") {
  auto nums = list_of(prim(ValueKind::U32));
  CHECK(parse(" [1, // one\n 2]\t// done", nums) == Val::list({Val::u32(1), Val::u32(2)}));
  CHECK(error_of("[1] 2", nums) == "trailing characters after value at 4..5");
  CHECK(error_of("", nums) == "unexpected end of input at 0..0");
  CHECK(error_of("[1, @]", nums) == "invalid token at 4..5");
  // Deeper than kMaxDepth: an error, whatever the type.
  std::string deep = std::string(wave::kMaxDepth + 1, '[') + std::string(wave::kMaxDepth + 1, ']');
  CHECK(wave::parse_untyped(deep).error().message.starts_with("value nesting too deep"));
  std::string ok_depth = std::string(wave::kMaxDepth, '[') + std::string(wave::kMaxDepth, ']');
  CHECK(bool(wave::parse_untyped(ok_depth)));
  std::string deep_some;
  for (size_t i = 0; i <= wave::kMaxDepth; ++i) deep_some += "some(";
  CHECK(wave::parse_untyped(deep_some + "0" + std::string(wave::kMaxDepth + 1, ')'))
            .error()
            .message.starts_with("value nesting too deep"));
  CHECK(error_of("[1, 2", nums) == "unexpected end of input at 5..5");
  CHECK(error_of("own", prim(ValueKind::Bool)) == "invalid value type: `own` is not a bool at 0..3");
}

TEST_CASE("wave: calls name a function and take its arguments") {
  auto call = wave::parse_call("my-func(\"param\")");
  REQUIRE(call);
  CHECK(call->name == "my-func");
  CHECK(call->func == "my-func");
  CHECK(call->interface.empty());
  REQUIRE(call->params);
  CHECK(call->params->children.size() == 1);

  call = wave::parse_call("wasi:cli/run.run@0.2.0()");
  REQUIRE(call);
  CHECK(call->package == "wasi:cli");
  CHECK(call->interface == "run");
  CHECK(call->func == "run");
  CHECK(call->version == "0.2.0");
  CHECK(!call->params);

  call = wave::parse_call("iface.f (1, 2) // a comment");
  REQUIRE(call);
  CHECK(call->interface == "iface");
  CHECK(call->func == "f");

  CHECK(wave::parse_call("f@1.0.0()").error().message.starts_with("a version needs a package name"));
  CHECK(wave::parse_call(" f()").error().message == "invalid token: expected a function name at 0..1");
  CHECK(wave::parse_call("f").error().message == "unexpected end of input at 1..1");
  CHECK(wave::parse_call("f(1) x").error().message == "trailing characters after value at 5..6");
  CHECK(wave::parse_call("%f()").error().message.starts_with("invalid token"));
  CHECK(wave::parse_call("a:b(1)").error().message == "unexpected token: expected `(`, found `:` at 1..2");
  CHECK(wave::parse_call("a:b/c.d@1.0(1)").error().message == "invalid token at 7..8");

  // Arguments are read as the parameter types; trailing options may be left out.
  component::FuncType f;
  f.params = {{"a", option_of(prim(ValueKind::U8))}, {"b", option_of(prim(ValueKind::U8))}};
  for (std::string_view text : {"f(some(1))", "f(1, none)", "f(some(1), none,)"}) {
    auto c = wave::parse_call(text);
    REQUIRE(c);
    auto args = wave::call_arguments(*c, text, f);
    REQUIRE(args);
    CHECK(*args == std::vector<Val>{Val::option(Val::u8(1)), Val::option(std::nullopt)});
  }
  auto none = wave::parse_call("f()");
  CHECK(wave::call_arguments(*none, "f()", f)->size() == 2);
  auto extra = wave::parse_call("f(1, 2, 3)");
  CHECK(wave::call_arguments(*extra, "f(1, 2, 3)", f).error().message ==
        "invalid params: more params than the 2 of `func(a: option<u8>, b: option<u8>)` at 8..9");
  component::FuncType g;
  g.params = {{"x", prim(ValueKind::U32)}};
  CHECK(wave::call_arguments(*none, "f()", g).error().message ==
        "invalid params: missing required param `x` of `func(x: u32)` at 0..1");
}

TEST_CASE("wave: printed results, as wasmtime run --invoke prints them") {
  CHECK(wave::print_results(std::nullopt) == "()");
  CHECK(wave::print_results(Val::u32(7)) == "7");
  CHECK(wave::print_results(Val::tuple({Val::boolean(true), Val::s8(-1)})) == "(true, -1)");
}
