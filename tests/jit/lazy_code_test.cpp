// The lazy baseline tier (jit/lazy_code.h): functions compiled on first call give the same
// results, traps with backtraces, stack exhaustion and epoch interruption as eager code; tier-up
// switches to optimized code, which also lands in the code cache.
#include <thread>

#include "jit_test_support.h"
#include "runtime/vm/compiled_module.h"

namespace wasmrun::jit {
namespace {

vm::EngineConfig lazy(bool tier_up, bool epoch = false) {
  vm::EngineConfig c;
  c.compile.lazy = true;
  c.compile.tier_up = tier_up;
  c.compile.epoch_interruption = epoch;
  return c;
}

// fib through two mutually calling functions and a table, so calls go stub to stub.
const char* kFib = R"((module
  (type $t (func (param i32) (result i32)))
  (table funcref (elem $fib))
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib_indirect
         local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func $fib_indirect (param i32) (result i32) local.get 0 i32.const 0 call_indirect (type $t))
  (func (export "boom") (param i32) (result i32) local.get 0 call $deep)
  (func $deep (param i32) (result i32) unreachable)
  (func (export "recurse") (param i32) (result i32) local.get 0 call 4)
  (func (export "spin") (param i32) (result i32) (loop $l br $l) i32.const 0)))";

std::optional<vm::Trap> call_trapping(vm::Engine& engine, const std::shared_ptr<const vm::CompiledModule>& m,
                                      vm::Store& store, const std::string& name) {
  auto instance = vm::instantiate(store, m, {});
  REQUIRE(instance);
  auto e = (*instance)->find_export(name);
  REQUIRE(e);
  vm::VMValue values[1] = {};
  return vm::invoke_catching(store, std::get<vm::FuncInstance*>(*e), values);
}

TEST_CASE("functions compiled on first call compute what eager code computes, with and without tier-up") {
  std::vector<uint8_t> bytes = test::wat(kFib);
  auto eager = test::make_engine(nullptr);
  auto eager_module = vm::compile_module(*eager, bytes);
  REQUIRE(eager_module);
  for (bool tier_up : {false, true}) {
    CAPTURE(tier_up);
    auto engine = test::make_engine(nullptr, lazy(tier_up));
    auto m = vm::compile_module(*engine, bytes);
    REQUIRE(m);
    for (int32_t n : {0, 1, 2, 10, 20})
      CHECK(test::call_i32(*engine, *m, "fib", n) == test::call_i32(*eager, *eager_module, "fib", n));
    (*m)->code->wait_for_tier_up();
    CHECK(test::call_i32(*engine, *m, "fib", 21) == 10946);
  }
}

TEST_CASE("in the baseline tier a trap carries its wasm backtrace; stack exhaustion and epochs trap") {
  std::vector<uint8_t> bytes = test::wat(kFib);
  auto engine = test::make_engine(nullptr, lazy(false, true));
  auto m = vm::compile_module(*engine, bytes);
  REQUIRE(m);
  vm::Store store(*engine);

  auto trap = call_trapping(*engine, *m, store, "boom");
  REQUIRE(trap);
  CHECK(trap->code == vm::TrapCode::Unreachable);
  // $deep and its caller, both compiled on this call, name their frames.
  std::vector<uint32_t> frames;
  for (const Frame& f : trap->frames) frames.push_back(f.func_index);
  CHECK_MESSAGE((frames == std::vector<uint32_t>{3, 2}), trap->to_string());

  auto overflow = call_trapping(*engine, *m, store, "recurse");
  REQUIRE(overflow);
  CHECK(overflow->code == vm::TrapCode::StackOverflow);

  store.set_epoch_deadline(1);
  std::thread ticker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    engine->increment_epoch();
  });
  auto interrupted = call_trapping(*engine, *m, store, "spin");
  ticker.join();
  REQUIRE(interrupted);
  CHECK(interrupted->code == vm::TrapCode::Interrupted);
}

TEST_CASE("tier-up stores the optimized code in the cache, where the next engine finds it") {
  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(kFib);
  auto cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto engine = test::make_engine(cache, lazy(true));
  auto m = vm::compile_module(*engine, bytes);
  REQUIRE(m);
  CHECK(test::call_i32(*engine, *m, "fib", 15) == 610);
  (*m)->code->wait_for_tier_up();
  CHECK(cache->stats().stores == 1);

  auto next_cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto next = test::make_engine(next_cache, lazy(true));
  auto warm = vm::compile_module(*next, bytes);
  REQUIRE(warm);
  CHECK(next_cache->stats().hits == 1);
  CHECK(test::call_i32(*next, *warm, "fib", 15) == 610);
  // And the eager engine of the same options shares the entry.
  auto eager_cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto eager = test::make_engine(eager_cache);
  REQUIRE(vm::compile_module(*eager, bytes));
  CHECK(eager_cache->stats().hits == 1);
}

TEST_CASE("freeing a module while its tier-up runs waits for it safely") {
  // A module whose optimized compile is likely still running when it is freed.
  std::string wat = "(module";
  for (int i = 0; i < 400; ++i)
    wat += "(func (export \"f" + std::to_string(i) +
           "\") (param i32) (result i32) local.get 0 i32.const 3 i32.mul i32.const 7 i32.add local.get 0 i32.xor)";
  wat += ")";
  auto engine = test::make_engine(nullptr, lazy(true));
  auto m = vm::compile_module(*engine, test::wat(wat));
  REQUIRE(m);
  CHECK(test::call_i32(*engine, *m, "f7", 1) == ((1 * 3 + 7) ^ 1));
  m->reset();  // joins the background compile: returns, and leaks nothing (ASan)
}

}  // namespace
}  // namespace wasmrun::jit
