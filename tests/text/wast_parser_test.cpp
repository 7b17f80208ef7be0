#include <doctest/doctest.h>

#include "text/wast_parser.h"

using namespace wasmrun::text;
using Kind = WastCommand::Kind;

namespace {

WastScript wast(std::string_view source) {
  auto script = parse_wast(source, "s.wast");
  if (!script) FAIL(script.error().message);
  return script.take();
}

}  // namespace

TEST_CASE("modules in every form, and a module that fails to parse") {
  WastScript s = wast(
      "(module $a (func))\n"
      "(module binary \"\\00asm\" \"\\01\\00\\00\\00\")\n"
      "(module quote \"(func (result i32) (i32.const 1))\")\n"
      "(assert_malformed (module quote \"(func (i32.const))\") \"unexpected token\")\n"
      "(assert_invalid (module (func (result i32))) \"type mismatch\")\n"
      "(module definition $d (memory 1))\n"
      "(module instance $i $d)\n"
      "(register \"m\" $i)\n");
  REQUIRE(s.commands.size() == 8);
  CHECK(s.commands[0].name == "a");
  CHECK(s.commands[0].binary.size() > 8);
  CHECK(s.commands[1].binary_module);
  CHECK(s.commands[1].binary.size() == 8);
  CHECK(s.commands[2].text_module);
  CHECK(s.commands[2].text_error.empty());
  CHECK(s.commands[3].kind == Kind::AssertMalformed);
  CHECK(s.commands[3].text_error.find("quoted text:1:17: expected an i32 literal") != std::string::npos);
  CHECK(s.commands[3].text == "unexpected token");
  CHECK(s.commands[3].line == 4);
  CHECK(s.commands[4].kind == Kind::AssertInvalid);
  CHECK(s.commands[5].definition);
  CHECK(s.commands[6].kind == Kind::ModuleInstance);
  CHECK(s.commands[6].name == "i");
  CHECK(s.commands[6].instance_of == "d");
  CHECK(s.commands[7].register_as == "m");
}

TEST_CASE("a module that fails to parse is recorded, and the script goes on") {
  WastScript s = wast("(module (func (i32.bogus)))\n(assert_return (invoke \"f\"))");
  REQUIRE(s.commands.size() == 2);
  CHECK(s.commands[0].text_error == "s.wast:1:16: unknown operator \"i32.bogus\"");
  CHECK(s.commands[1].kind == Kind::AssertReturn);
}

TEST_CASE("core values, NaN patterns, references and either") {
  WastScript s = wast(
      "(module (func (export \"f\")))\n"
      "(assert_return (invoke \"f\" (i32.const -1) (f64.const 0x1p-1)) (f32.const nan:canonical)"
      " (v128.const f32x4 1 nan:arithmetic 0 -0) (ref.null func) (ref.extern 7) (ref.func)"
      " (either (i32.const 1) (i32.const 2)))\n"
      "(assert_trap (invoke \"f\") \"unreachable\")\n"
      "(assert_exception (invoke \"f\"))\n");
  const WastCommand& r = s.commands[1];
  REQUIRE(r.action.args.size() == 2);
  CHECK(r.action.args[0].bits == 0xFFFFFFFFu);
  CHECK(r.action.args[1].bits == 0x3FE0000000000000u);
  REQUIRE(r.expected.size() == 6);
  CHECK(r.expected[0].nan == NanPattern::Canonical);
  CHECK(r.expected[1].lane_nan[1] == NanPattern::Arithmetic);
  CHECK(r.expected[1].v128[3] == 0x3F);
  CHECK(r.expected[1].v128[15] == 0x80);
  CHECK((r.expected[2].kind == WastValue::Kind::FuncRef && r.expected[2].is_null));
  CHECK(r.expected[3].ref == 7);
  CHECK(r.expected[4].any_ref);
  CHECK(r.expected[5].kind == WastValue::Kind::Either);
  CHECK(r.expected[5].alternatives.size() == 2);
  CHECK(s.commands[2].text == "unreachable");
  CHECK(s.commands[3].kind == Kind::AssertException);
}

TEST_CASE("component commands and component values") {
  WastScript s = wast(
      "(component $c (core module))\n"
      "(assert_return (invoke \"f\" (record.const (field \"a\" u8.const 1) (field \"s\" str.const \"x\"))"
      " (f32.const 1.5) (variant.const \"v\" (list.const (char.const \"\xC3\xA9\"))) (option.none) (flags.const \"a\" \"b\"))"
      " (result.err (s32.const -2)))\n"
      "(module (func))\n"
      "(invoke \"g\")\n"
      "(invoke $c \"h\")\n");
  CHECK(s.commands[0].component);
  const WastCommand& r = s.commands[1];
  CHECK(r.component);
  REQUIRE(r.action.args.size() == 5);
  const ComponentValue& record = *r.action.args[0].component;
  CHECK(record.kind == ComponentValue::Kind::Record);
  CHECK(record.labels == std::vector<std::string>{"a", "s"});
  CHECK(record.items[1].text == "x");
  CHECK(r.action.args[1].component->kind == ComponentValue::Kind::F32);  // a component f32
  CHECK(r.action.args[2].component->items[0].items[0].bits == 0xE9);
  CHECK_FALSE(r.action.args[3].component->present);
  CHECK(r.action.args[4].component->labels.size() == 2);
  CHECK(r.expected[0].component->items[0].bits == 0xFFFFFFFEu);
  CHECK_FALSE(s.commands[3].component);  // the current module is a core module again
  CHECK(s.commands[4].component);        // named: the component
}

TEST_CASE("a script may be one module written as bare fields") {
  WastScript s = wast("(func) (memory 1)");
  REQUIRE(s.commands.size() == 1);
  CHECK(s.commands[0].kind == Kind::Module);
}

TEST_CASE("errors in the script itself fail the whole script") {
  auto script = parse_wast("(assert_return (frob))", "s.wast");
  REQUIRE(!script.ok());
  CHECK(script.error().message == "s.wast:1:16: expected an action (invoke or get), found \"(\"");
}
