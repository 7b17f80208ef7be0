// What a module makes the JIT compile grows with what it uses: entry trampolines are compiled
// per distinct signature of a defined function, not per declared type (issue 15, point 3: a
// 300 KB module of 100,000 function types took 47 s to compile).
#include <doctest/doctest.h>

#include <set>

#include "runtime/vm/compiled_module.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

void leb(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void section(std::vector<uint8_t>& module, uint8_t id, const std::vector<uint8_t>& content) {
  module.push_back(id);
  leb(module, uint32_t(content.size()));
  module.insert(module.end(), content.begin(), content.end());
}

// Types: 0 () -> i32, 1 (i32) -> i32, then 1000 copies of type 0, then 1024 distinct types no
// function has (every 5-parameter list over i32, i64, f32, f64). Functions: "a" of type 0,
// "b" of type 1, "c" of type 2 (a copy of 0).
std::vector<uint8_t> many_types_module() {
  std::vector<uint8_t> m = {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
  std::vector<uint8_t> types;
  leb(types, 2 + 1000 + 1024);
  auto add = [&](std::vector<uint8_t> params, std::vector<uint8_t> results) {
    types.push_back(0x60);
    leb(types, uint32_t(params.size()));
    types.insert(types.end(), params.begin(), params.end());
    leb(types, uint32_t(results.size()));
    types.insert(types.end(), results.begin(), results.end());
  };
  add({}, {0x7f});
  add({0x7f}, {0x7f});
  for (int i = 0; i < 1000; ++i) add({}, {0x7f});
  for (int i = 0; i < 1024; ++i) {
    std::vector<uint8_t> params;
    for (int k = 0; k < 5; ++k) params.push_back(uint8_t(0x7f - ((i >> (2 * k)) & 3)));
    add(params, {});
  }
  section(m, 1, types);
  section(m, 3, {3, 0, 1, 2});
  section(m, 7, {3, 1, 'a', 0, 0, 1, 'b', 0, 1, 1, 'c', 0, 2});
  section(m, 10, {3, 4, 0, 0x41, 7, 0x0b, 4, 0, 0x20, 0, 0x0b, 4, 0, 0x41, 9, 0x0b});
  return m;
}

}  // namespace

TEST_CASE("entry trampolines: one per distinct signature of a defined function, not per declared type") {
  Engine engine = Engine::create().take();
  std::vector<uint8_t> bytes = many_types_module();
  auto module = Module::compile(engine, bytes);
  REQUIRE_MESSAGE(module, (module ? "" : module.error().message));
  const auto& trampolines = module->impl()->code->entry_trampolines;
  REQUIRE(trampolines.size() == 2026);
  std::set<vm::EntryTrampoline> distinct;
  for (vm::EntryTrampoline t : trampolines)
    if (t) distinct.insert(t);
  CHECK(distinct.size() == 2);
  CHECK((trampolines[0] == trampolines[2]));  // copies of a signature share one
  CHECK((trampolines[3] == trampolines[0]));
  CHECK((trampolines[1002] == nullptr));  // a type no function has

  Store store(engine);
  Instance instance = Linker(engine).instantiate(store, *module).take();
  Val five[] = {Val::i32(5)};
  CHECK(instance.get_func("a")->call({})->at(0).i32() == 7);
  CHECK(instance.get_func("b")->call(five)->at(0).i32() == 5);
  CHECK(instance.get_func("c")->call({})->at(0).i32() == 9);
}
