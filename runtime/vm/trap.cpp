#include "runtime/vm/trap.h"

#include <ucontext.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "runtime/vm/code_registry.h"

namespace wasmrun::vm {

constexpr size_t kMaxFrames = 32;

struct Activation {
  jmp_buf jump;
  // Where a trap jumps: `jump`, or the jump buffer of a nested entry into the same store that
  // shares this activation (call_with_trap_handler's fast path).
  jmp_buf* target;
  Activation* previous;
  VMStoreContext* store;  // the store entered, and the stack limit its prologues check here
  uintptr_t stack_limit;
  TrapCode code;
  std::string host_message;
  uintptr_t entry_frame;  // frame address of the host entry point: backtraces stop here
  uintptr_t pcs[kMaxFrames];  // pcs[0] where the trap happened, then return addresses
  size_t frame_count = 0;
  bool fault_pc = false;      // pcs[0] is the faulting instruction itself, not a return address
  uint32_t exit_status = 0;
  std::optional<uint32_t> element_index;  // UninitializedElement from call_indirect
};

namespace {

thread_local ExecutionStack tls_thread_stack;
thread_local ExecutionStack* tls_stack = nullptr;  // nullptr: tls_thread_stack

ExecutionStack& current_stack() { return tls_stack ? *tls_stack : tls_thread_stack; }
Activation* innermost_activation() { return current_stack().innermost; }


// Regions are few (one per live linear memory) and read from a signal handler, so they live in
// a fixed array of atomics rather than behind a lock.
struct Region {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
};
constexpr size_t kMaxRegions = 1 << 15;
std::array<Region, kMaxRegions> g_regions;
std::atomic<size_t> g_regions_used{0};  // high-water mark of the slots ever used
std::mutex g_regions_mutex;             // serialises writers only

bool in_guarded_region(uintptr_t address) {
  size_t used = g_regions_used.load(std::memory_order_acquire);
  for (size_t i = 0; i < used; ++i) {
    const Region& r = g_regions[i];
    uintptr_t begin = r.begin.load(std::memory_order_acquire);
    if (begin != 0 && address >= begin && address < r.end.load(std::memory_order_acquire)) return true;
  }
  return false;
}

struct sigaction g_previous_segv, g_previous_bus;

// Records the trapping pc and the return addresses found by following saved frame pointers (JIT
// code keeps them) up to the entry point. Only reads stack memory between the trapping frame and
// the entry frame, so it is safe in a signal handler.
void record_frames(Activation* a, uintptr_t pc, uintptr_t frame) {
  a->frame_count = 0;
  a->pcs[a->frame_count++] = pc;
  while (a->frame_count < kMaxFrames && frame != 0 && frame % sizeof(uintptr_t) == 0 && frame < a->entry_frame) {
    const uintptr_t* slots = reinterpret_cast<const uintptr_t*>(frame);
    uintptr_t caller_frame = slots[0];
    a->pcs[a->frame_count++] = slots[1];
    if (caller_frame <= frame) break;  // frames grow up the stack; anything else is not a chain
    frame = caller_frame;
  }
}

// A fault in the guard page of the running fiber's stack while wasm runs on it: wasm overflowed
// the stack despite the prologue checks (a frame larger than the host reserve).
bool in_stack_guard(const ExecutionStack& stack, uintptr_t address) {
  return address >= stack.guard_begin && address < stack.guard_end;
}

void fault_handler(int signal, siginfo_t* info, void* context) {
  const ExecutionStack& stack = current_stack();
  Activation* a = stack.innermost;
  uintptr_t address = reinterpret_cast<uintptr_t>(info->si_addr);
  bool overflow = a && in_stack_guard(stack, address);
  if (a && (overflow || in_guarded_region(address))) {
    a->code = overflow ? TrapCode::StackOverflow : TrapCode::MemoryOutOfBounds;
    a->fault_pc = true;
    auto* uc = static_cast<ucontext_t*>(context);
#if defined(__x86_64__)
    record_frames(a, uc->uc_mcontext.gregs[REG_RIP], uc->uc_mcontext.gregs[REG_RBP]);
#elif defined(__aarch64__)
    record_frames(a, uc->uc_mcontext.pc, uc->uc_mcontext.regs[29]);
#endif
    // SA_NODEFER keeps the signal unblocked, so a plain longjmp is enough.
    longjmp(*a->target, 1);
  }
  // Not ours: restore the previous disposition and let the fault happen again.
  sigaction(signal, signal == SIGSEGV ? &g_previous_segv : &g_previous_bus, nullptr);
}

// Each thread that runs wasm gets an alternate signal stack, so a fault on an exhausted native
// stack can still be reported instead of killing the process silently.
void ensure_alternate_stack() {
  thread_local bool installed = false;
  if (installed) return;
  installed = true;
  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;
  static constexpr size_t kSize = 64 * 1024;
  thread_local std::unique_ptr<uint8_t[]> stack(new uint8_t[kSize]);
  stack_t s{};
  s.ss_sp = stack.get();
  s.ss_size = kSize;
  sigaltstack(&s, nullptr);
}

void install_fault_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa{};
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_previous_segv);
    sigaction(SIGBUS, &sa, &g_previous_bus);
  });
}

// How far down the current stack wasm may go: the lowest usable address of the stack, plus room
// for host code and signal frames below the point where wasm must stop. A fiber's is set when
// its stack is made; the thread's own is found on first use.
uintptr_t stack_floor(ExecutionStack& stack) {
  if (stack.floor == 0) {
    pthread_attr_t attr;
    void* low = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &low, &size);
      pthread_attr_destroy(&attr);
    }
    stack.floor = reinterpret_cast<uintptr_t>(low) + kHostStackReserve;
  }
  return stack.floor;
}

// The limit `store`'s prologues check on this stack: an enclosing entry into the same store on
// this stack already chose it; otherwise the budget below `here`, but never below what the stack
// can hold.
uintptr_t choose_stack_limit(ExecutionStack& stack, VMStoreContext* store, uintptr_t here, uintptr_t max_stack_bytes) {
  for (Activation* a = stack.innermost; a; a = a->previous)
    if (a->store == store) return a->stack_limit;
  uintptr_t budget = here > max_stack_bytes ? here - max_stack_bytes : 1;
  return std::max(budget, stack_floor(stack));
}

// The wasm frames of a trapped activation, inlined ones included. A return address is looked up
// one byte back, inside the call: a call to a noreturn trap routine can be a function's last
// instruction, whose return address lies past the function's end.
std::vector<Frame> backtrace(const Activation& a) {
  std::vector<Frame> frames;
  for (size_t i = 0; i < a.frame_count; ++i) {
    uintptr_t pc = i == 0 && a.fault_pc ? a.pcs[i] : a.pcs[i] - 1;
    for (Frame& frame : frames_at(pc)) frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace

namespace {

// The trap an activation caught, as a value; the activation's trap state is reset, since a
// nested entry sharing it may be followed by more.
Trap take_trap(Activation& a) {
  bool host_message = a.code == TrapCode::HostError || (is_canonical_abi(a.code) && !a.host_message.empty());
  Trap trap{a.code, host_message ? std::move(a.host_message) : std::string(trap_message(a.code)),
            backtrace(a), 0};
  if (a.element_index) trap.message += " " + std::to_string(*a.element_index);
  if (a.code == TrapCode::Exit) {
    trap.exit_status = a.exit_status;
    trap.message = "exit with status " + std::to_string(a.exit_status);
  }
  a.code = TrapCode::Unreachable;
  a.host_message.clear();
  a.frame_count = 0;
  a.fault_pc = false;
  a.exit_status = 0;
  a.element_index.reset();
  return trap;
}

// A nested entry into the store of the innermost activation (wasm -> host -> the same store's
// wasm): the handlers are installed and the stack limit is chosen already, so only the jump
// target and the backtrace's end move here for the duration of `body`.
std::optional<Trap> call_in_activation(Activation& a, void (*body)(void*), void* arg) {
  jmp_buf jump;
  jmp_buf* saved_target = a.target;
  uintptr_t saved_entry_frame = a.entry_frame;
  a.target = &jump;
  a.entry_frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (setjmp(jump) == 0) {
    body(arg);
    a.target = saved_target;
    a.entry_frame = saved_entry_frame;
    return std::nullopt;
  }
  a.target = saved_target;
  a.entry_frame = saved_entry_frame;
  return take_trap(a);
}

}  // namespace

std::optional<Trap> call_with_trap_handler(VMStoreContext* store, uintptr_t max_stack_bytes, void (*body)(void*),
                                           void* arg) {
  // The stack this entry runs on stays current for its whole life: a fiber that suspends inside
  // takes its ExecutionStack along and brings it back when it resumes.
  ExecutionStack& stack = current_stack();
  if (stack.innermost && stack.innermost->store == store) return call_in_activation(*stack.innermost, body, arg);
  install_fault_handlers();
  ensure_alternate_stack();
  Activation activation;
  activation.target = &activation.jump;
  activation.previous = stack.innermost;
  activation.store = store;
  activation.code = TrapCode::Unreachable;
  activation.entry_frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  activation.stack_limit = choose_stack_limit(stack, store, activation.entry_frame, max_stack_bytes);

  // Another stack (a suspended fiber, say) may have left its own limit in the store: put it back
  // on the way out; switch_execution_stack re-applies limits when stacks change.
  uintptr_t saved_limit = store->stack_limit;
  store->stack_limit = activation.stack_limit;
  stack.innermost = &activation;
  if (setjmp(activation.jump) == 0) {
    body(arg);
    stack.innermost = activation.previous;
    store->stack_limit = saved_limit;
    return std::nullopt;
  }
  stack.innermost = activation.previous;
  store->stack_limit = saved_limit;
  return take_trap(activation);
}

void raise_trap(TrapCode code, uintptr_t pc, uintptr_t frame) {
  Activation* a = innermost_activation();
  if (!a) {
    std::fprintf(stderr, "wasmrun: trap '%s' raised outside wasm execution\n", trap_message(code));
    std::abort();
  }
  a->code = code;
  if (frame) record_frames(a, pc, frame);
  else a->frame_count = 0;
  longjmp(*a->target, 1);
}

void raise_uninitialized_element(uint32_t index, uintptr_t pc, uintptr_t frame) {
  if (Activation* a = innermost_activation()) a->element_index = index;
  raise_trap(TrapCode::UninitializedElement, pc, frame);
}

void raise_host_error(std::string message, uintptr_t stub_frame, TrapCode code) {
  Activation* a = innermost_activation();
  if (!a) {
    std::fprintf(stderr, "wasmrun: host error '%s' raised outside wasm execution\n", message.c_str());
    std::abort();
  }
  a->code = code;
  a->host_message = std::move(message);
  // pcs[0] = 0 names no function; the stub's return address is the calling wasm frame.
  if (stub_frame) record_frames(a, 0, stub_frame);
  // `message` was moved from, so no destructor in this frame owns memory when we jump.
  longjmp(*a->target, 1);
}

void raise_exit(uint32_t status) {
  Activation* a = innermost_activation();
  if (!a) {
    std::fprintf(stderr, "wasmrun: exit %u requested outside wasm execution\n", status);
    std::abort();
  }
  a->code = TrapCode::Exit;
  a->exit_status = status;
  longjmp(*a->target, 1);
}

bool in_wasm_activation() { return innermost_activation() != nullptr; }

ExecutionStack* switch_execution_stack(ExecutionStack* next) {
  ExecutionStack* previous = &current_stack();
  tls_stack = next;
  for (Activation* a = current_stack().innermost; a; a = a->previous) a->store->stack_limit = a->stack_limit;
  return previous;
}

void register_guarded_region(const void* begin, size_t size) {
  std::lock_guard lock(g_regions_mutex);
  for (size_t i = 0; i < kMaxRegions; ++i) {
    Region& r = g_regions[i];
    if (r.begin.load(std::memory_order_relaxed) == 0) {
      r.end.store(reinterpret_cast<uintptr_t>(begin) + size, std::memory_order_release);
      r.begin.store(reinterpret_cast<uintptr_t>(begin), std::memory_order_release);
      if (i + 1 > g_regions_used.load(std::memory_order_relaxed)) g_regions_used.store(i + 1, std::memory_order_release);
      return;
    }
  }
  std::fprintf(stderr, "wasmrun: more than %zu linear memories are alive\n", kMaxRegions);
  std::abort();
}

void unregister_guarded_region(const void* begin) {
  std::lock_guard lock(g_regions_mutex);
  size_t used = g_regions_used.load(std::memory_order_relaxed);
  for (size_t i = 0; i < used; ++i) {
    Region& r = g_regions[i];
    if (r.begin.load(std::memory_order_relaxed) == reinterpret_cast<uintptr_t>(begin)) {
      r.begin.store(0, std::memory_order_release);
      r.end.store(0, std::memory_order_release);
      return;
    }
  }
}

}  // namespace wasmrun::vm
