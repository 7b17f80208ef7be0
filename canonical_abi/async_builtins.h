// The built-ins of component-model-async (🔀) and cooperative threading (🧵) (CanonicalABI.md
// "Canonical definitions": task.*, subtask.*, context.*, backpressure.*, waitable-set.*,
// waitable.join, stream.*, future.*, thread.*), called by core code of `inst`.
//
// Each performs the spec's checks in the spec's order, the `may_leave` check first where the
// spec has one. What needs no task scheduler is implemented as definitions.py does it: the
// current thread's context slots and index, the backpressure counter, waitable sets and joins,
// stream and future ends in the handle table (new, drop, a copy to a dropped peer), and every
// trap on a handle of the wrong kind or state. What needs the scheduler (blocking waits,
// suspending, copies that must wait for the other end, creating threads) traps with
// TrapCode::AsyncUnsupported after those checks.
#pragma once

#include <cstdint>

#include "canonical_abi/context.h"

namespace wasmrun::canon {

// The element type and kind a stream or future built-in was defined with (its `$stream_t` /
// `$future_t` immediate), and its options (stream/future read and write).
struct CopyBuiltin {
  component::ValueTypePtr type;  // a Stream or Future type
  CanonOptions options;
  bool async = false;            // the `async` option (read, write) or immediate (cancel-*)
};

// Thread-local storage and the thread table (🔀 context.get/set, 🧵 thread.*).
TrapOr<uint32_t> context_get(Instance& inst, uint32_t slot);
TrapOr<void> context_set(Instance& inst, uint32_t slot, uint32_t value);
TrapOr<uint32_t> thread_index(Instance& inst);
TrapOr<uint32_t> thread_yield(Instance& inst, bool cancellable);
TrapOr<uint32_t> thread_suspend(Instance& inst, bool cancellable);
TrapOr<void> thread_resume_later(Instance& inst, uint32_t thread);
// thread.suspend-then-resume, yield-then-resume, suspend-then-promote, yield-then-promote.
enum class SwitchKind : uint8_t { SuspendThenResume, YieldThenResume, SuspendThenPromote, YieldThenPromote };
TrapOr<uint32_t> thread_switch(Instance& inst, SwitchKind kind, bool cancellable, uint32_t thread);
TrapOr<uint32_t> thread_new_indirect(Instance& inst, uint32_t func_index, uint32_t context);

// Backpressure and the current task.
TrapOr<void> backpressure_inc(Instance& inst);
TrapOr<void> backpressure_dec(Instance& inst);
TrapOr<void> task_return(Instance& inst);
TrapOr<void> task_cancel(Instance& inst);

// Waitable sets and subtasks.
TrapOr<uint32_t> waitable_set_new(Instance& inst);
TrapOr<uint32_t> waitable_set_wait(Instance& inst, const CanonOptions& opts, bool cancellable, uint32_t set, uint32_t ptr);
TrapOr<uint32_t> waitable_set_poll(Instance& inst, const CanonOptions& opts, bool cancellable, uint32_t set, uint32_t ptr);
TrapOr<void> waitable_set_drop(Instance& inst, uint32_t set);
TrapOr<void> waitable_join(Instance& inst, uint32_t waitable, uint32_t set);
TrapOr<uint32_t> subtask_cancel(Instance& inst, bool async, uint32_t subtask);
TrapOr<void> subtask_drop(Instance& inst, uint32_t subtask);

// Streams and futures. new returns the readable end's index in the low 32 bits and the
// writable end's in the high 32.
TrapOr<uint64_t> stream_or_future_new(Instance& inst, const CopyBuiltin& b);
// stream.read/write (`count` elements at `ptr`) and future.read/write (count 1).
TrapOr<uint32_t> copy(Instance& inst, const CopyBuiltin& b, bool write, uint32_t end, uint32_t ptr, uint32_t count);
TrapOr<uint32_t> cancel_copy(Instance& inst, const CopyBuiltin& b, bool write, uint32_t end);
TrapOr<void> drop_end(Instance& inst, const CopyBuiltin& b, bool writable, uint32_t end);

}  // namespace wasmrun::canon
