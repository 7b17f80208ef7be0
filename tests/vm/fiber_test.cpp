// Fibers (runtime/vm/fiber.h through include/wasmrun/fiber.h): wasm runs on a fiber as on the
// thread's stack — traps, out-of-bounds faults, stack exhaustion and epoch interruption come back
// as traps on that fiber only — and host functions called by wasm can suspend the fiber while
// other fibers run wasm on the same thread, in other stores or in the same one.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/vm/o0_engine.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

const Engine& engine() { return testing::o0_engine(); }

// "wait" suspends the fiber; "run" waits between two steps, so a fiber stops inside the host
// function with wasm frames below and above it on its stack.
constexpr std::string_view kGuest = R"((module
  (import "env" "wait" (func $wait (result i32)))
  (memory 1)
  (global $depth (export "depth") (mut i32) (i32.const 0))
  (func (export "run") (param i32) (result i32) (local i32)
    local.get 0 i32.const 10 i32.mul local.set 1
    call $wait i32.eqz if unreachable end
    local.get 1 local.get 0 i32.add)
  (func (export "wait_then_divide") (param i32 i32) (result i32)
    call $wait drop
    local.get 0 local.get 1 i32.div_s)
  (func $down (export "down")
    global.get $depth i32.const 1 i32.add global.set $depth
    call $down)
  (func (export "wait_then_down")
    call $wait drop
    i32.const 0 global.set $depth
    call $down)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "spin") (loop br 0)))
)";

Module guest(const Engine& e = engine()) { return Module::compile(e, kGuest).take(); }

// A linker whose "wait" suspends the calling fiber and returns 1, or 0 when the fiber is being
// destroyed; `waits` counts the suspensions.
Linker waiting_linker(const Engine& e, int* waits = nullptr) {
  Linker linker(e);
  REQUIRE(linker.func_wrap("env", "wait", [waits]() -> int32_t {
    if (waits) ++*waits;
    return Fiber::suspend() ? 1 : 0;
  }));
  return linker;
}

std::string trap_message(const Expected<int32_t>& r) {
  REQUIRE_FALSE(r);
  REQUIRE(r.error().kind == ErrorKind::Trap);
  return r.error().trap->message;
}
std::string trap_message(const Expected<void>& r) {
  REQUIRE_FALSE(r);
  REQUIRE(r.error().kind == ErrorKind::Trap);
  return r.error().trap->message;
}

int32_t depth_of(const Instance& instance) { return instance.get_global("depth")->get().take().i32(); }

}  // namespace

TEST_CASE("a fiber runs its body in steps between suspensions") {
  std::vector<int> steps;
  Fiber fiber = Fiber::create([&] {
                  steps.push_back(1);
                  CHECK(Fiber::on_fiber());
                  CHECK(Fiber::suspend());
                  steps.push_back(2);
                  CHECK(Fiber::suspend());
                  steps.push_back(3);
                }).take();
  CHECK_FALSE(Fiber::on_fiber());
  CHECK_FALSE(Fiber::suspend());  // nothing to suspend on the thread's own stack
  CHECK(steps.empty());
  fiber.resume();
  CHECK(steps == std::vector<int>{1});
  fiber.resume();
  CHECK(steps == std::vector<int>{1, 2});
  CHECK_FALSE(fiber.done());
  fiber.resume();
  CHECK(fiber.done());
  fiber.resume();  // a finished fiber stays finished
  CHECK(steps == std::vector<int>{1, 2, 3});

  auto tiny = Fiber::create([] {}, 4096);
  REQUIRE_FALSE(tiny);
  CHECK(tiny.error().message.find("smaller than the minimum") != std::string::npos);
}

TEST_CASE("Fiber::current names the fiber object, which may move while it waits") {
  Fiber* seen = nullptr;
  Fiber original = Fiber::create([&] {
                     seen = Fiber::current();
                     Fiber::suspend();
                     seen = Fiber::current();
                   }).take();
  CHECK(Fiber::current() == nullptr);
  original.resume();
  CHECK(seen == &original);
  std::optional<Fiber> moved;
  moved.emplace(std::move(original));
  moved->resume();
  CHECK(seen == &*moved);
  CHECK(moved->done());
  CHECK(original.done());  // a moved-from fiber has nothing left to run
}

TEST_CASE("a fiber resumed from inside another returns to that one") {
  std::vector<std::string> log;
  Fiber inner = Fiber::create([&] {
                  log.push_back("inner 1");
                  Fiber::suspend();
                  log.push_back("inner 2");
                }).take();
  Fiber outer = Fiber::create([&] {
                  inner.resume();
                  log.push_back("outer 1");
                  Fiber::suspend();
                  inner.resume();
                  log.push_back("outer 2");
                }).take();
  outer.resume();
  CHECK(log == std::vector<std::string>{"inner 1", "outer 1"});
  outer.resume();
  CHECK(log == std::vector<std::string>{"inner 1", "outer 1", "inner 2", "outer 2"});
  CHECK(inner.done());
  CHECK(outer.done());
}

TEST_CASE("destroying a suspended fiber unwinds it: the waiting host call returns and traps") {
  Store store(engine());
  Instance instance = waiting_linker(engine()).instantiate(store, guest()).take();
  auto run = instance.typed_func<int32_t(int32_t)>("run").take();
  std::optional<Expected<int32_t>> result;
  bool unwound = false;
  {
    Fiber fiber = Fiber::create([&] {
                    result.emplace(run(4));
                    unwound = true;
                  }).take();
    fiber.resume();
    CHECK_FALSE(result);
  }
  CHECK(unwound);
  REQUIRE(result);
  // The host function returned (0: its wait was abandoned), and the call traps right there
  // rather than letting the guest run on.
  CHECK(trap_message(*result).find("the guest's fiber was cancelled") != std::string::npos);
  // The store is usable afterwards, on the thread's own stack.
  CHECK(*instance.typed_func<int32_t(int32_t)>("load").take()(0) == 0);
}

TEST_CASE("traps, out-of-bounds faults, stack exhaustion and interruption on a fiber come back on that fiber") {
  Config config;
  config.opt_level = 0;
  config.epoch_interruption = true;
  Engine e = Engine::create(config).take();
  Store store(e);
  Instance instance = waiting_linker(e).instantiate(store, guest(e)).take();
  auto divide = instance.typed_func<int32_t(int32_t, int32_t)>("wait_then_divide").take();
  auto load = instance.typed_func<int32_t(int32_t)>("load").take();
  auto down = instance.typed_func<void()>("down").take();
  auto spin = instance.typed_func<void()>("spin").take();

  // Each on a default-sized stack and on the smallest one, where the stack's floor, not the
  // 1 MiB budget, sets the limit.
  for (size_t stack_size : {Fiber::kDefaultStackSize, Fiber::kMinStackSize}) {
    CAPTURE(stack_size);
    std::vector<std::string> traps;
    int32_t quotient = 0;
    Fiber fiber = Fiber::create(
                      [&] {
                        quotient = divide(12, 4).take();
                        traps.push_back(trap_message(divide(1, 0)));
                        traps.push_back(trap_message(load(65535)));
                        traps.push_back(trap_message(down()));
                        store.set_epoch_deadline(1);
                        std::atomic<bool> stop{false};
                        std::thread ticker([&] {
                          while (!stop) {
                            e.increment_epoch();
                            std::this_thread::sleep_for(std::chrono::milliseconds(2));
                          }
                        });
                        traps.push_back(trap_message(spin()));
                        stop = true;
                        ticker.join();
                        store.set_epoch_deadline(UINT64_MAX / 2);
                      },
                      stack_size)
                      .take();
    while (!fiber.done()) fiber.resume();
    CHECK(quotient == 3);
    CHECK(traps == std::vector<std::string>{"integer divide by zero", "out of bounds memory access",
                                            "call stack exhausted", "interrupted: the epoch deadline was reached"});
    CHECK(depth_of(instance) > 100);
  }
  // The thread's own stack is unaffected.
  CHECK(trap_message(down()) == "call stack exhausted");
  CHECK(*load(0) == 0);
}

TEST_CASE("two fibers in two stores interleave wasm calls that suspend in a host function") {
  int waits = 0;
  Linker linker = waiting_linker(engine(), &waits);
  Module module = guest();
  Store store_a(engine()), store_b(engine());
  Instance a = linker.instantiate(store_a, module).take();
  Instance b = linker.instantiate(store_b, module).take();
  auto run_a = a.typed_func<int32_t(int32_t)>("run").take();
  auto run_b = b.typed_func<int32_t(int32_t)>("run").take();
  auto divide_b = b.typed_func<int32_t(int32_t, int32_t)>("wait_then_divide").take();
  auto down_b = b.typed_func<void()>("wait_then_down").take();

  std::vector<int32_t> results_a;
  std::vector<std::string> results_b;
  Fiber fa = Fiber::create([&] {
               for (int32_t i = 1; i <= 3; ++i) results_a.push_back(run_a(i).take());
             }).take();
  Fiber fb = Fiber::create([&] {
               results_b.push_back(std::to_string(run_b(5).take()));
               results_b.push_back(trap_message(divide_b(1, 0)));  // traps while A waits in wasm
               results_b.push_back(trap_message(down_b()));        // and overflows its stack
               results_b.push_back(std::to_string(run_b(7).take()));
             }).take();
  for (int round = 0; round < 10 && !(fa.done() && fb.done()); ++round) {
    fa.resume();
    fb.resume();
  }
  CHECK(fa.done());
  CHECK(fb.done());
  CHECK(results_a == std::vector<int32_t>{11, 22, 33});
  CHECK(results_b == std::vector<std::string>{"55", "integer divide by zero", "call stack exhausted", "77"});
  CHECK(waits == 3 + 4);
}

TEST_CASE("fibers suspended in the same store each keep their own stack limit") {
  Store store(engine());
  Instance instance = waiting_linker(engine()).instantiate(store, guest()).take();
  auto run = instance.typed_func<int32_t(int32_t)>("run").take();
  auto down = instance.typed_func<void()>("wait_then_down").take();

  // Reference: the depth a fresh fiber reaches on this stack size.
  constexpr size_t kStack = 512 * 1024;
  std::string trap;
  Fiber reference = Fiber::create([&] { trap = trap_message(down()); }, kStack).take();
  while (!reference.done()) reference.resume();
  CHECK(trap == "call stack exhausted");
  int32_t reference_depth = depth_of(instance);
  REQUIRE(reference_depth > 100);

  // Fiber A suspends inside the store; fiber B enters the same store on another stack, suspends
  // there too; each then recurses until its own stack's limit.
  std::vector<int32_t> depths;
  std::vector<int32_t> results;
  std::vector<std::unique_ptr<Fiber>> fibers;
  for (int i = 0; i < 3; ++i)
    fibers.push_back(std::make_unique<Fiber>(Fiber::create(
                                                 [&, i] {
                                                   results.push_back(run(i).take());
                                                   CHECK(trap_message(down()) == "call stack exhausted");
                                                   depths.push_back(depth_of(instance));
                                                 },
                                                 kStack)
                                                 .take()));
  for (auto& f : fibers) f->resume();  // each waits in "run"
  for (auto& f : fibers) f->resume();  // each finishes "run", then waits in "wait_then_down"
  CHECK(results == std::vector<int32_t>{0, 11, 22});
  // Recurse, first suspended first: the store's limit was last set by the last fiber to enter.
  for (auto& f : fibers) f->resume();
  for (auto& f : fibers) CHECK(f->done());
  REQUIRE(depths.size() == 3);
  for (int32_t depth : depths) {
    // Another fiber's limit would stop it at once (a stack above) or let it run into its guard
    // page (a stack below); its own stops it where the reference stopped.
    CHECK(std::abs(depth - reference_depth) <= reference_depth / 20);
  }
}

TEST_CASE("a fiber inside a host call runs wasm of the same store on its own stack") {
  Store store(engine());
  Linker linker(engine());
  std::optional<Fiber> inner;
  int32_t inner_result = 0;
  Instance* self = nullptr;
  REQUIRE(linker.func_wrap("env", "wait", [&]() -> int32_t {
    if (Fiber::on_fiber()) return Fiber::suspend() ? 1 : 0;
    // Called on the thread's stack: run "run" on a fiber from here, and let it wait there.
    inner.emplace(Fiber::create([&] { inner_result = self->typed_func<int32_t(int32_t)>("run").take()(3).take(); })
                      .take());
    inner->resume();
    return 1;
  }));
  Instance instance = linker.instantiate(store, guest()).take();
  self = &instance;
  auto run = instance.typed_func<int32_t(int32_t)>("run").take();
  CHECK(*run(2) == 22);  // the outer call finished while the inner fiber waits in the same store
  REQUIRE(inner);
  CHECK_FALSE(inner->done());
  inner->resume();
  CHECK(inner->done());
  CHECK(inner_result == 33);
}
