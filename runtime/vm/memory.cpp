#include "runtime/vm/memory.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/vm/trap.h"

namespace wasmrun::vm {

Expected<std::unique_ptr<LinearMemory>> LinearMemory::create(const wasm::MemoryType& type, uint64_t limit_bytes) {
  if (type.limits.min > limit_bytes / wasm::kPageSize)
    return Error{fmt::format("memory minimum size of {} pages ({} bytes) exceeds the limit of {} bytes",
                             type.limits.min, type.limits.min * wasm::kPageSize, limit_bytes)};
  void* p = mmap(nullptr, kMemoryReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return Error{fmt::format("cannot reserve linear memory: {}", std::strerror(errno))};
  std::unique_ptr<LinearMemory> m(new LinearMemory(static_cast<uint8_t*>(p), kMemoryReservation, type));
  m->limit_pages_ = limit_bytes / wasm::kPageSize;
  if (m->grow(type.limits.min) < 0)
    return Error{fmt::format("cannot allocate {} pages of linear memory", type.limits.min)};
  return m;
}

LinearMemory::LinearMemory(uint8_t* base, size_t reserved, const wasm::MemoryType& type)
    : vm_{base, 0}, reserved_(reserved), limit_pages_(UINT64_MAX), type_(type) {
  max_pages_ = std::min<uint64_t>(type.limits.max.value_or(wasm::kMaxPages32), wasm::kMaxPages32);
  register_guarded_region(base, reserved);
}

LinearMemory::LinearMemory(const wasm::MemoryType& type, uint8_t* base, uint64_t max_bytes, uint64_t limit_bytes)
    : vm_{base, type.limits.min * wasm::kPageSize}, reserved_(0), limit_pages_(limit_bytes / wasm::kPageSize),
      type_(type) {
  max_pages_ = std::min<uint64_t>({type.limits.max.value_or(wasm::kMaxPages32), wasm::kMaxPages32,
                                   uint64_t(max_bytes / wasm::kPageSize)});
}

LinearMemory::~LinearMemory() {
  if (reserved_ == 0) return;
  unregister_guarded_region(vm_.base);
  munmap(vm_.base, reserved_);
}

int64_t LinearMemory::grow(uint64_t delta_pages) {
  uint64_t old_pages = size_pages();
  if (delta_pages > max_pages_ - old_pages) return -1;
  if (delta_pages > limit_pages_ - std::min(limit_pages_, old_pages)) {
    limit_refusal_ = fmt::format("memory.grow to {} pages ({} bytes) was refused: the limit is {} bytes",
                                 old_pages + delta_pages, (old_pages + delta_pages) * wasm::kPageSize,
                                 limit_pages_ * wasm::kPageSize);
    return -1;
  }
  if (delta_pages == 0) return int64_t(old_pages);
  uint64_t new_size = (old_pages + delta_pages) * wasm::kPageSize;
  if (mprotect(vm_.base + vm_.size, new_size - vm_.size, PROT_READ | PROT_WRITE) != 0) return -1;
  vm_.size = new_size;
  return int64_t(old_pages);
}

}  // namespace wasmrun::vm
