// The lazy baseline tier (jit/lazy_code.h): functions compiled on first call give the same
// results, traps with backtraces, stack exhaustion and epoch interruption as eager code; hot
// functions are switched to optimized code one at a time, and the same holds across the switch;
// whole-module tier-up switches everything at once and lands in the code cache.
#include <atomic>
#include <cstring>
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

vm::EngineConfig hot_tier_up(uint32_t threshold, bool epoch = false) {
  vm::EngineConfig c = lazy(true, epoch);
  c.compile.tier_up_threshold = threshold;
  return c;
}

vm::EngineConfig whole_module_tier_up() {
  vm::EngineConfig c = lazy(true);
  c.compile.tier_up_whole_module = true;
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

TEST_CASE("functions compiled on first call compute what eager code computes, in every tier") {
  std::vector<uint8_t> bytes = test::wat(kFib);
  auto eager = test::make_engine(nullptr);
  auto eager_module = vm::compile_module(*eager, bytes);
  REQUIRE(eager_module);
  for (int mode : {0, 1, 2}) {
    CAPTURE(mode);
    auto engine = test::make_engine(nullptr, mode == 0 ? lazy(false) : mode == 1 ? hot_tier_up(20) : whole_module_tier_up());
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
  // $deep and its caller, both compiled on this call, name their frames and wasm offsets.
  std::vector<uint32_t> frames;
  for (const Frame& f : trap->frames) {
    frames.push_back(f.func_index);
    CHECK_MESSAGE(f.module_offset, trap->to_string());
  }
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

TEST_CASE("whole-module tier-up stores the optimized code in the cache, where the next engine finds it") {
  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(kFib);
  auto cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto engine = test::make_engine(cache, whole_module_tier_up());
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

TEST_CASE("freeing a module while its whole-module tier-up runs waits for it safely") {
  // A module whose optimized compile is likely still running when it is freed.
  std::string wat = "(module";
  for (int i = 0; i < 400; ++i)
    wat += "(func (export \"f" + std::to_string(i) +
           "\") (param i32) (result i32) local.get 0 i32.const 3 i32.mul i32.const 7 i32.add local.get 0 i32.xor)";
  wat += ")";
  auto engine = test::make_engine(nullptr, whole_module_tier_up());
  auto m = vm::compile_module(*engine, test::wat(wat));
  REQUIRE(m);
  CHECK(test::call_i32(*engine, *m, "f7", 1) == ((1 * 3 + 7) ^ 1));
  m->reset();  // joins the background compile: returns, and leaks nothing (ASan)
}

std::optional<vm::Trap> call_catching(const std::shared_ptr<const vm::CompiledModule>& m, vm::Store& store,
                                     const std::string& name, int32_t arg, int32_t* result = nullptr) {
  auto instance = vm::instantiate(store, m, {});
  REQUIRE(instance);
  auto e = (*instance)->find_export(name);
  REQUIRE(e);
  vm::VMValue values[1] = {};
  std::memcpy(values[0].bytes, &arg, 4);
  auto trap = vm::invoke_catching(store, std::get<vm::FuncInstance*>(*e), values);
  if (result) std::memcpy(result, values[0].bytes, 4);
  return trap;
}

// $inner traps when its argument is 1; $spin loops until its argument counts down to zero, for
// ever with -1; $down recurses n deep, for ever with -1; $enter is called once.
const char* kTiers = R"((module
  (func $inner (param i32) (result i32)
    local.get 0 i32.const 1 i32.eq if unreachable end
    local.get 0)
  (func (export "check") (param i32) (result i32) local.get 0 call $inner)
  (func (export "spin") (param i32) (result i32)
    (loop $l
      (br_if $l (i32.eq (local.get 0) (i32.const -1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    i32.const 7)
  (func $down (param i32) (result i32)
    local.get 0 i32.eqz
    if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $down i32.const 1 i32.add end)
  (func (export "down") (param i32) (result i32) local.get 0 call $down)
  (func (export "enter") (param i32) (result i32) local.get 0 call $down)))";
constexpr uint32_t kInner = 0, kCheck = 1, kSpin = 2, kDown = 3, kDownExport = 4, kEnter = 5;

TEST_CASE("a function whose calls and loop iterations reach the threshold is switched to optimized code") {
  std::vector<uint8_t> bytes = test::wat(kTiers);
  auto eager = test::make_engine(nullptr);
  auto decoded = vm::compile_module(*eager, bytes);
  REQUIRE(decoded);
  // Each call of $inner costs its body's size: the threshold is 50 calls' worth.
  const uint32_t inner_size = uint32_t((*decoded)->module.bodies[kInner].code.size());
  const uint32_t threshold = 50 * inner_size;
  auto engine = test::make_engine(nullptr, hot_tier_up(threshold));
  auto m = vm::compile_module(*engine, bytes);
  REQUIRE(m);
  vm::CompiledCode& code = *(*m)->code;
  vm::Store store(*engine);
  int32_t result = 0;

  // Below the threshold nothing is queued: 40 calls, and 10 loop iterations of a few bytes.
  for (int i = 0; i < 40; ++i) REQUIRE_FALSE(call_catching(*m, store, "check", 5, &result));
  REQUIRE_FALSE(call_catching(*m, store, "spin", 10, &result));
  code.wait_for_tier_up();
  CHECK(code.optimized_functions() == 0);
  CHECK_FALSE(code.runs_optimized(kInner));
  CHECK_FALSE(code.runs_optimized(kSpin));

  // Calls: 10 more reach the threshold for $inner; loop iterations: one call of $spin whose
  // iterations cost at least a byte each.
  for (int i = 0; i < 10; ++i) REQUIRE_FALSE(call_catching(*m, store, "check", 5, &result));
  REQUIRE_FALSE(call_catching(*m, store, "spin", int32_t(threshold), &result));
  code.wait_for_tier_up();
  CHECK(code.runs_optimized(kInner));
  CHECK(code.runs_optimized(kSpin));
  CHECK_FALSE(code.runs_optimized(kDown));
  CHECK_FALSE(code.runs_optimized(kEnter));
  CHECK(code.optimized_functions() >= 2);
  REQUIRE_FALSE(call_catching(*m, store, "check", 42, &result));
  CHECK(result == 42);
  REQUIRE_FALSE(call_catching(*m, store, "spin", 10, &result));
  CHECK(result == 7);
}

TEST_CASE("a trap reports the same wasm frames and offsets before and after tier-up") {
  auto engine = test::make_engine(nullptr, hot_tier_up(1000));
  auto m = vm::compile_module(*engine, test::wat(kTiers));
  REQUIRE(m);
  vm::Store store(*engine);
  auto frames_of = [](const vm::Trap& trap) {
    std::vector<std::pair<uint32_t, uint32_t>> frames;
    for (const Frame& f : trap.frames) {
      CHECK_MESSAGE(f.module_offset, trap.to_string());
      frames.emplace_back(f.func_index, f.module_offset.value_or(0));
    }
    return frames;
  };
  auto before = call_catching(*m, store, "check", 1);
  REQUIRE(before);
  CHECK(before->code == vm::TrapCode::Unreachable);
  CHECK_FALSE((*m)->code->runs_optimized(kInner));
  for (int i = 0; i < 200; ++i) REQUIRE_FALSE(call_catching(*m, store, "check", 0));
  (*m)->code->wait_for_tier_up();
  REQUIRE((*m)->code->runs_optimized(kInner));
  REQUIRE((*m)->code->runs_optimized(kCheck));
  auto after = call_catching(*m, store, "check", 1);
  REQUIRE(after);
  CHECK(after->code == vm::TrapCode::Unreachable);
  CHECK_MESSAGE(frames_of(*before) == frames_of(*after), (before->to_string() + " / " + after->to_string()));
  REQUIRE(after->frames.size() == 2);
  CHECK(after->frames[0].func_index == kInner);
  CHECK(after->frames[1].func_index == kCheck);
}

TEST_CASE("epoch interruption stops a loop in optimized code") {
  auto engine = test::make_engine(nullptr, hot_tier_up(100, /*epoch=*/true));
  auto m = vm::compile_module(*engine, test::wat(kTiers));
  REQUIRE(m);
  vm::Store store(*engine);
  store.set_epoch_deadline(1'000'000);
  REQUIRE_FALSE(call_catching(*m, store, "spin", 1000));
  (*m)->code->wait_for_tier_up();
  REQUIRE((*m)->code->runs_optimized(kSpin));

  store.set_epoch_deadline(1);
  std::thread ticker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    engine->increment_epoch();
  });
  auto interrupted = call_catching(*m, store, "spin", -1);
  ticker.join();
  REQUIRE(interrupted);
  CHECK(interrupted->code == vm::TrapCode::Interrupted);
  // The trap names the interrupted function, with the offset of the loop.
  REQUIRE(interrupted->frames.size() == 1);
  CHECK(interrupted->frames[0].func_index == kSpin);
  CHECK(interrupted->frames[0].module_offset);
}

TEST_CASE("deep recursion through baseline and optimized frames traps at the stack limit") {
  auto engine = test::make_engine(nullptr, hot_tier_up(100));
  auto m = vm::compile_module(*engine, test::wat(kTiers));
  REQUIRE(m);
  vm::Store store(*engine);
  int32_t result = 0;
  REQUIRE_FALSE(call_catching(*m, store, "down", 300, &result));
  CHECK(result == 300);
  (*m)->code->wait_for_tier_up();
  REQUIRE((*m)->code->runs_optimized(kDown));
  CHECK_FALSE((*m)->code->runs_optimized(kDownExport));

  // $enter runs baseline code, every $down below it optimized code.
  auto overflow = call_catching(*m, store, "enter", -1);
  REQUIRE(overflow);
  CHECK(overflow->code == vm::TrapCode::StackOverflow);
  REQUIRE_FALSE(overflow->frames.empty());
  // The innermost frames (the backtrace keeps the 32 innermost) are optimized $down's.
  for (const Frame& f : overflow->frames) CHECK(f.func_index == kDown);
  CHECK_FALSE((*m)->code->runs_optimized(kEnter));
  // The store is usable after the trap, in both tiers.
  REQUIRE_FALSE(call_catching(*m, store, "enter", 10, &result));
  CHECK(result == 10);
}

TEST_CASE("two stores on two threads call a module while its functions tier up") {
  auto engine = test::make_engine(nullptr, hot_tier_up(200));
  auto m = vm::compile_module(*engine, test::wat(kFib));
  REQUIRE(m);
  const int32_t fib[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610};
  std::atomic<int> wrong{0};
  auto caller = [&](int seed) {
    vm::Store store(*engine);
    auto instance = vm::instantiate(store, *m, {});
    if (!instance) return void(++wrong);
    auto e = (*instance)->find_export("fib");
    for (int i = 0; i < 300; ++i) {
      int32_t n = (i * 7 + seed) % 16;
      vm::VMValue values[1] = {};
      std::memcpy(values[0].bytes, &n, 4);
      if (vm::invoke_catching(store, std::get<vm::FuncInstance*>(*e), values)) {
        ++wrong;
        continue;
      }
      int32_t r;
      std::memcpy(&r, values[0].bytes, 4);
      if (r != fib[n]) ++wrong;
    }
  };
  std::thread a(caller, 0), b(caller, 3);
  a.join();
  b.join();
  CHECK(wrong == 0);
  (*m)->code->wait_for_tier_up();
  CHECK((*m)->code->runs_optimized(0));
  CHECK((*m)->code->runs_optimized(1));
  CHECK(test::call_i32(*engine, *m, "fib", 15) == 610);
}

}  // namespace
}  // namespace wasmrun::jit
