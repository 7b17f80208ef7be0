// Fibers: run a guest on its own stack so it can wait without holding the thread. A host
// function that wasm called may call Fiber::suspend(); control returns to whoever called
// resume() (an event loop, typically), and the next resume() continues inside that host function
// as if the call had just returned. Many fibers can be suspended in wasm on one thread at once.
//
//   auto fiber = wasmrun::Fiber::create([&] { result = handler(request); }).take();
//   fiber.resume();          // runs until the guest waits (a host function suspends) or ends
//   ...                      // later, when what it waits for is ready:
//   if (!fiber.done()) fiber.resume();
//
// What holds on a fiber (it has its own stack with a guard page below it):
// - A trap unwinds only the running fiber's wasm frames, back to the host call that entered
//   wasm on that fiber; other fibers suspended in wasm on the same thread are untouched.
// - Stack exhaustion is a "call stack exhausted" trap: wasm may use the fiber's stack down to
//   128 KiB above its bottom (kept for host functions), and at most Config::max_wasm_stack per
//   entry. Give a fiber a stack of max_wasm_stack plus a few hundred KiB for full depth.
// - Epoch interruption works as on the thread's stack.
// Rules: resume a fiber only on the thread that created it, never from inside itself; the body
// must not throw (the process aborts); destroy a fiber suspended in wasm before the Store it
// runs in (its destruction unwinds through that store). A fiber is not thread-safe.
#pragma once

#include <cstddef>
#include <memory>

#include "wasmrun/expected.h"
#include "wasmrun/move_only_function.h"

namespace wasmrun {

namespace vm {
class Fiber;
}

class Fiber {
 public:
  static constexpr size_t kDefaultStackSize = size_t(2) << 20;
  // The smallest stack a fiber accepts (the host reserve twice over).
  static constexpr size_t kMinStackSize = size_t(256) << 10;

  // A fiber that will run `body` on a fresh stack of `stack_size` bytes (rounded up to whole
  // pages; committed only as it is touched). Nothing runs until the first resume(). Fails when
  // the stack cannot be mapped or is smaller than kMinStackSize.
  static Expected<Fiber> create(MoveOnlyFunction<void()> body, size_t stack_size = kDefaultStackSize);

  Fiber(Fiber&&) noexcept;
  Fiber& operator=(Fiber&&) noexcept;
  // Destroying a fiber that is suspended first resumes it once with suspend() returning false:
  // the code that waited must give up and return, and the host function that wasm called then
  // fails, so the guest traps out; the body must then return without waiting again. Never
  // destroy a fiber from inside itself.
  ~Fiber();

  // Runs the body until it suspends or returns. No-op when done or when called from inside this
  // fiber.
  void resume();
  // True once the body returned.
  bool done() const;

  // From inside a fiber's body (at any depth, including a host function called by wasm):
  // returns control to the resume() that ran it. Returns true when resumed, false when the fiber
  // is being destroyed (see ~Fiber) or when not called on a fiber (nothing to suspend).
  static bool suspend();
  // True when the calling code runs on a fiber.
  static bool on_fiber();
  // The fiber the calling code runs on (the innermost, when one resumed another), or nullptr on
  // the thread's own stack. For code that suspends and arranges its own resume(), such as a
  // waiter that hands the fiber to an event loop.
  static Fiber* current();

 private:
  explicit Fiber(std::unique_ptr<vm::Fiber> impl);
  std::unique_ptr<vm::Fiber> impl_;
};

}  // namespace wasmrun
