// LoopWaiter (wasi/p2/loop_waiter.h): waits on an http::EventLoop, suspending the fiber that waits
// (resumed by the loop when a deadline, an fd or a notifier fires) or running the loop in place on
// the thread's stack; a fiber destroyed while it waits gives up its wait, and a guest waiting in
// wasi:io/poll traps out. Then a thousand components, each on its own fiber, sleep at once on one
// thread and one loop.
#include <doctest/doctest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/event_loop.h"
#include "tests/wasi_p2/p2_test_support.h"
#include "text/wat.h"
#include "wasi/p2/context.h"
#include "wasi/p2/loop_waiter.h"
#include "wasmrun/component/component.h"
#include "wasmrun/fiber.h"

using namespace wasmrun;
using wasi::p2::DeadlinePollable;
using wasi::p2::FdPollable;
using wasi::p2::LoopWaiter;
using wasi::p2::monotonic_now_ns;
using wasi::p2::Notifier;
using wasi::p2::Pollable;
using wasi::p2::WaitSource;

namespace {

constexpr uint64_t kMs = 1'000'000;

std::unique_ptr<http::EventLoop> make_loop() {
  auto loop = http::EventLoop::create();
  REQUIRE_MESSAGE(loop, (loop ? "" : loop.error().message));
  return std::move(*loop);
}

// Ready once set, announced through its notifier.
class FlagPollable final : public Pollable {
 public:
  bool ready() override { return set_; }
  WaitSource source() const override { return {WaitSource::Kind::Notified, 0, -1, 0, &notifier_}; }
  void set() {
    set_ = true;
    notifier_.notify();
  }

 private:
  bool set_ = false;
  mutable Notifier notifier_;
};

// Runs the loop until every fiber is done (or a minute passed, which fails the test).
void run_until_done(http::EventLoop& loop, const std::vector<Fiber*>& fibers) {
  auto all_done = [&] {
    for (Fiber* f : fibers)
      if (!f->done()) return false;
    return true;
  };
  auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!all_done() && std::chrono::steady_clock::now() < give_up) loop.run_once(std::chrono::milliseconds(100));
  REQUIRE(all_done());
}

}  // namespace

TEST_CASE("on a fiber, a wait for a deadline suspends the fiber until the loop's timer fires") {
  auto loop = make_loop();
  LoopWaiter waiter(*loop);
  std::vector<uint32_t> ready;
  uint64_t start = monotonic_now_ns(), woke = 0;
  DeadlinePollable later(start + 20 * kMs), much_later(start + 10'000 * kMs);
  Fiber fiber = Fiber::create([&] {
                  Pollable* list[] = {&much_later, &later};
                  ready = waiter.wait(list);
                  woke = monotonic_now_ns();
                }).take();
  fiber.resume();
  CHECK_FALSE(fiber.done());  // it waits: control came back here
  run_until_done(*loop, {&fiber});
  CHECK(ready == std::vector<uint32_t>{1});
  CHECK(woke >= start + 20 * kMs);
}

TEST_CASE("on a fiber, a wait for an fd or a notifier ends when the loop sees it") {
  auto loop = make_loop();
  LoopWaiter waiter(*loop);
  int p[2];
  REQUIRE(pipe(p) == 0);
  FdPollable readable(p[0], POLLIN), readable_again(p[0], POLLIN);  // one fd twice in a list
  FlagPollable flag;
  std::vector<uint32_t> fd_ready, flag_ready;
  Fiber on_fd = Fiber::create([&] {
                  Pollable* list[] = {&flag, &readable, &readable_again};
                  fd_ready = waiter.wait(list);
                }).take();
  Fiber on_flag = Fiber::create([&] {
                    Pollable* list[] = {&flag};
                    flag_ready = waiter.wait(list);
                  }).take();
  on_fd.resume();
  on_flag.resume();
  http::Timer write_later(*loop, [&] { CHECK(write(p[1], "x", 1) == 1); });
  write_later.arm_after(std::chrono::milliseconds(5));
  run_until_done(*loop, {&on_fd});
  CHECK(fd_ready == std::vector<uint32_t>{1, 2});
  CHECK_FALSE(on_flag.done());
  http::Timer set_later(*loop, [&] { flag.set(); });
  set_later.arm_after(std::chrono::milliseconds(5));
  run_until_done(*loop, {&on_flag});
  CHECK(flag_ready == std::vector<uint32_t>{0});
  close(p[0]);
  close(p[1]);
}

TEST_CASE("a waiter's resumer resumes each fiber whose wait is over, two waiting on one notifier") {
  auto loop = make_loop();
  std::vector<Fiber*> resumed;
  Fiber* running = nullptr;  // what a host switches to around a guest (serve: its resource table)
  LoopWaiter waiter(*loop, [&](Fiber& fiber) {
    resumed.push_back(&fiber);
    running = &fiber;
    fiber.resume();
    running = nullptr;
  });
  FlagPollable flag;
  Fiber* seen_first = nullptr;
  Fiber* seen_second = nullptr;
  std::vector<uint32_t> first_ready, second_ready;
  Fiber first = Fiber::create([&] {
                  Pollable* list[] = {&flag};
                  first_ready = waiter.wait(list);
                  seen_first = running;
                }).take();
  Fiber second = Fiber::create([&] {
                   Pollable* list[] = {&flag};
                   second_ready = waiter.wait(list);
                   seen_second = running;
                 }).take();
  first.resume();
  second.resume();
  CHECK(resumed.empty());
  http::Timer set_later(*loop, [&] { flag.set(); });
  set_later.arm_after(std::chrono::milliseconds(5));
  run_until_done(*loop, {&first, &second});
  CHECK(first_ready == std::vector<uint32_t>{0});
  CHECK(second_ready == std::vector<uint32_t>{0});
  CHECK(resumed.size() == 2);
  CHECK(seen_first == &first);
  CHECK(seen_second == &second);
}

TEST_CASE("on the thread's stack, a wait runs the loop in place, whose other work goes on") {
  auto loop = make_loop();
  LoopWaiter waiter(*loop);
  FlagPollable flag;
  int ticks = 0;
  http::Timer ticker(*loop, [&] {
    if (++ticks == 3) flag.set();
    else ticker.arm_after(std::chrono::milliseconds(2));
  });
  ticker.arm_after(std::chrono::milliseconds(2));
  uint64_t start = monotonic_now_ns();
  DeadlinePollable deadline(start + 10'000 * kMs);
  Pollable* list[] = {&deadline, &flag};
  CHECK(waiter.wait(list) == std::vector<uint32_t>{1});
  CHECK(ticks == 3);

  DeadlinePollable soon(monotonic_now_ns() + 15 * kMs);
  Pollable* only_soon[] = {&soon};
  CHECK(waiter.wait(only_soon) == std::vector<uint32_t>{0});
  CHECK(soon.ready());
}

TEST_CASE("a fiber destroyed while it waits gives up its wait, and the loop forgets it") {
  auto loop = make_loop();
  LoopWaiter waiter(*loop);
  FlagPollable flag;
  DeadlinePollable soon(monotonic_now_ns() + 5 * kMs);
  std::optional<std::vector<uint32_t>> ready;
  {
    Fiber fiber = Fiber::create([&] {
                    Pollable* list[] = {&flag, &soon};
                    ready = waiter.wait(list);
                  }).take();
    fiber.resume();
    CHECK_FALSE(ready);
  }
  REQUIRE(ready);
  CHECK(ready->empty());
  // Its timer and notifier wake-up may still fire: they must find nothing to resume.
  flag.set();
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  while (std::chrono::steady_clock::now() < until) loop->run_once(std::chrono::milliseconds(5));
}

namespace {

// A command component that sleeps: run = subscribe-duration(`sleep_ns`), block on it, then ok
// when the monotonic clock advanced by at least that much (else err).
std::string sleeper(uint64_t sleep_ns) {
  const std::string ns = std::to_string(sleep_ns);
  return p2_test::command(p2_test::kPollImports, p2_test::kPollLowered, p2_test::kPollWith,
                          p2_test::kPollModuleImports + R"(
    (func (export "run") (result i32) (local $p i32) (local $start i64)
      (local.set $start (call $now))
      (local.set $p (call $subscribe (i64.const )" + ns + R"()))
      (call $block (local.get $p))
      (call $drop (local.get $p))
      (i64.lt_u (i64.sub (call $now) (local.get $start)) (i64.const )" + ns + R"())))");
}

using RunResult = component::Result<std::monostate, std::monostate>;

// One guest: its own WASI context, linker, store and instance, waiting through `waiter`.
struct Guest {
  std::unique_ptr<wasi::p2::WasiP2> wasi;
  std::optional<Store> store;
  std::optional<component::TypedFunc<RunResult()>> run;

  static Guest make(const Engine& engine, const Component& component, wasi::p2::Waiter& waiter) {
    Guest g;
    g.wasi = wasi::p2::WasiP2::create({}).take();
    g.wasi->set_waiter(&waiter);
    component::Linker linker(engine);
    REQUIRE(g.wasi->add_to_linker(linker));
    g.store.emplace(engine);
    auto instance = linker.instantiate(*g.store, component);
    REQUIRE_MESSAGE(instance, (instance ? "" : instance.error().message));
    g.run = instance->get_typed_func<RunResult()>("wasi:cli/run@0.2.0", "run").take();
    return g;
  }
};

const Engine& engine() {
  static Engine e = Engine::create().take();
  return e;
}

Component compile(const std::string& wat) {
  auto bytes = text::parse_wat(wat, "sleeper.wat");
  REQUIRE_MESSAGE(bytes, (bytes ? "" : bytes.error().message));
  return Component::from_binary(engine(), *bytes).take();
}

}  // namespace

TEST_CASE("a guest blocked in wasi:io/poll on a fiber that is destroyed traps out of the wait") {
  auto loop = make_loop();
  LoopWaiter waiter(*loop);
  Component component = compile(sleeper(10'000 * kMs));
  Guest guest = Guest::make(engine(), component, waiter);
  std::optional<Expected<RunResult>> result;
  {
    Fiber fiber = Fiber::create([&] { result.emplace(guest.run->call()); }).take();
    fiber.resume();
    CHECK_FALSE(result);
  }
  REQUIRE(result);
  REQUIRE_FALSE(*result);
  CHECK(result->error().kind == ErrorKind::Trap);
  CHECK(result->error().message.find("the guest's fiber was cancelled") != std::string::npos);
}

TEST_CASE("a thousand components, each on its own fiber, sleep 100 ms at once on one thread and one loop") {
  constexpr int kGuests = 1000;
  auto loop = make_loop();
  LoopWaiter waiter(*loop);
  Component component = compile(sleeper(100 * kMs));
  std::vector<Guest> guests;
  guests.reserve(kGuests);
  for (int i = 0; i < kGuests; ++i) guests.push_back(Guest::make(engine(), component, waiter));

  std::vector<std::optional<Expected<RunResult>>> results(kGuests);
  std::vector<std::unique_ptr<Fiber>> fibers;
  for (int i = 0; i < kGuests; ++i)
    fibers.push_back(std::make_unique<Fiber>(Fiber::create([&, i] { results[i].emplace(guests[i].run->call()); },
                                                           256 * 1024)
                                                 .take()));
  auto start = std::chrono::steady_clock::now();
  for (auto& f : fibers) f->resume();
  // Every guest started and is blocked at once: none could have finished its 100 ms yet.
  int waiting = 0;
  for (auto& f : fibers) waiting += !f->done();
  CHECK(waiting == kGuests);
  std::vector<Fiber*> all;
  for (auto& f : fibers) all.push_back(f.get());
  run_until_done(*loop, all);
  auto wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  int ok = 0;
  for (auto& r : results) {
    REQUIRE(r);
    REQUIRE_MESSAGE(*r, (*r ? "" : (*r).error().message));
    ok += (**r).is_ok();
  }
  CHECK(ok == kGuests);
  std::printf("%d guests slept 100 ms each on one thread: %.1f ms wall\n", kGuests, wall);
}
