// The pooling allocator (the idea of Wasmtime's): address space for a fixed number of instances
// is reserved once, as slots. A slot holds one instance context (the Instance, its vmctx and its
// per-function, per-global and per-table arrays) followed by the elements of its tables, and its
// linear memory with the guard region the JIT relies on. Instantiation takes a free slot and
// teardown gives it back, reset with madvise (or in place for a bounded resident part): the hot
// path makes no mmap or munmap, and a slot last used by the same module keeps its memory image
// mapped, so taking it makes no system call at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/vm/memory_image.h"
#include "wasmrun/expected.h"

namespace wasmrun::vm {

struct PoolingConfig {
  uint32_t instances = 1000;                      // slots: instances alive at once
  uint64_t max_memory_bytes = uint64_t(4) << 30;  // how far a slot's memory may grow
  uint32_t max_tables = 1;                        // defined tables per instance
  uint32_t max_table_elements = 20'000;           // per table
  size_t instance_bytes = size_t(1) << 20;        // instance context per slot
  // Bytes of each memory (and at least 16 KiB of each instance context, and tables that small)
  // reset in place, so their pages stay resident and the next instance takes no page fault on
  // them, rather than returned with madvise (Wasmtime's `linear_memory_keep_resident`). Where
  // the kernel tells which pages an instance wrote (dirty_pages.h), these are the first
  // written pages, given back their image's bytes or zeros; elsewhere the memory's first bytes,
  // cleared with memset where no image lies.
  size_t keep_resident_bytes = 0;
};

// The most tables a slot may hold (PoolingConfig::max_tables).
inline constexpr uint32_t kMaxPoolTables = 64;

// Exhaustion is a distinct condition (HTTP servers answer 503): its message starts with this.
inline constexpr const char* kPoolExhausted = "pooling allocator: all";

class PoolingAllocator {
 public:
  static Expected<std::unique_ptr<PoolingAllocator>> create(const PoolingConfig& config);
  ~PoolingAllocator();
  PoolingAllocator(const PoolingAllocator&) = delete;
  PoolingAllocator& operator=(const PoolingAllocator&) = delete;

  const PoolingConfig& config() const { return config_; }

  struct Slot {
    uint32_t index;
    uint8_t* instance;  // instance_bytes, zero
    void** tables;      // max_tables tables of max_table_elements elements (see table()), zero
    uint8_t* memory;    // 8 GiB: inaccessible, or prepared by prepare_memory
  };

  // The elements of table k of the slot.
  void** table(const Slot& slot, uint32_t k) const {
    return reinterpret_cast<void**>(reinterpret_cast<uint8_t*>(slot.tables) + k * table_stride_);
  }

  // Takes a free slot, preferring one whose last user had the same `affinity` (a module): its
  // memory image is still mapped. The error message starts with kPoolExhausted when none is free.
  Expected<Slot> acquire(const void* affinity);

  // Makes the first `initial_bytes` of the slot's memory accessible and holding `image` (or
  // zeros), and everything past them inaccessible. Cheap when the slot's last user was the same.
  Expected<void> prepare_memory(const Slot& slot, std::shared_ptr<const MemoryImage> image, uint64_t initial_bytes);

  // Gives the slot back. `memory_bytes` is how large its memory grew, `instance_bytes` how much of
  // the instance context was used, `table_elements[k]` how large table k grew: those parts are
  // reset so the next user sees exactly what a fresh slot holds.
  void release(const Slot& slot, uint64_t memory_bytes, size_t instance_bytes, const uint32_t* table_elements,
               uint32_t tables);

  uint32_t in_use() const;

 private:
  struct SlotState {
    const void* affinity = nullptr;
    std::shared_ptr<const MemoryImage> image;  // mapped in the slot's memory
    uint64_t accessible = 0;                   // readable and writable bytes of its memory
  };

  explicit PoolingAllocator(const PoolingConfig& config) : config_(config) {}
  // Brings the first `memory_bytes` of the slot's memory back to its image (or zeros).
  void reset_memory(const Slot& slot, const SlotState& state, uint64_t memory_bytes);
  Slot slot(uint32_t index) const;

  PoolingConfig config_;
  uint8_t* memories_ = nullptr;
  size_t memories_bytes_ = 0;
  // Per slot: the instance context, then the tables, so one madvise resets both.
  uint8_t* contexts_ = nullptr;
  size_t contexts_bytes_ = 0;
  size_t table_stride_ = 0;    // bytes per table
  size_t context_stride_ = 0;  // bytes per slot

  mutable std::mutex mutex_;
  std::vector<SlotState> states_;
  std::vector<uint32_t> free_;  // a stack: the most recently released slot is on top
};

}  // namespace wasmrun::vm
