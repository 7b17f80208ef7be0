// The cost of running guests on fibers (include/wasmrun/fiber.h):
//   - creating a fiber, running an empty body to its end and destroying it (the stack comes from
//     the per-thread cache after the first),
//   - a suspend and resume round trip from the body,
//   - a wasm call on a fiber whose host function suspends once: the guest's round trip through
//     the event loop minus the loop,
//   - the same wasm call with a host function that does not suspend, on a fiber and on the
//     thread's stack.
//   fiber_bench [ITERATIONS]
// Prints the best of 5 runs of each, per operation.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "wasmrun/wasmrun.h"
#include "bench/best_seconds.h"

using namespace wasmrun;

namespace {

using bench::best_seconds;

void report(const char* what, double seconds, int iterations) {
  fmt::print("{:<58} {:>9.1f} ns\n", what, seconds / iterations * 1e9);
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 200000;
  auto engine = Engine::create().take();
  auto module = Module::compile(engine, R"((module
    (import "env" "wait" (func $wait))
    (func (export "step") (param i32) (result i32)
      call $wait
      local.get 0 i32.const 1 i32.add)))")
                    .take();
  bool suspending = false;
  Linker linker(engine);
  linker.func_wrap("env", "wait", [&] {
    if (suspending) Fiber::suspend();
  }).take();
  Store store(engine);
  auto instance = linker.instantiate(store, module).take();
  auto step = instance.typed_func<int32_t(int32_t)>("step").take();

  report("fiber create + run empty body + destroy", best_seconds(5, [&] {
           for (int i = 0; i < iterations; ++i) {
             Fiber f = Fiber::create([] {}).take();
             f.resume();
           }
         }), iterations);

  Fiber looping = Fiber::create([] {
                    while (Fiber::suspend()) {
                    }
                  }).take();
  report("suspend + resume round trip", best_seconds(5, [&] {
           for (int i = 0; i < iterations; ++i) looping.resume();
         }), iterations);

  suspending = true;
  int32_t sum = 0;
  Fiber guest = Fiber::create([&] {
                  // Ends when the fiber is destroyed: the suspended host call then traps.
                  while (auto next = step(sum)) sum = *next;
                }).take();
  report("wasm call on a fiber, host suspends once (2 switches)", best_seconds(5, [&] {
           for (int i = 0; i < iterations; ++i) guest.resume();
         }), iterations);
  suspending = false;
  Fiber calls = Fiber::create([&] {
                  for (int i = 0; i < iterations; ++i) sum = step(sum).take();
                }).take();
  report("wasm call on a fiber, host returns", best_seconds(1, [&] { calls.resume(); }), iterations);
  report("wasm call on the thread's stack, host returns", best_seconds(5, [&] {
           for (int i = 0; i < iterations; ++i) sum = step(sum).take();
         }), iterations);
  return sum > 0 ? 0 : 1;
}
