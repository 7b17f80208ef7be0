// Blocks of one size given back on a thread, handed out again to the next user on that thread.
// A fresh malloc of a block of a kilobyte or more per instantiation made glibc consolidate its
// fast bins every time, a visible part of a `wasmrun serve` request. Bounded, so that a burst of
// instances does not keep its memory for good.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace wasmrun::vm {

template <size_t kBlockBytes>
class ThreadBlockCache {
 public:
  static void* take() {
    auto& blocks = cache().blocks;
    if (blocks.empty()) return ::operator new(kBlockBytes);
    void* b = blocks.back();
    blocks.pop_back();
    return b;
  }
  static void give(void* block) {
    auto& blocks = cache().blocks;
    if (blocks.size() < kMaxBlocks) blocks.push_back(block);
    else ::operator delete(block);
  }

 private:
  static constexpr size_t kMaxBlocks = 64;
  struct Cache {
    std::vector<void*> blocks;
    ~Cache() {
      for (void* b : blocks) ::operator delete(b);
    }
  };
  static Cache& cache() {
    thread_local Cache c;
    return c;
  }
};

}  // namespace wasmrun::vm
