#include <doctest/doctest.h>

#include "tests/runtime/module_bytes.h"

using namespace wasmrun;
using namespace wasmrun::test;
using wasm::ExternKind;
using wasm::SegmentMode;
using wasm::ValType;

TEST_CASE("the header: magic and version") {
  CHECK(error_of(Bytes{0x00, 0x61, 0x73}) == "unexpected end (at 0x0)");
  CHECK(error_of(Bytes{0x00, 0x41, 0x53, 0x4D, 1, 0, 0, 0}) == "magic header not detected (at 0x0)");
  CHECK(error_of(Bytes{0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0}) == "unknown binary version (at 0x4)");
  CHECK(error_of(module({})) == "");
}

TEST_CASE("type section") {
  auto m = wasm::decode_module(module({section(1, vec(2, cat({{0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D}, kVoidType})))}));
  REQUIRE(m);
  REQUIRE(m->types.size() == 2);
  CHECK(m->types[0].params == std::vector{ValType::I32, ValType::I64});
  CHECK(m->types[0].results == std::vector{ValType::F32});
  CHECK(m->types[1].params.empty());
  CHECK(error_of(module({section(1, vec(1, {0x61, 0x00, 0x00}))})).starts_with("malformed function type"));
  CHECK(error_of(module({section(1, vec(1, {0x60, 0x01, 0x55, 0x00}))})).starts_with("malformed value type 0x55"));
}

TEST_CASE("import section: each kind and its index space") {
  Bytes imports = vec(4, cat({str("env"), str("f"), {0x00, 0x00},
                              str("env"), str("t"), {0x01, 0x70, 0x00, 0x01},
                              str("env"), str("m"), {0x02, 0x01, 0x01, 0x02},
                              str("env"), str("g"), {0x03, 0x7F, 0x01}}));
  auto m = wasm::decode_module(module({section(1, vec(1, kVoidType)), section(2, imports)}));
  REQUIRE(m);
  CHECK(m->imported_funcs == 1);
  CHECK(m->imported_tables == 1);
  CHECK(m->imported_memories == 1);
  CHECK(m->imported_globals == 1);
  CHECK(m->memories[0].limits.max == 2);
  CHECK(m->global_types[0].is_mutable);
  CHECK(m->imports[3].kind == ExternKind::Global);
  CHECK(error_of(module({section(2, vec(1, cat({str("a"), str("b"), {0x04, 0x00}})))})).starts_with("malformed import kind"));
  CHECK(error_of(module({section(2, vec(1, cat({str("a"), str("b"), {0x00, 0x05}})))})).starts_with("unknown type 5"));
}

TEST_CASE("function, table, memory and global sections") {
  Bytes m_bytes = module({
      section(1, vec(1, kVoidType)),
      section(3, vec(1, {0x00})),
      section(4, vec(2, {0x70, 0x00, 0x03, 0x6F, 0x01, 0x01, 0x05})),
      section(5, vec(1, {0x00, 0x10})),
      section(6, vec(1, {0x7E, 0x00, 0x42, 0x2A, 0x0B})),
      section(10, vec(1, body({0x00}, {0x0B}))),
  });
  auto m = wasm::decode_module(m_bytes);
  REQUIRE(m);
  CHECK(m->tables.size() == 2);
  CHECK(m->tables[1].element == ValType::ExternRef);
  CHECK(m->tables[1].limits.max == 5);
  CHECK(m->memories[0].limits.min == 16);
  REQUIRE(m->globals.size() == 1);
  CHECK(m->globals[0].type.type == ValType::I64);
  CHECK(m->globals[0].init.code.size() == 2);  // i64.const 42, without the end
}

TEST_CASE("limits and memory size rules") {
  CHECK(error_of(module({section(5, vec(1, {0x01, 0x02, 0x01}))})) == "size minimum must not be greater than maximum (at 0xb)");
  CHECK(error_of(module({section(5, vec(1, cat({{0x00}, u32(65537)})))})).starts_with("memory size must be at most 65536 pages"));
  CHECK(error_of_wasm2(module({section(5, vec(2, {0x00, 0x01, 0x00, 0x01}))})).starts_with("multiple memories"));
  CHECK(error_of(module({section(5, vec(2, {0x00, 0x01, 0x00, 0x01}))})) == "");  // Wasm 3.0 multi-memory
  CHECK(error_of(module({section(5, vec(1, {0x02, 0x01}))})).starts_with("integer too large"));
}

TEST_CASE("global initializers are constant expressions of the right type") {
  auto global = [](Bytes g) { return module({section(6, vec(1, g))}); };
  CHECK(error_of(global({0x7F, 0x00, 0x41, 0x01, 0x0B})) == "");
  CHECK(error_of(global({0x7F, 0x00, 0x42, 0x01, 0x0B})).starts_with("type mismatch in constant expression: expected i32, got [i64]"));
  CHECK(error_of(global({0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B})).starts_with("constant expression required, found i32.add"));
  CHECK(error_of(global({0x7F, 0x00, 0x23, 0x00, 0x0B})).starts_with("unknown global 0"));
  CHECK(error_of(global({0x7F, 0x02, 0x41, 0x01, 0x0B})) == "malformed mutability (at 0xc)");
}

TEST_CASE("export section: kinds, indices, unique names") {
  Bytes base_types = section(1, vec(1, kVoidType));
  Bytes funcs = section(3, vec(1, {0x00}));
  Bytes code = section(10, vec(1, body({0x00}, {0x0B})));
  auto m = wasm::decode_module(module({base_types, funcs, section(7, vec(1, cat({str("run"), {0x00, 0x00}}))), code}));
  REQUIRE(m);
  CHECK(m->exports[0].name == "run");
  CHECK(m->declared_refs[0]);  // exported functions may be named by ref.func
  CHECK(error_of(module({base_types, funcs, section(7, vec(2, cat({str("a"), {0x00, 0x00}, str("a"), {0x00, 0x00}}))), code}))
            .starts_with("duplicate export name \"a\""));
  CHECK(error_of(module({base_types, funcs, section(7, vec(1, cat({str("a"), {0x00, 0x01}}))), code})).starts_with("unknown function 1"));
  CHECK(error_of(module({section(7, vec(1, cat({str("a"), {0x02, 0x00}})))})).starts_with("unknown memory 0"));
}

TEST_CASE("start section") {
  Bytes code = section(10, vec(1, body({0x00}, {0x0B})));
  CHECK(error_of(module({section(1, vec(1, kVoidType)), section(3, vec(1, {0x00})), section(8, {0x00}), code})) == "");
  CHECK(error_of(module({section(1, vec(1, {0x60, 0x01, 0x7F, 0x00})), section(3, vec(1, {0x00})), section(8, {0x00}),
                         section(10, vec(1, body({0x00}, {0x0B})))}))
            .starts_with("start function"));
  CHECK(error_of(module({section(8, {0x03})})).starts_with("unknown function 3"));
}

TEST_CASE("element segments: all eight encodings") {
  Bytes types = section(1, vec(1, kVoidType));
  Bytes funcs = section(3, vec(1, {0x00}));
  Bytes table = section(4, vec(1, {0x70, 0x00, 0x01}));
  Bytes code = section(10, vec(1, body({0x00}, {0x0B})));
  Bytes offset{0x41, 0x00, 0x0B};
  Bytes ref_func{0xD2, 0x00, 0x0B};
  Bytes segments = vec(8, cat({
      {0x00}, offset, vec(1, {0x00}),                  // 0: active, table 0, func indices
      {0x01, 0x00}, vec(1, {0x00}),                    // 1: passive, elemkind, func indices
      {0x02, 0x00}, offset, {0x00}, vec(1, {0x00}),    // 2: active, table index, elemkind
      {0x03, 0x00}, vec(1, {0x00}),                    // 3: declarative, elemkind
      {0x04}, offset, vec(1, ref_func),                // 4: active, table 0, expressions
      {0x05, 0x70}, vec(1, {0xD0, 0x70, 0x0B}),        // 5: passive, reftype, expressions
      {0x06, 0x00}, offset, {0x70}, vec(1, ref_func),  // 6: active, table index, reftype
      {0x07, 0x70}, vec(1, ref_func),                  // 7: declarative, reftype
  }));
  auto m = wasm::decode_module(module({types, funcs, table, section(9, segments), code}));
  REQUIRE(m);
  REQUIRE(m->elems.size() == 8);
  CHECK(m->elems[0].mode == SegmentMode::Active);
  CHECK(m->elems[1].mode == SegmentMode::Passive);
  CHECK(m->elems[3].mode == SegmentMode::Declarative);
  CHECK(m->elems[4].exprs.size() == 1);
  CHECK(m->elems[2].func_indices == std::vector<uint32_t>{0});
  CHECK(m->elems[7].mode == SegmentMode::Declarative);
  CHECK(error_of(module({types, funcs, table, section(9, vec(1, {0x08})), code})).starts_with("malformed elements segment kind"));
  CHECK(error_of(module({types, funcs, table, section(9, vec(1, cat({{0x01, 0x01}, vec(0, {})}))), code}))
            .starts_with("malformed element kind"));
  CHECK(error_of(module({types, funcs, section(9, vec(1, cat({{0x00}, offset, vec(0, {})}))), code})).starts_with("unknown table 0"));
}

TEST_CASE("data segments, data count and the code section") {
  Bytes memory = section(5, vec(1, {0x00, 0x01}));
  Bytes data = section(11, vec(3, cat({{0x00, 0x41, 0x00, 0x0B}, str("ab"), {0x01}, str("c"), {0x02, 0x00, 0x41, 0x08, 0x0B}, str("")})));
  auto m = wasm::decode_module(module({memory, section(12, {0x03}), data}));
  REQUIRE(m);
  CHECK(m->datas.size() == 3);
  CHECK(m->datas[0].bytes.size() == 2);
  CHECK(m->datas[1].mode == SegmentMode::Passive);
  CHECK(m->data_count == 3u);
  CHECK(error_of(module({memory, section(12, {0x02}), data})).starts_with("data count and data section have inconsistent lengths"));
  CHECK(error_of(module({memory, section(11, vec(1, {0x03}))})).starts_with("malformed data segment kind"));
  // memory.init needs the data count section even when the segment exists.
  Bytes init = {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B};
  CHECK(error_of(one_function(kVoidType, init, {memory})).starts_with("data count section required"));
  CHECK(error_of(module({section(1, vec(1, kVoidType)), section(3, vec(2, {0x00, 0x00})), section(10, vec(1, body({0x00}, {0x0B})))}))
            .starts_with("function and code section have inconsistent lengths"));
  CHECK(error_of(module({section(1, vec(1, kVoidType)), section(3, vec(1, {0x00}))}))
            .starts_with("function and code section have inconsistent lengths"));
}

TEST_CASE("section order, sizes and ids") {
  CHECK(error_of(module({section(3, vec(0, {})), section(1, vec(0, {}))})).starts_with("unexpected content after last section"));
  CHECK(error_of(module({section(1, vec(0, {})), section(1, vec(0, {}))})).starts_with("unexpected content after last section"));
  CHECK(error_of(module({section(13, {})})).starts_with("malformed section id 13"));
  CHECK(error_of(module({section(1, {0x00, 0x00})})).starts_with("section size mismatch"));
  CHECK(error_of(module({{0x01, 0x05, 0x00}})).starts_with("length out of bounds"));
  // Data count sits between element and code.
  CHECK(error_of(module({section(12, {0x00}), section(9, vec(0, {}))})).starts_with("unexpected content after last section"));
}

TEST_CASE("custom sections and the name section") {
  Bytes names = cat({str("name"),
                     {0x00}, u32(5), str("mod1"),
                     {0x01}, u32(7), vec(1, cat({{0x00}, str("main")})),
                     {0x02}, u32(6), vec(1, cat({{0x00}, vec(1, cat({{0x00}, str("x")}))}))});
  auto m = wasm::decode_module(module({section(1, vec(1, {0x60, 0x01, 0x7F, 0x00})), section(0, str("first")),
                                       section(3, vec(1, {0x00})), section(10, vec(1, body({0x00}, {0x0B}))),
                                       section(0, names)}));
  REQUIRE(m);
  CHECK(m->customs.size() == 2);
  CHECK(m->names.module == "mod1");
  CHECK(m->names.functions.at(0) == "main");
  CHECK(m->names.locals.at(0).at(0) == "x");
  // A broken name section is ignored; a custom section name must be UTF-8.
  CHECK(error_of(module({section(0, cat({str("name"), {0x01, 0x7F}}))})) == "");
  CHECK(error_of(module({section(0, {0x01, 0xFF})})).starts_with("malformed UTF-8 encoding"));
}

TEST_CASE("code section: locals") {
  Bytes types = section(1, vec(1, kVoidType));
  Bytes funcs = section(3, vec(1, {0x00}));
  auto m = wasm::decode_module(module({types, funcs, section(10, vec(1, body({0x02, 0x02, 0x7F, 0x01, 0x7C}, {0x0B})))}));
  REQUIRE(m);
  CHECK(m->bodies[0].local_count == 3);
  CHECK(m->bodies[0].locals.size() == 2);
  CHECK(error_of(module({types, funcs, section(10, vec(1, body(cat({{0x01}, u32(60000), {0x7F}}), {0x0B})))}))
            .starts_with("too many locals"));
  CHECK(error_of(module({types, funcs, section(10, vec(1, body({0x00}, {0x01})))})).starts_with("END opcode expected"));
  CHECK(error_of(module({types, funcs, section(10, vec(1, body({0x00}, {0x0B, 0x01})))})).starts_with("section size mismatch: operators remaining"));
}
