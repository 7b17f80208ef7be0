#include "canonical_abi/async_builtins.h"

#include <fmt/format.h>

#include <algorithm>

#include "canonical_abi/values.h"

namespace wasmrun::canon {

namespace {

using Kind = AsyncObject::Kind;
using CopyState = AsyncObject::CopyState;

void check_may_leave(const Instance& inst) {
  if (!inst.may_leave) raise(TrapCode::CannotLeave, "cannot leave component instance");
}

// The current thread blocks (Thread.block_internal). In a task of a sync function type that is
// a trap: canon_lift finds no other thread ready to run (there never is one here). Otherwise the
// scheduler would run something else meanwhile.
[[noreturn]] void block(const Instance& inst, std::string_view what);

[[noreturn]] void needs_scheduler(std::string_view what) {
  raise(TrapCode::AsyncUnsupported,
        fmt::format("{} needs the component-model-async runtime (a task scheduler), which is not supported", what));
}

void block(const Instance& inst, std::string_view what) {
  if (!inst.thread.async_type) raise(TrapCode::AsyncState, "cannot block a synchronous task before returning");
  needs_scheduler(what);
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::WaitableSet: return "a waitable set";
    case Kind::ReadableStream: return "the readable end of a stream";
    case Kind::WritableStream: return "the writable end of a stream";
    case Kind::ReadableFuture: return "the readable end of a future";
    case Kind::WritableFuture: return "the writable end of a future";
  }
  return "an async handle";
}

const char* handle_name(const ResourceHandle& h) {
  if (h.async) return kind_name(h.async->kind);
  return h.error_context ? "an error-context" : "a resource";
}

// The async object at `index`, which must be of kind `want` (Table.get then isinstance).
AsyncObject& get(Instance& inst, uint32_t index, Kind want) {
  ResourceHandle& h = inst.handles.get(index);
  if (!h.async || h.async->kind != want) {
    raise(TrapCode::WrongHandleType, fmt::format("handle index {} used with the wrong type, expected {} but found {}",
                                                 index, kind_name(want), handle_name(h)));
  }
  return *h.async;
}

// The current thread (current_thread()); built-ins reach it only from inside a task.
Instance::Thread& current_thread(Instance& inst, std::string_view builtin) {
  if (inst.thread.index == 0) raise(TrapCode::AsyncState, fmt::format("`{}` called outside of a task", builtin));
  return inst.thread;
}

// Structural equality of value types (the spec's `e.shared.t != stream_t.t`); resources by identity.
bool same_type(const component::ValueType* a, const component::ValueType* b) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind || a->length != b->length || a->names != b->names ||
      a->resource != b->resource || a->fields.size() != b->fields.size() || a->cases.size() != b->cases.size())
    return false;
  if (!same_type(a->element.get(), b->element.get()) || !same_type(a->ok.get(), b->ok.get()) ||
      !same_type(a->err.get(), b->err.get()))
    return false;
  for (size_t i = 0; i < a->fields.size(); ++i) {
    if (a->fields[i].name != b->fields[i].name || !same_type(a->fields[i].type.get(), b->fields[i].type.get())) return false;
  }
  for (size_t i = 0; i < a->cases.size(); ++i) {
    if (a->cases[i].name != b->cases[i].name || !same_type(a->cases[i].type.get(), b->cases[i].type.get())) return false;
  }
  return true;
}

// The end at `index` for a stream or future built-in: of the right kind and element type.
AsyncObject& end_at(Instance& inst, const CopyBuiltin& b, uint32_t index, Kind want) {
  AsyncObject& e = get(inst, index, want);
  if (!same_type(e.type->element.get(), b.type->element.get())) {
    raise(TrapCode::WrongHandleType,
          fmt::format("handle index {} is {} of another element type than the built-in's `{}`", index,
                      kind_name(want), describe(*b.type)));
  }
  return e;
}

bool is_stream(const CopyBuiltin& b) { return b.type->kind == component::ValueKind::Stream; }

// The end a read or write built-in, its cancel or a drop acts on (`write`: the writable end).
Kind copy_end(const CopyBuiltin& b, bool write) {
  if (is_stream(b)) return write ? Kind::WritableStream : Kind::ReadableStream;
  return write ? Kind::WritableFuture : Kind::ReadableFuture;
}

// Waitable.join: leaves the set it is in, then joins `set` (none: null).
void join(AsyncObject& w, AsyncObject* set) {
  if (w.wset) std::erase(w.wset->elems, &w);
  w.wset = set;
  if (set) set->elems.push_back(&w);
}

// The event fields written by waitable-set.wait/poll (unpack_event): two u32 at `ptr`.
void store_event(Instance& inst, const CanonOptions& opts, uint32_t ptr, uint32_t p1, uint32_t p2) {
  Cx cx(opts, inst);
  cx.check_pointer(ptr, 4, 8, Cx::What::Value);
  store_le<uint32_t>(cx.at(ptr), p1);
  store_le<uint32_t>(cx.at(ptr + 4), p2);
}

constexpr uint32_t kCopyDropped = 1;        // CopyResult.DROPPED
constexpr uint32_t kMaxBufferLength = (1u << 28) - 1;  // Buffer.MAX_LENGTH

}  // namespace

TrapOr<uint32_t> context_get(Instance& inst, uint32_t slot) {
  return catch_trap([&] { return current_thread(inst, "context.get").storage[slot]; });
}

TrapOr<void> context_set(Instance& inst, uint32_t slot, uint32_t value) {
  return catch_trap([&] { current_thread(inst, "context.set").storage[slot] = value; });
}

TrapOr<uint32_t> thread_index(Instance& inst) {
  return catch_trap([&] {
    check_may_leave(inst);
    return current_thread(inst, "thread.index").index;
  });
}

TrapOr<uint32_t> thread_yield(Instance& inst, bool) {
  return catch_trap([&] {
    check_may_leave(inst);
    current_thread(inst, "thread.yield");
    // Thread.yield_ waits until ready, which it is at once; with no other thread or task
    // runnable (a synchronous task has no pending cancellation) it resumes with FALSE.
    return 0u;
  });
}

TrapOr<uint32_t> thread_suspend(Instance& inst, bool) {
  return catch_trap([&]() -> uint32_t {
    check_may_leave(inst);
    current_thread(inst, "thread.suspend");
    block(inst, "`thread.suspend` (resumed only by another thread)");
  });
}

namespace {
// inst.threads.get(i): the only threads here are the running implicit threads 1..current.
void check_thread(Instance& inst, uint32_t thread, bool must_be_suspended) {
  uint32_t current = inst.thread.index;
  if (thread == 0 || thread > current) raise(TrapCode::UnknownHandle, fmt::format("unknown thread index {}", thread));
  if (must_be_suspended) raise(TrapCode::AsyncState, fmt::format("thread {} is not suspended", thread));
}
}  // namespace

TrapOr<void> thread_resume_later(Instance& inst, uint32_t thread) {
  return catch_trap([&] {
    check_may_leave(inst);
    check_thread(inst, thread, true);
  });
}

TrapOr<uint32_t> thread_switch(Instance& inst, SwitchKind kind, bool, uint32_t thread) {
  return catch_trap([&]() -> uint32_t {
    check_may_leave(inst);
    current_thread(inst, "thread switch");
    bool promote = kind == SwitchKind::SuspendThenPromote || kind == SwitchKind::YieldThenPromote;
    check_thread(inst, thread, !promote);
    // Promoting a thread that is not ready (every thread here runs) falls back to suspend or yield.
    if (kind == SwitchKind::YieldThenPromote) return 0u;
    block(inst, "`thread.suspend-then-promote` (resumed only by another thread)");
  });
}

TrapOr<uint32_t> thread_new_indirect(Instance& inst, uint32_t, uint32_t) {
  return catch_trap([&]() -> uint32_t {
    check_may_leave(inst);
    needs_scheduler("`thread.new-indirect` (a thread is run by the scheduler)");
  });
}

TrapOr<void> backpressure_inc(Instance& inst) {
  return catch_trap([&] {
    if (++inst.backpressure == (1u << 16)) {
      --inst.backpressure;
      raise(TrapCode::AsyncState, "backpressure counter overflow");
    }
  });
}

TrapOr<void> backpressure_dec(Instance& inst) {
  return catch_trap([&] {
    // Wasmtime words both ways out of [0, 2^16) as an overflow.
    if (inst.backpressure == 0) raise(TrapCode::AsyncState, "backpressure counter overflow (below zero)");
    --inst.backpressure;
  });
}

// Only synchronous tasks run here (an async-lifted function traps AsyncUnsupported when called),
// so `trap_if(not task.opts.async_)` always holds.
TrapOr<void> task_return(Instance& inst) {
  return catch_trap([&] {
    check_may_leave(inst);
    current_thread(inst, "task.return");
    raise(TrapCode::AsyncState, "`task.return` called by a synchronously-lifted function");
  });
}

TrapOr<void> task_cancel(Instance& inst) {
  return catch_trap([&] {
    check_may_leave(inst);
    current_thread(inst, "task.cancel");
    raise(TrapCode::AsyncState, "`task.cancel` called by a synchronously-lifted function");
  });
}

TrapOr<uint32_t> waitable_set_new(Instance& inst) {
  return catch_trap([&] {
    check_may_leave(inst);
    ResourceHandle h;
    h.async = std::make_shared<AsyncObject>();
    return inst.handles.add(h);
  });
}

TrapOr<uint32_t> waitable_set_wait(Instance& inst, const CanonOptions&, bool, uint32_t set, uint32_t) {
  return catch_trap([&]() -> uint32_t {
    check_may_leave(inst);
    get(inst, set, Kind::WaitableSet);
    current_thread(inst, "waitable-set.wait");
    block(inst, "`waitable-set.wait` (blocking until an event)");
  });
}

TrapOr<uint32_t> waitable_set_poll(Instance& inst, const CanonOptions& opts, bool, uint32_t set, uint32_t ptr) {
  return catch_trap([&] {
    check_may_leave(inst);
    get(inst, set, Kind::WaitableSet);
    current_thread(inst, "waitable-set.poll");
    // No waitable here ever has a pending event (every copy either completes at once or traps),
    // and a synchronous task is never cancelled: EventCode.NONE.
    store_event(inst, opts, ptr, 0, 0);
    return 0u;
  });
}

TrapOr<void> waitable_set_drop(Instance& inst, uint32_t set) {
  return catch_trap([&] {
    check_may_leave(inst);
    AsyncObject& s = get(inst, set, Kind::WaitableSet);
    if (!s.elems.empty()) raise(TrapCode::AsyncState, "cannot drop a waitable set that still has waitables in it");
    inst.handles.remove(set);
  });
}

TrapOr<void> waitable_join(Instance& inst, uint32_t waitable, uint32_t set) {
  return catch_trap([&] {
    check_may_leave(inst);
    ResourceHandle& h = inst.handles.get(waitable);
    if (!h.async || h.async->kind == Kind::WaitableSet) {
      raise(TrapCode::WrongHandleType,
            fmt::format("handle index {} used with the wrong type, expected a waitable but found {}", waitable, handle_name(h)));
    }
    AsyncObject& w = *h.async;
    join(w, set == 0 ? nullptr : &get(inst, set, Kind::WaitableSet));
  });
}

// No subtask is ever created here (an async lower traps AsyncUnsupported), so every index is
// not a subtask: the spec's `trap_if(not isinstance(subtask, Subtask))`.
TrapOr<uint32_t> subtask_cancel(Instance& inst, bool, uint32_t subtask) {
  return catch_trap([&]() -> uint32_t {
    check_may_leave(inst);
    ResourceHandle& h = inst.handles.get(subtask);
    raise(TrapCode::WrongHandleType,
          fmt::format("handle index {} used with the wrong type, expected a subtask but found {}", subtask, handle_name(h)));
  });
}

TrapOr<void> subtask_drop(Instance& inst, uint32_t subtask) {
  return catch_trap([&] {
    check_may_leave(inst);
    ResourceHandle& h = inst.handles.get(subtask);
    raise(TrapCode::WrongHandleType,
          fmt::format("handle index {} used with the wrong type, expected a subtask but found {}", subtask, handle_name(h)));
  });
}

TrapOr<uint64_t> stream_or_future_new(Instance& inst, const CopyBuiltin& b) {
  return catch_trap([&] {
    check_may_leave(inst);
    bool stream = is_stream(b);
    auto shared = std::make_shared<AsyncObject::Shared>();
    auto end = [&](Kind kind) {
      ResourceHandle h;
      h.async = std::make_shared<AsyncObject>();
      h.async->kind = kind;
      h.async->type = b.type;
      h.async->shared = shared;
      return inst.handles.add(h);
    };
    uint64_t readable = end(stream ? Kind::ReadableStream : Kind::ReadableFuture);
    uint64_t writable = end(stream ? Kind::WritableStream : Kind::WritableFuture);
    return readable | (writable << 32);
  });
}

TrapOr<uint32_t> copy(Instance& inst, const CopyBuiltin& b, bool write, uint32_t index, uint32_t ptr, uint32_t count) {
  return catch_trap([&]() -> uint32_t {
    check_may_leave(inst);
    bool stream = is_stream(b);
    Kind want = copy_end(b, write);
    AsyncObject& e = end_at(inst, b, index, want);
    if (e.state != CopyState::Idle) raise(TrapCode::AsyncState, fmt::format("{} {} is not idle", kind_name(want), index));
    if (e.wset && !b.async) raise(TrapCode::AsyncState, "waitable cannot be used synchronously while added to a waitable set");
    // BufferGuestImpl: the buffer must fit in memory, aligned for the element type.
    if (count > kMaxBufferLength) raise(TrapCode::TooLong, "stream buffer length exceeds the maximum");
    if (const component::ValueType* t = b.type->element.get(); t && count > 0) {
      Cx cx(b.options, inst);
      cx.check_pointer(ptr, alignment(*t), uint64_t(count) * elem_size(*t), Cx::What::List);
    }
    // The other end was dropped: the copy is done at once (SharedStreamImpl.read/write,
    // SharedFutureImpl.write), with nothing copied.
    if (e.shared->dropped) {
      e.state = CopyState::Done;
      return kCopyDropped;
    }
    // The copy waits for the other end: a synchronous one blocks; an async one returns BLOCKED
    // and completes when the scheduler runs the other end's task.
    std::string what = fmt::format("`{}.{}` (a copy that waits for the other end)", stream ? "stream" : "future",
                                   write ? "write" : "read");
    if (!b.async) block(inst, what);
    needs_scheduler(what);
  });
}

TrapOr<uint32_t> cancel_copy(Instance& inst, const CopyBuiltin& b, bool write, uint32_t index) {
  return catch_trap([&]() -> uint32_t {
    check_may_leave(inst);
    Kind want = copy_end(b, write);
    AsyncObject& e = end_at(inst, b, index, want);
    // No copy stays in progress here, so there is never one to cancel.
    if (e.state != CopyState::Copying)
      raise(TrapCode::AsyncState, fmt::format("no copy in progress on {} {} to cancel", kind_name(want), index));
    needs_scheduler("cancelling a copy");
  });
}

TrapOr<void> drop_end(Instance& inst, const CopyBuiltin& b, bool writable, uint32_t index) {
  return catch_trap([&] {
    check_may_leave(inst);
    Kind want = copy_end(b, writable);
    AsyncObject& e = end_at(inst, b, index, want);
    if (e.state == CopyState::Copying || e.state == CopyState::CancellingCopy)
      raise(TrapCode::AsyncState, fmt::format("cannot drop {} {} while a copy is in progress", kind_name(want), index));
    // WritableFutureEnd.drop: a future's value must have been written (or its reader gone).
    if (want == Kind::WritableFuture && e.state != CopyState::Done)
      raise(TrapCode::AsyncState, fmt::format("cannot drop the writable end of a future {} before it is written", index));
    e.shared->dropped = true;
    join(e, nullptr);
    inst.handles.remove(index);
  });
}

}  // namespace wasmrun::canon
