#include "runtime/vm/pooling_allocator.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include "runtime/vm/dirty_pages.h"
#include "runtime/vm/memory.h"
#include "runtime/vm/region.h"
#include "runtime/vm/trap.h"

namespace wasmrun::vm {

namespace {

// How far down the free stack acquire looks for a slot with the wanted affinity.
constexpr size_t kAffinityScan = 64;

// Instance contexts and table elements are small for most modules and written at every
// instantiation: this much of each is cleared with memset, so it stays resident.
constexpr size_t kContextResident = 16 * 1024;

Error system_error(const char* what) {
  return Error{fmt::format("pooling allocator: {}: {}", what, std::strerror(errno))};
}

}  // namespace

Expected<std::unique_ptr<PoolingAllocator>> PoolingAllocator::create(const PoolingConfig& config) {
  if (config.instances == 0) return Error{"pooling allocator: the pool needs at least one instance slot"};
  if (config.max_tables > kMaxPoolTables)
    return Error{fmt::format("pooling allocator: a slot holds at most {} tables", kMaxPoolTables)};
  if (config.max_memory_bytes > uint64_t(wasm::kMaxPages32) * wasm::kPageSize)
    return Error{"pooling allocator: a slot's memory cannot exceed 4 GiB"};
  std::unique_ptr<PoolingAllocator> pool(new PoolingAllocator(config));
  pool->config_.instance_bytes = round_up_to_page(config.instance_bytes);
  pool->table_stride_ = round_up_to_page(size_t(config.max_table_elements) * sizeof(void*));
  pool->context_stride_ = pool->config_.instance_bytes + pool->table_stride_ * config.max_tables;

  // Every slot's memory gets the full 8 GiB the JIT assumes (no bounds checks), one after the
  // other; one guarded region covers them all.
  pool->memories_bytes_ = kMemoryReservation * config.instances;
  auto memories = reserve_region(pool->memories_bytes_, PROT_NONE);
  if (!memories) return memories.error();
  pool->memories_ = *memories;
  register_guarded_region(pool->memories_, pool->memories_bytes_);

  pool->contexts_bytes_ = pool->context_stride_ * config.instances;
  auto contexts = reserve_region(pool->contexts_bytes_, PROT_READ | PROT_WRITE);
  if (!contexts) return contexts.error();
  pool->contexts_ = *contexts;

  pool->states_.resize(config.instances);
  pool->free_.reserve(config.instances);
  for (uint32_t i = config.instances; i-- > 0;) pool->free_.push_back(i);
  return pool;
}

PoolingAllocator::~PoolingAllocator() {
  if (memories_) {
    unregister_guarded_region(memories_);
    munmap(memories_, memories_bytes_);
  }
  if (contexts_) munmap(contexts_, contexts_bytes_);
}

PoolingAllocator::Slot PoolingAllocator::slot(uint32_t index) const {
  uint8_t* context = contexts_ + size_t(index) * context_stride_;
  return Slot{index, context, reinterpret_cast<void**>(context + config_.instance_bytes),
              memories_ + size_t(index) * kMemoryReservation};
}

Expected<PoolingAllocator::Slot> PoolingAllocator::acquire(const void* affinity) {
  std::lock_guard lock(mutex_);
  if (free_.empty())
    return Error{fmt::format("{} {} instance slots are in use", kPoolExhausted, config_.instances)};
  size_t pick = free_.size() - 1;
  for (size_t k = 0; k < std::min(kAffinityScan, free_.size()); ++k) {
    size_t i = free_.size() - 1 - k;
    if (states_[free_[i]].affinity == affinity) {
      pick = i;
      break;
    }
  }
  uint32_t index = free_[pick];
  free_.erase(free_.begin() + ptrdiff_t(pick));
  states_[index].affinity = affinity;
  return slot(index);
}

Expected<void> PoolingAllocator::prepare_memory(const Slot& s, std::shared_ptr<const MemoryImage> image,
                                                uint64_t initial_bytes) {
  if (initial_bytes > config_.max_memory_bytes)
    return Error{fmt::format("pooling allocator: a memory of {} bytes is larger than a slot's {}", initial_bytes,
                             config_.max_memory_bytes)};
  SlotState& state = states_[s.index];
  if (state.image != image) {
    // Another module's image (or none) is mapped: start again from fresh, inaccessible pages.
    if (state.image || state.accessible > 0) {
      size_t span = std::max<size_t>(state.accessible, state.image ? state.image->offset() + state.image->length() : 0);
      void* p = mmap(s.memory, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
      if (p == MAP_FAILED) return system_error("mmap");
      state.accessible = 0;
      state.image.reset();
    }
    if (image) {
      if (auto ok = image->map_at(s.memory); !ok) return ok;
      state.image = std::move(image);
      // The image mapping is readable and writable; everything around it must agree.
      if (mprotect(s.memory, state.image->offset(), PROT_READ | PROT_WRITE) != 0) return system_error("mprotect");
      state.accessible = state.image->offset() + state.image->length();
    }
  }
  if (state.accessible < initial_bytes) {
    if (mprotect(s.memory + state.accessible, initial_bytes - state.accessible, PROT_READ | PROT_WRITE) != 0)
      return system_error("mprotect");
  } else if (state.accessible > initial_bytes) {
    if (mprotect(s.memory + initial_bytes, state.accessible - initial_bytes, PROT_NONE) != 0)
      return system_error("mprotect");
  }
  state.accessible = initial_bytes;
  return {};
}

void PoolingAllocator::reset_memory(const Slot& s, const SlotState& state, uint64_t memory_bytes) {
  const MemoryImage* image = state.image.get();
  size_t keep = config_.keep_resident_bytes & ~(host_page_size() - 1);
  uint8_t* end = s.memory + memory_bytes;
  // The pages the instance wrote, up to `keep` bytes of them, get their first contents back in
  // place: the image's bytes where it lies, zeros elsewhere.
  uint8_t* reset_to = s.memory;
  if (keep > 0 && dirty_page_scan_available()) {
    reset_to = reset_dirty_pages(s.memory, end, keep, host_page_size(), [&](DirtyRun run) {
      size_t from = size_t(run.begin - s.memory), to = size_t(run.end - s.memory);
      size_t image_begin = image ? image->offset() : 0, image_end = image ? image->offset() + image->length() : 0;
      size_t copy_begin = std::clamp(image_begin, from, to), copy_end = std::clamp(image_end, copy_begin, to);
      // Empty parts are skipped, not passed to memset as 0 bytes: glibc's AVX-512 memset still
      // makes a masked store there, slow on a page the scan has just write-protected.
      if (copy_begin > from) std::memset(run.begin, 0, copy_begin - from);
      if (copy_end > copy_begin)
        std::memcpy(s.memory + copy_begin, image->bytes() + (copy_begin - image_begin), copy_end - copy_begin);
      if (to > copy_end) std::memset(s.memory + copy_end, 0, to - copy_end);
    });
  } else {
    // Without the scan, the first `keep` bytes are cleared with memset (only where no image lies
    // under them: they would need its bytes back).
    if (image) keep = std::min(keep, image->offset());
    keep = std::min<size_t>(keep, memory_bytes);
    std::memset(s.memory, 0, keep);
    reset_to = s.memory + keep;
  }
  // Over the image, MADV_DONTNEED brings back the image's pages; past it, zeros.
  if (reset_to < end) madvise(reset_to, size_t(end - reset_to), MADV_DONTNEED);
}

void PoolingAllocator::release(const Slot& s, uint64_t memory_bytes, size_t instance_bytes,
                               const uint32_t* table_elements, uint32_t tables) {
  SlotState& state = states_[s.index];
  if (memory_bytes > 0) {
    state.accessible = std::max(state.accessible, memory_bytes);
    reset_memory(s, state, memory_bytes);
  }
  // The instance context keeps its first kContextResident bytes resident (cleared in place); a
  // table that small is cleared in place, a larger one entirely handed back. What is handed back
  // goes in one madvise over the span from the first such byte to the last (zero pages between
  // cost nothing), which must then contain no byte meant to stay resident: the context comes
  // first in the slot, the tables after it.
  size_t keep = std::max(config_.keep_resident_bytes, kContextResident);
  uint8_t* release_begin = nullptr;
  uint8_t* release_end = nullptr;
  auto hand_back = [&](uint8_t* begin, uint8_t* end) {
    if (begin >= end) return;
    if (!release_begin) release_begin = begin;
    release_end = end;
  };
  uint8_t* cut = reinterpret_cast<uint8_t*>(round_up_to_page(reinterpret_cast<uintptr_t>(s.instance + std::min(instance_bytes, keep))));
  std::memset(s.instance, 0, std::min<size_t>(instance_bytes, size_t(cut - s.instance)));
  hand_back(cut, s.instance + instance_bytes);
  for (uint32_t k = 0; k < tables; ++k) {
    uint8_t* begin = reinterpret_cast<uint8_t*>(table(s, k));
    size_t bytes = size_t(table_elements[k]) * sizeof(void*);
    if (bytes <= keep) std::memset(begin, 0, bytes);
    else hand_back(begin, begin + bytes);
  }
  if (release_begin) madvise(release_begin, round_up_to_page(size_t(release_end - release_begin)), MADV_DONTNEED);
  std::lock_guard lock(mutex_);
  free_.push_back(s.index);
}

uint32_t PoolingAllocator::in_use() const {
  std::lock_guard lock(mutex_);
  return uint32_t(states_.size() - free_.size());
}

}  // namespace wasmrun::vm
