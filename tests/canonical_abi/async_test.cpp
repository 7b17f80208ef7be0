// The 🔀 and 🧵 built-ins on an instance's state, without a VM (canonical_abi/async_builtins.h):
// the current thread's slots and index, backpressure, stream/future ends and waitable sets in
// the handle table, the spec's traps, and AsyncUnsupported where the scheduler is needed.
#include "canonical_abi/async_builtins.h"

#include "fixture.h"

namespace wasmrun::canon::test {

namespace {

ValueTypePtr stream_of(ValueTypePtr element) {
  ValueType t;
  t.kind = ValueKind::Stream;
  t.element = std::move(element);
  return make(std::move(t));
}

template <class T>
TrapCode code_of(const TrapOr<T>& r) {
  REQUIRE_FALSE(r.ok());
  return r.trap().code;
}

}  // namespace

TEST_CASE("async built-ins: threads nest, each with fresh storage; none outside a task") {
  Instance inst;
  CHECK(code_of(context_get(inst, 0)) == TrapCode::AsyncState);
  CHECK(code_of(thread_index(inst)) == TrapCode::AsyncState);
  {
    ImplicitThread outer(inst);
    REQUIRE(context_set(inst, 1, 7).ok());
    CHECK(*thread_index(inst) == 1);
    {
      ImplicitThread inner(inst);  // a destructor run by the same instance: a task of its own
      CHECK(*context_get(inst, 1) == 0);
      CHECK(*thread_index(inst) == 2);
      CHECK(code_of(thread_resume_later(inst, 1)) == TrapCode::AsyncState);  // running, not suspended
      CHECK(code_of(thread_resume_later(inst, 3)) == TrapCode::UnknownHandle);
    }
    CHECK(*context_get(inst, 1) == 7);
    CHECK(*thread_index(inst) == 1);
    CHECK(*thread_switch(inst, SwitchKind::YieldThenPromote, false, 1) == 0);
    // A task of a sync function type cannot block; one of an async type needs the scheduler.
    CHECK(code_of(thread_switch(inst, SwitchKind::SuspendThenPromote, false, 1)) == TrapCode::AsyncState);
    CHECK(code_of(thread_suspend(inst, true)) == TrapCode::AsyncState);
    {
      ImplicitThread async_task(inst, true);
      CHECK(code_of(thread_suspend(inst, true)) == TrapCode::AsyncUnsupported);
      CHECK(code_of(waitable_set_wait(inst, {}, false, *waitable_set_new(inst), 0)) == TrapCode::AsyncUnsupported);
    }
    CHECK(code_of(task_return(inst)) == TrapCode::AsyncState);
  }
  CHECK(inst.thread.index == 0);
}

TEST_CASE("async built-ins: may_leave is checked first") {
  Instance inst;
  ImplicitThread thread(inst);
  inst.may_leave = false;
  CopyBuiltin b{stream_of(prim(ValueKind::U8)), {}, false};
  CHECK(code_of(stream_or_future_new(inst, b)) == TrapCode::CannotLeave);
  CHECK(code_of(waitable_set_new(inst)) == TrapCode::CannotLeave);
  CHECK(code_of(subtask_drop(inst, 12345)) == TrapCode::CannotLeave);
  CHECK(code_of(thread_index(inst)) == TrapCode::CannotLeave);
  CHECK(code_of(task_cancel(inst)) == TrapCode::CannotLeave);
  // context.* and backpressure.* have no may_leave check in the spec.
  CHECK(context_set(inst, 0, 1).ok());
  CHECK(backpressure_inc(inst).ok());
  CHECK(backpressure_dec(inst).ok());
}

TEST_CASE("async built-ins: the backpressure counter stays in [0, 2^16)") {
  Instance inst;
  CHECK(code_of(backpressure_dec(inst)) == TrapCode::AsyncState);
  bool all = true;
  for (uint32_t i = 0; i < 0xffff; ++i) all = backpressure_inc(inst).ok() && all;
  CHECK(all);
  CHECK(code_of(backpressure_inc(inst)) == TrapCode::AsyncState);
  CHECK(inst.backpressure == 0xffff);
}

TEST_CASE("async built-ins: stream ends, element types and waitable sets") {
  Instance inst;
  ImplicitThread thread(inst);
  CopyBuiltin u8s{stream_of(prim(ValueKind::U8)), {}, false};
  CopyBuiltin u32s{stream_of(prim(ValueKind::U32)), {}, false};
  uint64_t ends = *stream_or_future_new(inst, u8s);
  uint32_t r = uint32_t(ends), w = uint32_t(ends >> 32);
  CHECK(r != w);
  CHECK(inst.handles.live_count() == 2);
  // A built-in for stream<u32> does not take an end of a stream<u8>.
  CHECK(code_of(drop_end(inst, u32s, false, r)) == TrapCode::WrongHandleType);
  CHECK(code_of(drop_end(inst, u8s, true, r)) == TrapCode::WrongHandleType);

  uint32_t set = *waitable_set_new(inst);
  REQUIRE(waitable_join(inst, w, set).ok());
  CHECK(code_of(waitable_join(inst, set, set)) == TrapCode::WrongHandleType);
  CHECK(code_of(waitable_set_drop(inst, set)) == TrapCode::AsyncState);
  // A synchronous copy on a member of a set traps; an async one reaches the copy.
  auto in_set = copy(inst, u8s, true, w, 0, 0);
  REQUIRE_FALSE(in_set.ok());
  CHECK(in_set.trap().message == "waitable cannot be used synchronously while added to a waitable set");
  CopyBuiltin async_u8s = u8s;
  async_u8s.async = true;
  CHECK(code_of(copy(inst, async_u8s, true, w, 0, 0)) == TrapCode::AsyncUnsupported);
  // Dropping a member takes it out of its set.
  REQUIRE(drop_end(inst, u8s, true, w).ok());
  REQUIRE(waitable_set_drop(inst, set).ok());
  // The reader sees the writer gone: DROPPED at once, then the end is done.
  CHECK(*copy(inst, u8s, false, r, 0, 0) == 1);
  CHECK(code_of(copy(inst, u8s, false, r, 0, 0)) == TrapCode::AsyncState);
  REQUIRE(drop_end(inst, u8s, false, r).ok());
  CHECK(inst.handles.live_count() == 0);
  CHECK(code_of(subtask_cancel(inst, false, 1)) == TrapCode::UnknownHandle);
}

}  // namespace wasmrun::canon::test
