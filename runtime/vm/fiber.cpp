#include "runtime/vm/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/detail/fcontext.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WASMRUN_FIBER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(WASMRUN_FIBER_ASAN)
#define WASMRUN_FIBER_ASAN 1
#endif
#ifdef WASMRUN_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace wasmrun::vm {

namespace fcontext = boost::context::detail;

namespace {

thread_local Fiber* tls_current = nullptr;

size_t page_size() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// AddressSanitizer keeps a shadow of the stack it thinks is running; it must be told of every
// switch, or it takes the other stack's frames for overflows (and a longjmp on a fiber stack for
// a wild one). `fake_stack` is null when the stack being left is never resumed.
void asan_start_switch(void** fake_stack, const void* bottom, size_t size) {
#ifdef WASMRUN_FIBER_ASAN
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}

void asan_finish_switch(void* fake_stack, const void** old_bottom, size_t* old_size) {
#ifdef WASMRUN_FIBER_ASAN
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#else
  (void)fake_stack, (void)old_bottom, (void)old_size;
#endif
}

// Freed stacks are kept per thread for the next fiber of the same size: a server makes a fiber
// per request, and a reused stack saves the mmap, mprotect, munmap and the page faults of a
// fresh one. Bounded, so a burst does not keep its memory forever.
constexpr size_t kCachedStacksPerThread = 64;

struct StackCache {
  std::vector<std::pair<uint8_t*, size_t>> stacks;  // mapping, mapping size
  ~StackCache() {
    for (auto& [mapping, size] : stacks) munmap(mapping, size);
  }
};
thread_local StackCache tls_stack_cache;

}  // namespace

uint8_t* Fiber::Stack::bottom() const { return mapping + page_size(); }
size_t Fiber::Stack::size() const { return mapping_size - page_size(); }

// The first frame on a fiber's stack: runs the body, then leaves for the last resumer for good.
struct FiberEntry {
  [[noreturn]] static void main(fcontext::transfer_t from) {
    auto* self = static_cast<Fiber*>(from.data);
    asan_finish_switch(nullptr, &self->resumer_stack_bottom_, &self->resumer_stack_size_);
    self->resumer_ = from.fctx;
    try {
      self->body_();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "wasmrun: a fiber's body threw: %s\n", e.what());
      std::abort();
    } catch (...) {
      std::fprintf(stderr, "wasmrun: a fiber's body threw\n");
      std::abort();
    }
    self->body_ = nullptr;  // what the body captured goes now, on the fiber's own stack
    self->state_ = Fiber::State::Done;
    asan_start_switch(nullptr, self->resumer_stack_bottom_, self->resumer_stack_size_);
    fcontext::jump_fcontext(self->resumer_, nullptr);
    __builtin_unreachable();
  }
};

Expected<std::unique_ptr<Fiber>> Fiber::create(MoveOnlyFunction<void()> body, size_t stack_size) {
  if (!body) return Error{"fiber: no body to run"};
  if (stack_size < kMinStackSize)
    return Error{"fiber: a stack of " + std::to_string(stack_size) + " bytes is smaller than the minimum of " +
                 std::to_string(kMinStackSize)};
  size_t page = page_size();
  size_t usable = (stack_size + page - 1) / page * page;
  Stack stack;
  stack.mapping_size = usable + page;
  auto& cache = tls_stack_cache.stacks;
  for (size_t i = 0; i < cache.size(); ++i)
    if (cache[i].second == stack.mapping_size) {
      stack.mapping = cache[i].first;
      cache[i] = cache.back();
      cache.pop_back();
      break;
    }
  if (!stack.mapping) {
    void* mapping = mmap(nullptr, stack.mapping_size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (mapping == MAP_FAILED)
      return Error{"fiber: cannot map a stack of " + std::to_string(stack.mapping_size) + " bytes: " + std::strerror(errno)};
    // The guard page: running off the stack's bottom faults instead of overwriting memory.
    if (mprotect(mapping, page, PROT_NONE) != 0) {
      int error = errno;
      munmap(mapping, stack.mapping_size);
      return Error{std::string("fiber: cannot protect a stack's guard page: ") + std::strerror(error)};
    }
    stack.mapping = static_cast<uint8_t*>(mapping);
  }
#ifdef WASMRUN_FIBER_ASAN
  // A reused stack may still carry poisoned redzones of the frames its last fiber left by longjmp.
  ASAN_UNPOISON_MEMORY_REGION(stack.bottom(), stack.size());
#endif
  return std::unique_ptr<Fiber>(new Fiber(std::move(body), stack));
}

Fiber::Fiber(MoveOnlyFunction<void()> body, Stack stack) : body_(std::move(body)), stack_(stack) {
  auto bottom = reinterpret_cast<uintptr_t>(stack_.bottom());
  execution_.floor = bottom + kHostStackReserve;
  execution_.guard_begin = reinterpret_cast<uintptr_t>(stack_.mapping);
  execution_.guard_end = bottom;
  context_ = fcontext::make_fcontext(stack_.bottom() + stack_.size(), stack_.size(), &FiberEntry::main);
}

Fiber::~Fiber() {
  if (state_ == State::Running) {
    std::fprintf(stderr, "wasmrun: a fiber was destroyed while it runs\n");
    std::abort();
  }
  if (state_ == State::Suspended) {
    // Let the body unwind: every suspend() from now on returns false at once.
    cancelling_ = true;
    resume();
    if (!done()) {
      std::fprintf(stderr, "wasmrun: a cancelled fiber did not finish\n");
      std::abort();
    }
  }
  auto& cache = tls_stack_cache.stacks;
  if (cache.size() < kCachedStacksPerThread) cache.emplace_back(stack_.mapping, stack_.mapping_size);
  else munmap(stack_.mapping, stack_.mapping_size);
}

void Fiber::resume() {
  if (state_ == State::Running || state_ == State::Done) return;
  outer_ = tls_current;
  tls_current = this;
  ExecutionStack* outer_stack = switch_execution_stack(&execution_);
  state_ = State::Running;
  void* fake_stack = nullptr;
  asan_start_switch(&fake_stack, stack_.bottom(), stack_.size());
  fcontext::transfer_t back = fcontext::jump_fcontext(context_, this);
  asan_finish_switch(fake_stack, nullptr, nullptr);
  context_ = back.fctx;
  switch_execution_stack(outer_stack);
  tls_current = outer_;
}

bool Fiber::suspend() {
  Fiber* self = tls_current;
  if (!self || self->cancelling_) return false;
  self->state_ = State::Suspended;
  void* fake_stack = nullptr;
  asan_start_switch(&fake_stack, self->resumer_stack_bottom_, self->resumer_stack_size_);
  fcontext::transfer_t from = fcontext::jump_fcontext(self->resumer_, nullptr);
  asan_finish_switch(fake_stack, &self->resumer_stack_bottom_, &self->resumer_stack_size_);
  self->resumer_ = from.fctx;
  return !self->cancelling_;
}

Fiber* Fiber::current() { return tls_current; }

}  // namespace wasmrun::vm
