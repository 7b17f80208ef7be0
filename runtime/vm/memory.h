// A linear memory (core spec §4.2.9). A 32-bit memory reserves 8 GiB of address space — 4 GiB of
// addressable range plus 4 GiB of guard — so any i32 address plus any u32 offset lands in the
// reservation: JIT code does no bounds checks, and a fault becomes an out-of-bounds trap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "runtime/vm/vmcontext.h"
#include "runtime/wasm/types.h"
#include "wasmrun/expected.h"

namespace wasmrun::vm {

constexpr size_t kMemoryReservation = size_t(8) << 30;

class LinearMemory {
 public:
  // `limit_bytes`: the embedder's limit (a store's ResourceLimits), below the type's maximum;
  // a memory whose minimum is over it is not created, growth past it returns -1.
  static Expected<std::unique_ptr<LinearMemory>> create(const wasm::MemoryType& type,
                                                        uint64_t limit_bytes = UINT64_MAX);
  // A memory in a reservation the caller owns and has registered (a pooling-allocator slot): the
  // initial pages at `base` are readable and writable, the rest of the 8 GiB the JIT relies on is
  // inaccessible, and the memory may grow to `max_bytes` (and the embedder's `limit_bytes`). The
  // destructor leaves the reservation.
  LinearMemory(const wasm::MemoryType& type, uint8_t* base, uint64_t max_bytes, uint64_t limit_bytes);
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  // memory.grow: the old size in pages, or -1 (§4.4.7.11).
  int64_t grow(uint64_t delta_pages);

  uint8_t* base() const { return vm_.base; }
  uint64_t size_bytes() const { return vm_.size; }
  uint64_t size_pages() const { return vm_.size / wasm::kPageSize; }
  const wasm::MemoryType& type() const { return type_; }
  VMMemory* vm() { return &vm_; }
  // Set once the embedder's limit refused a growth the type allowed: what was refused.
  const std::optional<std::string>& limit_refusal() const { return limit_refusal_; }

 private:
  LinearMemory(uint8_t* base, size_t reserved, const wasm::MemoryType& type);

  VMMemory vm_;
  size_t reserved_;           // 0 when the reservation is borrowed
  uint64_t max_pages_;        // the type's maximum, within the reservation
  uint64_t limit_pages_;      // the embedder's limit
  wasm::MemoryType type_;
  std::optional<std::string> limit_refusal_;
};

}  // namespace wasmrun::vm
