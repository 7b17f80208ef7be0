#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "text/wat.h"

using namespace wasmrun::text;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes wat(std::string_view source) {
  auto binary = parse_wat(source, "t.wat");
  if (!binary) FAIL(binary.error().message);
  return binary.take();
}

std::string wat_error(std::string_view source) {
  auto binary = parse_wat(source, "t.wat");
  REQUIRE(!binary.ok());
  return binary.error().message;
}

// The module header followed by sections.
Bytes module(std::initializer_list<uint8_t> sections) {
  Bytes b{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  b.insert(b.end(), sections);
  return b;
}

}  // namespace

TEST_CASE("an empty module, written whole or as no fields") {
  CHECK(wat("(module)") == module({}));
  CHECK(wat("") == module({}));
  CHECK(wat("(module $m)") == module({}));
}

TEST_CASE("a function with a named parameter, inline export and plain instructions") {
  Bytes expected = module({
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,              // type (i32) -> i32
      0x03, 0x02, 0x01, 0x00,                                      // func 0: type 0
      0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,                     // export "f" func 0
      0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b,  // local.get 0 i32.const 1 i32.add
  });
  CHECK(wat("(module (func (export \"f\") (param $x i32) (result i32) local.get $x i32.const 1 i32.add))") == expected);
  CHECK(wat("(func (export \"f\") (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1)))") == expected);
}

TEST_CASE("inline type uses reuse a matching type or append one") {
  Bytes b = wat("(type (func (param i32))) (func (param i32)) (func (param i64)) (func (type 0) (param i32))");
  Bytes expected = module({
      0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x7e, 0x00,  // the explicit type, then the new one
      0x03, 0x04, 0x03, 0x00, 0x01, 0x00,                                // funcs: types 0, 1, 0
      0x0a, 0x0a, 0x03, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b,
  });
  CHECK(b == expected);
  CHECK(wat_error("(type (func (param i32))) (func (type 0) (param i64))") == "t.wat:1:33: inline function type");
}

TEST_CASE("imports, inline imports and their order") {
  Bytes expected = module({
      0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00,                 // type (i32) -> ()
      0x02, 0x07, 0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x00,       // import "m" "f" func type 0
  });
  CHECK(wat("(func $f (import \"m\" \"f\") (param i32))") == expected);
  CHECK(wat("(import \"m\" \"f\" (func $f (param i32)))") == expected);
  CHECK(wat_error("(func) (import \"m\" \"f\" (func))") == "t.wat:1:8: import after function");
  CHECK(wat_error("(global i32 (i32.const 0)) (memory (import \"m\" \"g\") 1)") == "t.wat:1:28: import after global");
}

TEST_CASE("memories and tables with inline data and elements") {
  CHECK(wat("(memory (data \"ab\"))") == module({
                                             0x05, 0x04, 0x01, 0x01, 0x01, 0x01,  // memory 1 1
                                             0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 'a', 'b',
                                         }));
  CHECK(wat("(table funcref (elem $f $f)) (func $f)") ==
        module({
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
            0x04, 0x05, 0x01, 0x70, 0x01, 0x02, 0x02,                    // table funcref 2 2
            0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x00,  // elem 0: (i32.const 0) func 0 0
            0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
        }));
}

TEST_CASE("element segments keep their element type") {
  Bytes b = wat("(table 1 funcref) (func $f) (elem (i32.const 0) $f) (elem funcref (ref.func $f)) (elem declare func $f)");
  Bytes elem = {0x09, 0x11, 0x03,
                0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,  // active, table 0, func indices
                0x05, 0x70, 0x01, 0xd2, 0x00, 0x0b,  // passive funcref expressions
                0x03, 0x00, 0x01, 0x00};             // declarative func indices
  CHECK(std::search(b.begin(), b.end(), elem.begin(), elem.end()) != b.end());
}

TEST_CASE("labels, branch depths and the label after end") {
  Bytes b = wat("(func (block $a (block (br $a) (br 0))) loop $l br $l end $l)");
  Bytes code = {0x02, 0x40, 0x02, 0x40, 0x0c, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b};
  CHECK(std::search(b.begin(), b.end(), code.begin(), code.end()) != b.end());
  CHECK(wat_error("(func block $a end $b)") == "t.wat:1:20: mismatching label");
  CHECK(wat_error("(func (br $nowhere))") == "t.wat:1:11: unknown label $nowhere");
}

TEST_CASE("memory arguments: memory index, offset and alignment") {
  Bytes b = wat("(memory 1) (memory $m 1) (func (drop (i32.load $m offset=4 align=2 (i32.const 0))))");
  Bytes load = {0x28, 0x41, 0x01, 0x04};  // flags: log2(2) | 0x40 (memory index follows), memory 1, offset 4
  CHECK(std::search(b.begin(), b.end(), load.begin(), load.end()) != b.end());
  CHECK(wat_error("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))") ==
        "t.wat:1:34: alignment must be a power of two");
}

TEST_CASE("3.0: GC types, field names and typed references") {
  Bytes b = wat(
      "(type $s (struct (field $x i32) (field $y (mut i64))))"
      "(func (param (ref $s)) (result i32) (struct.get $s $x (local.get 0)))"
      "(func (param (ref null $s)) (result i64) (struct.get $s $y (local.get 0)))");
  Bytes types = {0x01, 0x13, 0x03, 0x5f, 0x02, 0x7f, 0x00, 0x7e, 0x01,  // struct i32 (mut i64)
                 0x60, 0x01, 0x64, 0x00, 0x01, 0x7f,                   // (ref $s) -> i32
                 0x60, 0x01, 0x63, 0x00, 0x01, 0x7e};                  // (ref null $s) -> i64
  CHECK(std::equal(types.begin(), types.end(), b.begin() + 8));
  Bytes get = {0x20, 0x00, 0xfb, 0x02, 0x00, 0x01};  // struct.get $s $y
  CHECK(std::search(b.begin(), b.end(), get.begin(), get.end()) != b.end());
}

TEST_CASE("3.0: exceptions, tail calls and memory64") {
  Bytes b = wat(
      "(tag $e (param i32)) (memory i64 1)"
      "(func $f (result i32) (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 1)))"
      " (unreachable)) (return_call $f))");
  Bytes memory = {0x05, 0x03, 0x01, 0x04, 0x01};  // i64 memory, min 1
  CHECK(std::search(b.begin(), b.end(), memory.begin(), memory.end()) != b.end());
  Bytes tag = {0x0d, 0x03, 0x01, 0x00, 0x00};  // tag section before globals: type 0
  CHECK(std::search(b.begin(), b.end(), tag.begin(), tag.end()) != b.end());
  Bytes try_table = {0x1f, 0x40, 0x01, 0x00, 0x00, 0x00, 0x41, 0x01, 0x08, 0x00, 0x0b};
  CHECK(std::search(b.begin(), b.end(), try_table.begin(), try_table.end()) != b.end());
  Bytes tail_call = {0x12, 0x00};
  CHECK(std::search(b.begin(), b.end(), tail_call.begin(), tail_call.end()) != b.end());
}

TEST_CASE("errors name the file, line and column") {
  CHECK(wat_error("(module\n  (func\n    (i32.add (i32.const 1) 5)))") ==
        "t.wat:3:28: expected an instruction, found \"5\"");
  CHECK(wat_error("(module (func (call $g)))") == "t.wat:1:21: unknown function $g");
  CHECK(wat_error("(module (func $f) (func $f))") == "t.wat:1:25: duplicate function $f");
  CHECK(wat_error("(module (func (i32.const 0x1_0000_0000)))") ==
        "t.wat:1:26: i32 constant out of range or malformed: \"0x1_0000_0000\"");
  CHECK(wat_error("(module (func (i32.frobnicate)))") == "t.wat:1:16: unknown operator \"i32.frobnicate\"");
  CHECK(wat_error("(module (start 0) (start 0) (func))") == "t.wat:1:26: multiple start sections");
  CHECK(wat_error("(module (frob))") == "t.wat:1:10: unknown module field \"frob\"");
  CHECK(wat_error("(module") == "t.wat:1:8: expected \")\", found end of input");
}

TEST_CASE("deep nesting fails cleanly") {
  std::string deep = "(func ";
  for (int i = 0; i < 5000; ++i) deep += "(block ";
  for (int i = 0; i < 5000; ++i) deep += ")";
  deep += ")";
  CHECK(wat_error(deep).find("nesting too deep") != std::string::npos);
}

TEST_CASE("text is told from binaries by its content") {
  auto text = [](std::string_view s) { return is_wat_text(std::vector<uint8_t>(s.begin(), s.end())); };
  CHECK(text("(module)"));
  CHECK(text("  ;; a comment\n (; nested (; block ;) comment ;)\n(func)"));
  CHECK_FALSE(text(std::string_view("\0asm\x01\0\0\0", 8)));
  CHECK_FALSE(text("garbage!"));
  CHECK_FALSE(text(""));
  CHECK_FALSE(text("(; unclosed"));
}
