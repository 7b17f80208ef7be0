// Traps (core spec §4.4.1 "trap"): how JIT code, libcalls and the fault handler stop a wasm
// computation and return control to the host entry point that started it. No C++ exception ever
// crosses JIT frames: every host->wasm entry records a jump buffer, and a trap long-jumps to the
// innermost one. Frames skipped by the jump are JIT frames and libcalls that own nothing.
#pragma once

#include <csetjmp>
#include <cstdint>
#include <optional>
#include <string>

#include "runtime/vm/vmcontext.h"
#include "wasmrun/trap.h"

namespace wasmrun::vm {

// The public trap types (include/wasmrun/trap.h) are the runtime's own.
using wasmrun::Trap;
using wasmrun::TrapCode;

// The spec interpreter's wording, which the spec tests expect.
inline const char* trap_message(TrapCode code) { return wasmrun::to_string(code); }

// Runs `body(arg)` — which enters JIT code — so that any trap raised inside returns here as a
// value. Nested entries (wasm -> host -> wasm) each catch their own traps. An entry into the
// store of the innermost activation on this stack shares that activation (handlers, stack limit)
// and sets up only its own jump target (wasm -> host -> the same store's wasm).
std::optional<Trap> call_with_trap_handler(VMStoreContext* store, uintptr_t max_stack_bytes, void (*body)(void*),
                                           void* arg);

// Raise a trap in the innermost activation. Must only be called under call_with_trap_handler,
// from a frame that owns no resources (the jump skips destructors). JIT code passes the pc and
// frame address it trapped at, so the trap carries a wasm backtrace.
[[noreturn]] void raise_trap(TrapCode code, uintptr_t pc = 0, uintptr_t frame = 0);
// A call_indirect that found table element `index` null: "uninitialized element N", as the spec
// interpreter words it.
[[noreturn]] void raise_uninitialized_element(uint32_t index, uintptr_t pc, uintptr_t frame);
// A host function failed with `message`; `stub_frame` is the frame address of the host stub
// that called it (0 when unknown), from which the trap's backtrace starts.
// `code`: HostError, or the canonical ABI trap a built-in raised (its message is `message`).
[[noreturn]] void raise_host_error(std::string message, uintptr_t stub_frame = 0, TrapCode code = TrapCode::HostError);
// Unwinds to the innermost entry point as TrapCode::Exit carrying `status`: not an error, the
// guest asked to stop (WASI proc_exit). Host functions request it through Caller::exit_status.
[[noreturn]] void raise_exit(uint32_t status);

// True while the current stack (the thread's, or the running fiber's) runs under
// call_with_trap_handler.
bool in_wasm_activation();

struct Activation;

// Stack left below the lowest wasm frame for the host functions wasm calls and for signal frames.
constexpr uintptr_t kHostStackReserve = 128 * 1024;

// Where wasm runs on this thread right now: the host->wasm entries (activations) on the current
// native stack, innermost first, and how far down that stack wasm may go. A thread's own stack has
// one; each fiber (runtime/vm/fiber.h) has its own, which is current while the fiber runs. So a
// trap unwinds only the running fiber's wasm frames, the fault handler looks at the running
// fiber's activation, and prologues check the running fiber's stack (DESIGN §3).
struct ExecutionStack {
  Activation* innermost = nullptr;
  uintptr_t floor = 0;        // wasm frames stay above this address; 0: the thread's own stack
  uintptr_t guard_begin = 0;  // [guard_begin, guard_end): the page below the stack where an
  uintptr_t guard_end = 0;    // overflow faults (fiber stacks only)
};

// Makes `next` (nullptr: the thread's own stack) current on this thread and returns the one that
// was. A store's stack limit belongs to the stack that entered it, so every store with wasm
// frames on `next` gets back the limit it had there.
ExecutionStack* switch_execution_stack(ExecutionStack* next);

// Linear-memory reservations register here so the fault handler can tell an out-of-bounds wasm
// access (a fault inside a reservation while wasm runs) from a genuine crash.
void register_guarded_region(const void* begin, size_t size);
void unregister_guarded_region(const void* begin);

}  // namespace wasmrun::vm
