// The canonical ABI's state of one component instance (CanonicalABI.md "Component Instances",
// "Table State", "Resource State"): the reentrance flags and the table of resource handles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "canonical_abi/trap.h"
#include "runtime/component/value_type.h"

namespace wasmrun::canon {

using component::ResourceType;

// The borrows lowered into one call of a lifted function; they must all be dropped before the
// call returns (Task.num_borrows).
struct CallScope {
  uint32_t num_borrows = 0;
};

// A waitable set, or one end of a stream or future (CanonicalABI.md `WaitableSet`, `CopyEnd`),
// as a slot of the handle table holds it (canonical_abi/async_builtins.h).
struct AsyncObject {
  enum class Kind : uint8_t { WaitableSet, ReadableStream, WritableStream, ReadableFuture, WritableFuture };
  enum class CopyState : uint8_t { Idle, Copying, CancellingCopy, Done };
  struct Shared {  // SharedStreamImpl / SharedFutureImpl: what both ends see
    bool dropped = false;
  };
  Kind kind = Kind::WaitableSet;
  component::ValueTypePtr type;     // an end: the stream or future type it was created with
  std::shared_ptr<Shared> shared;   // an end
  CopyState state = CopyState::Idle;
  // Waitable.wset (an end) and WaitableSet.elems (a set). Each member leaves its set before it is
  // dropped, and a set with members cannot be dropped, so neither pointer dangles.
  AsyncObject* wset = nullptr;
  std::vector<AsyncObject*> elems;
};

// One slot of an instance's table (CanonicalABI.md "Table State"): a resource handle, a handle
// to an error context (CanonicalABI.md `ErrorContext`), or a waitable set or stream/future end;
// none marks a free slot.
struct ResourceHandle {
  const ResourceType* type = nullptr;  // the resource type of a resource handle
  uint32_t rep = 0;
  bool own = false;
  uint32_t num_lends = 0;              // borrows of this handle passed to calls in flight
  CallScope* borrow_scope = nullptr;   // for a borrow: the call it was lent to
  std::shared_ptr<const std::string> error_context;  // the debug message of an error-context handle
  std::shared_ptr<AsyncObject> async;                // a waitable set or a stream/future end

  bool live() const { return type || error_context || async; }
};

// Handles by index; index 0 is never used, freed indices are reused last-in first-out.
class HandleTable {
 public:
  explicit HandleTable(uint32_t max_length) : max_length_(max_length) { entries_.resize(1); }

  // Each traps as the spec's Table does (raise TrapError).
  uint32_t add(const ResourceHandle& h);
  ResourceHandle& get(uint32_t index);
  ResourceHandle remove(uint32_t index);

  size_t live_count() const { return entries_.size() - 1 - free_.size(); }
  uint32_t max_length() const { return max_length_; }
  // Every live handle, for clean-up after a trap.
  template <class F>
  void for_each(F&& f) {
    for (uint32_t i = 1; i < entries_.size(); ++i) {
      if (entries_[i].live()) f(i, entries_[i]);
    }
  }

 private:
  std::vector<ResourceHandle> entries_;
  std::vector<uint32_t> free_;
  uint32_t max_length_;
};

class Instance {
 public:
  // The spec's Table.MAX_LENGTH is 2^28-1; we bound tables lower by default so a guest cannot
  // make the host allocate gigabytes of handles.
  static constexpr uint32_t kDefaultMaxHandles = (1u << 20) - 1;

  explicit Instance(Instance* parent = nullptr, uint32_t max_handles = kDefaultMaxHandles)
      : parent(parent), handles(max_handles) {}
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  Instance* const parent;  // the enclosing component instance, if nested
  bool may_enter = true;   // false while a call into this instance (or a child) is running
  bool may_leave = true;   // false while realloc or post-return runs
  HandleTable handles;
  // The current thread (CanonicalABI.md `Thread`): its thread-local storage (context.get/set)
  // and its index in the instance's thread table; index 0 outside any task. Only synchronous
  // tasks run here, and those of one instance never interleave (may_enter), so the running one
  // is all the state: each lifted call saves and replaces it (ImplicitThread).
  struct Thread {
    uint32_t storage[2] = {0, 0};
    uint32_t index = 0;
    // The task's function type is `async`. A task of a sync type may not block: with no other
    // thread ready, canon_lift traps (and none ever is here).
    bool async_type = false;
  };
  Thread thread;
  uint32_t backpressure = 0;  // ComponentInstance.backpressure (backpressure.inc/dec)
  // Opaque to this layer: the store the instance lives in, which the runtime sets so host
  // functions can be given their caller's store.
  void* host_context = nullptr;
};

// The implicit thread of a task entering `inst` (Task.enter_implicit_thread and
// exit_implicit_thread for a synchronous call): fresh storage and the next thread index while
// it lives, the caller's thread of the same instance (a destructor's caller) restored after.
class ImplicitThread {
 public:
  explicit ImplicitThread(Instance& inst, bool async_type = false) : inst_(inst), saved_(inst.thread) {
    // Threads of one instance nest here, so the table's LIFO free list hands out the index
    // after the enclosing thread's.
    inst.thread = Instance::Thread{{0, 0}, saved_.index + 1, async_type};
  }
  ~ImplicitThread() { inst_.thread = saved_; }
  ImplicitThread(const ImplicitThread&) = delete;
  ImplicitThread& operator=(const ImplicitThread&) = delete;

 private:
  Instance& inst_;
  Instance::Thread saved_;
};

// Reentrance (Store.lift: may_enter_from / enter_from / leave_to): entering `callee` from
// `caller` (null: the host) enters every instance of callee and its ancestors that is not also
// an ancestor of the caller.
bool may_enter_from(const Instance& callee, const Instance* caller);
void set_entered(Instance& callee, const Instance* caller, bool entered);

// Whether a lifted function of `callee` may be called from `caller` (null: the host) now: it
// may be entered, and the two are not the same instance nor one an ancestor of the other.
// The spec (definitions.py) allows such "donut wrapping" calls, but its test suite traps on
// them "for now" (test/async/trap-on-reenter.wast), as Wasmtime does, with "cannot enter
// component instance"; we follow the tests and Wasmtime.
bool may_call(const Instance& callee, const Instance* caller);

// Messages for handle traps, worded as Wasmtime's.
[[noreturn]] void raise_wrong_type(uint32_t index, const ResourceType& expected, const ResourceType& found);

}  // namespace wasmrun::canon
