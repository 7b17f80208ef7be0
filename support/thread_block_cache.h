// Blocks of one size given back on a thread, handed out again to the next user on that thread.
// Objects made at the request rate (an instantiation's first arena block and function block, an
// HTTP exchange) would otherwise go through malloc each time: a block of a kilobyte or more makes
// glibc consolidate its fast bins, and dozens of live ones outgrow its per-thread cache.
// Bounded, so that a burst does not keep its memory for good. Under AddressSanitizer every block
// goes back to malloc, so that a use after free is still seen.
#pragma once

#include <cstddef>
#include <new>

namespace wasmrun {

template <size_t kBlockBytes, size_t kMaxBlocks = 64>
class ThreadBlockCache {
  static_assert(kBlockBytes >= sizeof(void*));

 public:
  static void* take() {
    if (kKeep && !gone_ && cache_.head) return cache_.pop();
    return ::operator new(kBlockBytes);
  }
  static void give(void* block) {
    if (kKeep && !gone_ && cache_.count < kMaxBlocks) return cache_.push(block);
    ::operator delete(block);
  }

 private:
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  static constexpr bool kKeep = false;
#else
  static constexpr bool kKeep = true;
#endif
#else
  static constexpr bool kKeep = true;
#endif
  struct Free {
    Free* next;
  };
  struct Cache {
    Free* head = nullptr;
    size_t count = 0;
    void* pop() {
      Free* f = head;
      head = f->next;
      --count;
      return f;
    }
    void push(void* block) {
      head = new (block) Free{head};
      ++count;
    }
    ~Cache() {
      while (head) ::operator delete(pop());
      gone_ = true;
    }
  };
  static inline thread_local Cache cache_;
  // Set when the thread's cache is destroyed (thread exit): blocks freed later go to malloc.
  // Trivially destructible, so it stays readable until the thread ends.
  static inline thread_local bool gone_ = false;
};

}  // namespace wasmrun
