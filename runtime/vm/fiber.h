// Stackful fibers (DESIGN §7): a body that runs on its own stack and can suspend anywhere — deep
// inside a host function that wasm called — handing control back to whoever resumed it. The wasi
// host runs each guest on one, so a guest waiting in wasi:io/poll yields to the event loop.
//
// Each fiber owns an mmap'd stack with an inaccessible guard page below it, and its own
// ExecutionStack (runtime/vm/trap.h): while it runs, traps unwind only its wasm frames, and the
// stores it entered check its stack's limit. Context switches are Boost.Context's fcontext.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/vm/trap.h"
#include "wasmrun/expected.h"
#include "wasmrun/move_only_function.h"

namespace wasmrun::vm {

class Fiber {
 public:
  static constexpr size_t kMinStackSize = 2 * kHostStackReserve;

  // A fiber that will run `body` on a stack of `stack_size` bytes (rounded up to pages). Nothing
  // runs until the first resume().
  static Expected<std::unique_ptr<Fiber>> create(MoveOnlyFunction<void()> body, size_t stack_size);
  // A fiber suspended inside its body is first resumed with suspend() returning false, so the
  // body can unwind (a waiting host function fails, wasm traps out); it must then finish without
  // waiting again: suspend() keeps returning false at once.
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the body until it suspends or returns. Call it on the thread that created the fiber,
  // never from inside the fiber itself, and not once it is done (both are no-ops).
  void resume();
  bool done() const { return state_ == State::Done; }
  bool running() const { return state_ == State::Running; }
  // True once destruction began: the body is unwinding (see ~Fiber). A host function called by
  // wasm that returns on such a fiber traps, so the guest cannot run on (libcalls.cpp).
  bool cancelling() const { return cancelling_; }
  // The public wasmrun::Fiber that owns this one (it follows moves of its owner).
  void* owner() const { return owner_; }
  void set_owner(void* owner) { owner_ = owner; }

  // From inside a fiber's body: switches back to the resumer. Returns true when resumed again,
  // false when the fiber is being destroyed. Outside any fiber it returns false at once.
  static bool suspend();
  // The innermost fiber running on this thread, or nullptr on the thread's own stack.
  static Fiber* current();

 private:
  enum class State { Created, Running, Suspended, Done };
  struct Stack {
    uint8_t* mapping = nullptr;  // guard page, then the usable stack
    size_t mapping_size = 0;
    uint8_t* bottom() const;
    size_t size() const;
  };

  friend struct FiberEntry;  // the first frame on the fiber's stack (fiber.cpp)

  Fiber(MoveOnlyFunction<void()> body, Stack stack);

  MoveOnlyFunction<void()> body_;
  Stack stack_;
  ExecutionStack execution_;
  State state_ = State::Created;
  bool cancelling_ = false;
  void* context_ = nullptr;  // the fiber's saved context while it is not running
  void* resumer_ = nullptr;  // the resumer's saved context while the fiber runs
  Fiber* outer_ = nullptr;   // the fiber (or nullptr: the thread) that resumed this one
  void* owner_ = nullptr;
  // AddressSanitizer's view of the resumer's stack, to switch back to it.
  const void* resumer_stack_bottom_ = nullptr;
  size_t resumer_stack_size_ = 0;
};

}  // namespace wasmrun::vm
