// What an embedder writes daily: typed store data, move-only host callables, bool parameters,
// bounds-checked memory access, and the epoch deadline's rule.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

const Engine& engine() {
  static Engine e = Engine::create().take();
  return e;
}

// `greet` passes a string (pointer, length) to the host; `flip` round-trips a bool through wasm.
constexpr std::string_view kGuest = R"((module
  (import "host" "log" (func $log (param i32 i32)))
  (import "host" "negate" (func $negate (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (func (export "greet") i32.const 16 i32.const 5 call $log)
  (func (export "flip") (param i32) (result i32) local.get 0 call $negate))
)";

struct Session {
  std::string name;
  std::vector<std::string> log;
};

}  // namespace

TEST_CASE("TypedStore<T> holds its data from the start; host functions reach it through the caller") {
  TypedStore<Session> store(engine(), Session{"typed", {}});
  CHECK(store.data().name == "typed");
  CHECK(store.Store::data<int>() == nullptr);
  Linker linker(engine());
  REQUIRE(linker.func_wrap("host", "log", [](Caller& caller, uint32_t ptr, uint32_t len) -> Expected<void> {
    std::string text(len, '\0');
    auto copied = caller.get_memory()->read(ptr, {reinterpret_cast<uint8_t*>(text.data()), text.size()});
    if (!copied) return copied.error();
    caller.data<Session>()->log.push_back(text);
    return {};
  }));
  REQUIRE(linker.func_wrap("host", "negate", [](bool b) { return !b; }));
  Instance instance = linker.instantiate(store, Module::compile(engine(), kGuest).take()).take();
  REQUIRE(instance.typed_func<void()>("greet").take()());
  CHECK(store.data().log == std::vector<std::string>{"hello"});

  // Moved, the data goes with the items; the moved-from store holds a value-initialized T.
  TypedStore<Session> moved = std::move(store);
  CHECK(moved.data().log.size() == 1);
  CHECK(store.data().name.empty());
  REQUIRE(instance.typed_func<void()>("greet").take()());
  CHECK(moved.data().log.size() == 2);
}

TEST_CASE("host functions reach typed store data and read guest memory through a bounds-checked view") {
  Store store(engine());
  store.emplace_data<Session>(Session{"first", {}});
  CHECK(store.data<int>() == nullptr);  // the data has one type
  REQUIRE(store.data<Session>() != nullptr);

  Linker linker(engine());
  REQUIRE(linker.func_wrap("host", "log", [](Caller& caller, uint32_t ptr, uint32_t len) -> Expected<void> {
    Session* session = caller.data<Session>();
    if (!session) return Error{"the store holds no Session"};
    std::string text(len, '\0');
    auto copied = caller.get_memory()->read(ptr, {reinterpret_cast<uint8_t*>(text.data()), text.size()});
    if (!copied) return copied.error();
    session->log.push_back(text);
    return {};
  }));
  REQUIRE(linker.func_wrap("host", "negate", [](bool b) { return !b; }));
  Instance instance = linker.instantiate(store, Module::compile(engine(), kGuest).take()).take();
  REQUIRE(instance.typed_func<void()>("greet").take()());
  CHECK(store.data<Session>()->log == std::vector<std::string>{"hello"});

  // Every non-zero i32 is true; a bool result is 0 or 1.
  auto flip_raw = instance.typed_func<int32_t(int32_t)>("flip").take();
  CHECK(*flip_raw(256) == 0);
  CHECK(*flip_raw(0) == 1);
  auto flip = instance.typed_func<bool(bool)>("flip").take();
  CHECK(*flip(true) == false);
  CHECK(*flip(false) == true);

  Memory memory = *instance.get_memory("memory");
  std::span<uint8_t> view = memory.view();
  REQUIRE(view.size() == 65536);
  CHECK(std::memcmp(view.data() + 16, "hello", 5) == 0);
  uint8_t four[4] = {1, 2, 3, 4};
  CHECK(memory.write(65532, four));
  auto past = memory.write(65533, four);
  REQUIRE_FALSE(past);
  CHECK(past.error().message == "out of bounds memory access: 4 bytes at offset 65533, the memory has 65536 bytes");
  CHECK_FALSE(memory.read(UINT64_MAX, {four, 2}));  // offset + size wraps: still out of bounds
  // Growing keeps the base: a view taken before still points at the same bytes.
  REQUIRE(memory.grow(1));
  CHECK(memory.data() == view.data());
  CHECK(memory.view().size() == 2 * 65536);
}

TEST_CASE("move-only callables make host functions") {
  auto owned = std::make_unique<int>(41);
  Linker linker(engine());
  REQUIRE(linker.func_wrap("host", "negate", [p = std::move(owned)](int32_t x) { return x + *p; }));
  REQUIRE(linker.func_wrap("host", "log", [](int32_t, int32_t) {}));
  Store store(engine());
  Instance instance = linker.instantiate(store, Module::compile(engine(), kGuest).take()).take();
  CHECK(*instance.typed_func<int32_t(int32_t)>("flip").take()(1) == 42);

  auto counter = std::make_unique<int>(0);
  Func f = Func::wrap(store, [c = std::move(counter)]() { return ++*c; }).take();
  auto count = f.typed<int32_t()>().take();
  CHECK(*count() == 1);
  CHECK(*count() == 2);
}

TEST_CASE("an epoch deadline stays passed until it is set again") {
  Config config;
  config.epoch_interruption = true;
  Engine e = Engine::create(config).take();
  Module module = Module::compile(e, R"((module
    (func (export "spin") (loop br 0))
    (func (export "one") (result i32) i32.const 1)))").take();
  Store store(e);
  Instance instance = Instance::create(store, module, {}).take();
  auto spin = instance.typed_func<void()>("spin").take();
  auto one = instance.typed_func<int32_t()>("one").take();
  store.set_epoch_deadline(1);
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    e.increment_epoch();
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  auto interrupted = spin();
  done = true;
  ticker.join();
  REQUIRE_FALSE(interrupted);
  CHECK(interrupted.error().trap->code == TrapCode::Interrupted);
  auto again = one();  // the deadline is still passed: the call traps at its entry check
  REQUIRE_FALSE(again);
  CHECK(again.error().trap->code == TrapCode::Interrupted);
  store.set_epoch_deadline(1);
  CHECK(*one() == 1);
}

TEST_CASE("a host function ends the computation with Caller::exit, as WASI's proc_exit does") {
  Linker linker(engine());
  REQUIRE(linker.func_wrap("host", "stop", [](Caller& caller, uint32_t status) { caller.exit(status); }));
  auto module = Module::compile(engine(), R"((module
    (import "host" "stop" (func $stop (param i32)))
    (global $after (export "after") (mut i32) (i32.const 0))
    (func (export "run") i32.const 7 call $stop i32.const 1 global.set $after)))").take();
  Store store(engine());
  Instance instance = linker.instantiate(store, module).take();
  auto run = instance.typed_func<void()>("run").take();
  auto result = run();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().exit_status() == 7u);
  CHECK(instance.get_global("after")->get()->i32() == 0);  // nothing after the call ran
}
