#include <doctest/doctest.h>

#include "tests/runtime/module_bytes.h"

using namespace wasmrun::test;

namespace {

const Bytes kI32Result{0x60, 0x00, 0x01, 0x7F};

}  // namespace

TEST_CASE("errors name the instruction, the types and the byte offset") {
  // (func (result i32) f32.const 0 i32.const 1 i32.add)
  Bytes code{0x43, 0, 0, 0, 0, 0x41, 0x01, 0x6A, 0x0B};
  std::string e = error_of(one_function(kI32Result, code));
  CHECK(e == "type mismatch in i32.add: expected i32, got f32 (at 0x1f)");
  CHECK(error_of(one_function(kI32Result, {0x6A, 0x0B})) == "type mismatch in i32.add: expected i32, got nothing (at 0x18)");
}

TEST_CASE("unreachable code makes the stack polymorphic") {
  // unreachable; i32.add — operands come from the polymorphic stack
  CHECK(error_of(one_function(kI32Result, {0x00, 0x6A, 0x0B})) == "");
  // unreachable; i64.const 0; i32.add — a known wrong type is still an error
  CHECK(error_of(one_function(kI32Result, {0x00, 0x42, 0x00, 0x6A, 0x0B})).starts_with("type mismatch in i32.add: expected i32, got i64"));
  // br 0 then anything up to end, including values of any type
  CHECK(error_of(one_function(kI32Result, {0x41, 0x00, 0x0C, 0x00, 0x43, 0, 0, 0, 0, 0x1A, 0x0B})) == "");
  // select after unreachable takes its type from the known operand
  CHECK(error_of(one_function(kI32Result, {0x00, 0x41, 0x01, 0x41, 0x01, 0x1B, 0x0B})) == "");
  // values left over at the end of a block are an error
  CHECK(error_of(one_function(kVoidType, {0x41, 0x01, 0x0B})).starts_with("type mismatch in end: 1 extra value(s)"));
}

TEST_CASE("br_table: every label takes the operands; arities must agree") {
  // The spec's "meet-bottom" (unreached-valid.wast): in unreachable code, labels of types [f32]
  // and [f64] both take the unknown operand.
  //   block (result f64) block (result f32) unreachable i32.const 1 br_table 0 1 1 end drop
  //   f64.const 0 end drop
  Bytes meet_bottom{0x02, 0x7C, 0x02, 0x7D, 0x00, 0x41, 0x01, 0x0E, 0x02, 0x00, 0x01, 0x01, 0x0B, 0x1A,
                    0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B, 0x1A, 0x0B};
  CHECK(error_of(one_function(kVoidType, meet_bottom)) == "");
  // A known operand must suit every label: f32 for block (result f32), but label 1 (the function)
  // wants i32.  block (result f32) f32.const 0 i32.const 0 br_table 0 1 end drop i32.const 0
  Bytes known{0x02, 0x7D, 0x43, 0, 0, 0, 0, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x41, 0x00, 0x0B};
  CHECK(error_of(one_function(kI32Result, known)).starts_with("type mismatch in br_table: expected i32, got f32"));
  // Arity differs (label 0 takes one value, label 1, the void function, none), even in
  // unreachable code.  block (result i32) unreachable br_table 0 1 end drop
  Bytes arity{0x02, 0x7F, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x0B};
  std::string e = error_of(one_function(kVoidType, arity));
  CHECK(e.starts_with("type mismatch in br_table"));
}

TEST_CASE("block types: empty, a value type, or a type index with parameters") {
  // block (result i32) i32.const 1 end
  CHECK(error_of(one_function(kI32Result, {0x02, 0x7F, 0x41, 0x01, 0x0B, 0x0B})) == "");
  // type 1 = [i32] -> [i32]; i32.const 1; block (type 1) i32.const 2 i32.add end
  Bytes m = module({section(1, vec(2, cat({kI32Result, {0x60, 0x01, 0x7F, 0x01, 0x7F}}))), section(3, vec(1, {0x00})),
                    section(10, vec(1, body({0x00}, {0x41, 0x01, 0x02, 0x01, 0x41, 0x02, 0x6A, 0x0B, 0x0B})))});
  CHECK(error_of(m) == "");
  // the block's parameter is missing
  Bytes missing = module({section(1, vec(2, cat({kI32Result, {0x60, 0x01, 0x7F, 0x01, 0x7F}}))), section(3, vec(1, {0x00})),
                          section(10, vec(1, body({0x00}, {0x02, 0x01, 0x0B, 0x0B})))});
  CHECK(error_of(missing).starts_with("type mismatch in block: expected i32, got nothing"));
  CHECK(error_of(one_function(kVoidType, {0x02, 0x05, 0x0B, 0x0B})).starts_with("unknown type 5"));
  // if without else must pass its parameters through unchanged
  CHECK(error_of(one_function(kI32Result, {0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x0B, 0x0B})).starts_with("type mismatch in if"));
  // loop labels carry the loop's parameters: br 0 in a loop with result i32 needs no value
  CHECK(error_of(one_function(kI32Result, {0x03, 0x7F, 0x0C, 0x00, 0x0B, 0x0B})) == "");
  CHECK(error_of(one_function(kVoidType, {0x0C, 0x01, 0x0B})).starts_with("unknown label 1"));
}

TEST_CASE("ref.func needs a declared function reference") {
  Bytes types = section(1, vec(1, kVoidType));
  Bytes funcs = section(3, vec(2, {0x00, 0x00}));
  Bytes ref_func_1 = body({0x00}, {0xD2, 0x01, 0x1A, 0x0B});
  Bytes empty = body({0x00}, {0x0B});
  Bytes code = section(10, vec(2, cat({ref_func_1, empty})));
  CHECK(error_of(module({types, funcs, code})).starts_with("undeclared function reference"));
  // declared by a declarative element segment
  Bytes declare = section(9, vec(1, cat({{0x03, 0x00}, vec(1, {0x01})})));
  CHECK(error_of(module({types, funcs, declare, code})) == "");
  // declared by an export
  Bytes exports = section(7, vec(1, cat({str("f"), {0x00, 0x01}})));
  CHECK(error_of(module({types, funcs, exports, code})) == "");
  // declared by a global initializer
  Bytes global = section(6, vec(1, {0x70, 0x00, 0xD2, 0x01, 0x0B}));
  CHECK(error_of(module({types, funcs, global, code})) == "");
}

TEST_CASE("SIMD lane indices are bounded by the lane count") {
  Bytes v128_zero{0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  auto extract = [&](uint8_t op, uint8_t lane) {
    return one_function(kVoidType, cat({v128_zero, {0xFD, op, lane, 0x1A, 0x0B}}));
  };
  CHECK(error_of(extract(0x15, 15)) == "");        // i8x16.extract_lane_s 15
  CHECK(error_of(extract(0x15, 16)).starts_with("invalid lane index"));
  CHECK(error_of(extract(0x1B, 3)) == "");         // i32x4.extract_lane 3
  CHECK(error_of(extract(0x1B, 4)).starts_with("invalid lane index"));
  CHECK(error_of(extract(0x1D, 2)).starts_with("invalid lane index"));  // i64x2
  // i8x16.shuffle lanes index 32 inputs
  Bytes shuffle = cat({v128_zero, v128_zero, {0xFD, 0x0D}, Bytes(15, 31), {32}, {0x1A, 0x0B}});
  CHECK(error_of(one_function(kVoidType, shuffle)).starts_with("invalid lane index"));
  // v128.load32_lane: 4 lanes, natural alignment 4
  Bytes memory = section(5, vec(1, {0x00, 0x01}));
  auto load_lane = [&](uint8_t align, uint8_t lane) {
    return one_function(kVoidType, cat({{0x41, 0x00}, v128_zero, {0xFD, 0x56, align, 0x00, lane, 0x1A, 0x0B}}), {memory});
  };
  CHECK(error_of(load_lane(2, 3)) == "");
  CHECK(error_of(load_lane(2, 4)).starts_with("invalid lane index"));
  CHECK(error_of(load_lane(3, 0)).starts_with("alignment must not be larger than natural"));
}

TEST_CASE("memory, table, global and local rules") {
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B})).starts_with("unknown memory 0"));
  CHECK(error_of(one_function(kVoidType, {0x20, 0x00, 0x1A, 0x0B})).starts_with("unknown local 0"));
  CHECK(error_of(one_function(kVoidType, {0x23, 0x00, 0x1A, 0x0B})).starts_with("unknown global 0"));
  Bytes immutable = section(6, vec(1, {0x7F, 0x00, 0x41, 0x00, 0x0B}));
  CHECK(error_of(one_function(kVoidType, {0x41, 0x01, 0x24, 0x00, 0x0B}, {immutable})).starts_with("global is immutable"));
  Bytes externs = section(4, vec(1, {0x6F, 0x00, 0x01}));
  // call_indirect through a table of externref is a type error
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B}, {externs})).starts_with("type mismatch in call_indirect"));
  // select on references needs the typed form
  CHECK(error_of(one_function(kVoidType, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1B, 0x1A, 0x0B})).starts_with("type mismatch in select"));
  CHECK(error_of(one_function(kVoidType, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1C, 0x01, 0x70, 0x1A, 0x0B})) == "");
  CHECK(error_of(one_function(kVoidType, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1C, 0x02, 0x70, 0x70, 0x1A, 0x0B})) .starts_with("invalid result arity"));
  Bytes memory = section(5, vec(1, {0x00, 0x01}));
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B}, {memory})).starts_with("alignment must not be larger than natural"));
  CHECK(error_of_wasm2(one_function(kVoidType, {0x3F, 0x01, 0x1A, 0x0B}, {memory})).starts_with("zero byte expected"));
  CHECK(error_of(one_function(kVoidType, {0x3F, 0x01, 0x1A, 0x0B}, {memory})).starts_with("unknown memory 1"));
}

TEST_CASE("multi-memory: memory indices in memargs and the memory instructions (Wasm 3.0 §5.4.7)") {
  Bytes two = section(5, vec(2, {0x00, 0x01, 0x00, 0x01}));
  // i32.load with flags 0x42 (alignment 2, memory index follows) from memory 1; then memory 2.
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1A, 0x0B}, {two})) == "");
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x28, 0x42, 0x02, 0x00, 0x1A, 0x0B}, {two})).starts_with("unknown memory 2"));
  // The alignment still may not pass the natural one with the flag set.
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x28, 0x43, 0x01, 0x00, 0x1A, 0x0B}, {two}))
            .starts_with("alignment must not be larger than natural"));
  // Under 2.0 the flag is part of an alignment that is too large.
  CHECK(error_of_wasm2(one_function(kVoidType, {0x41, 0x00, 0x28, 0x42, 0x00, 0x1A, 0x0B}, {section(5, vec(1, {0x00, 0x01}))}))
            .starts_with("alignment must not be larger than natural"));
  // memory.size 1, memory.grow 1, memory.fill 1, memory.copy 1 0 (destination 1, source 0).
  CHECK(error_of(one_function(kVoidType, {0x3F, 0x01, 0x1A, 0x0B}, {two})) == "");
  CHECK(error_of(one_function(kVoidType, {0x41, 0x01, 0x40, 0x01, 0x1A, 0x0B}, {two})) == "");
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x01, 0x0B}, {two})) == "");
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0A, 0x01, 0x00, 0x0B}, {two})) == "");
  CHECK(error_of(one_function(kVoidType, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0A, 0x00, 0x02, 0x0B}, {two}))
            .starts_with("unknown memory 2"));
}

TEST_CASE("a malformed binary reports the format error even after an invalid body") {
  // Function body 0 is invalid (i32.add on nothing); the data section kind is malformed.
  Bytes m = module({section(1, vec(1, kVoidType)), section(3, vec(1, {0x00})), section(5, vec(1, {0x00, 0x01})),
                    section(10, vec(1, body({0x00}, {0x6A, 0x0B}))), section(11, vec(1, {0x07}))});
  CHECK(error_of(m).starts_with("malformed data segment kind"));
}
