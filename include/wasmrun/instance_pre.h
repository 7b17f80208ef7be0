// Fast instantiation for a server that makes a fresh instance per request (Wasmtime's
// InstancePre and pooling allocator):
//
//   auto pool = wasmrun::PoolingAllocator::create({.instances = 100}).take();
//   auto pre = wasmrun::InstancePre::create(linker, module, &pool).take();   // once
//   for (each request) {
//     wasmrun::Store store(engine);
//     auto instance = pre.instantiate(store);   // no lookup, no type check, no mmap
//     ...
//   }                                           // the store's end returns the slot
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "wasmrun/instance.h"
#include "wasmrun/linker.h"

namespace wasmrun {

namespace vm {
class InstancePre;
class PoolingAllocator;
}  // namespace vm

// Bounds of a pool; every slot gets all of them.
struct PoolingConfig {
  uint32_t instances = 1000;                      // instances alive at once
  uint64_t max_memory_bytes = uint64_t(4) << 30;  // how far an instance's memory may grow
  uint32_t max_tables = 1;                        // tables an instance defines
  uint32_t max_table_elements = 20'000;           // elements per table
  size_t instance_bytes = size_t(1) << 20;        // instance context (grows with the function count)
  size_t keep_resident_bytes = 0;                 // of each memory, reset in place, not madvise
};

class PoolingAllocator {
 public:
  // Reserves the address space of every slot at once: 8 GiB per instance for its memory and
  // guard region, plus the instance contexts and tables (backed by memory only once used).
  static Expected<PoolingAllocator> create(const PoolingConfig& config = {});

  uint32_t in_use() const;  // slots taken by live instances
  const std::shared_ptr<vm::PoolingAllocator>& impl() const { return impl_; }

 private:
  explicit PoolingAllocator(std::shared_ptr<vm::PoolingAllocator> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<vm::PoolingAllocator> impl_;
};

// Whether `error` says every slot of a pool is in use (a server answers 503 Service Unavailable).
bool is_pool_exhausted(const Error& error);

class InstancePre {
 public:
  // Resolves and type-checks the module's imports in `linker` once. Host functions (func_new,
  // func_wrap) are made once and serve every store; an item given with define()
  // belongs to its store, and the InstancePre must then be instantiated only in that store.
  // With `pool`, instances take slots from it (the pool lives as long as any of them). An import
  // the linker does not define is an error, or with `leave_undefined_open`, left open: each
  // instantiation gives it (a sibling instance's memory, say), and only it is checked then.
  static Expected<InstancePre> create(const Linker& linker, const Module& module,
                                      const PoolingAllocator* pool = nullptr, bool leave_undefined_open = false);

  // A new instance in `store`, destroyed with it, with `open_imports` for the open imports in
  // import order. With a pool, fails when every slot is in use (is_pool_exhausted).
  Expected<Instance> instantiate(Store& store, std::span<const Extern> open_imports = {}) const;

 private:
  InstancePre(std::shared_ptr<const vm::InstancePre> impl, std::vector<detail::StoreRef> bound)
      : impl_(std::move(impl)), bound_(std::make_shared<const std::vector<detail::StoreRef>>(std::move(bound))) {}
  std::shared_ptr<const vm::InstancePre> impl_;
  // The stores of the items given with define(): each instantiation must be into that store.
  std::shared_ptr<const std::vector<detail::StoreRef>> bound_;
};

}  // namespace wasmrun
