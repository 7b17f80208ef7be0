// A store owns everything instances create: functions, memories, tables, globals. Handles
// (Func, Memory, ...) point into their store and stay valid until it is destroyed. A store is
// used by one thread at a time.
#pragma once

#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wasmrun/engine.h"

namespace wasmrun {

namespace vm {
class Store;
struct Caller;
}  // namespace vm

// Limits on what a store's guests may allocate (Wasmtime's StoreLimits). A memory or table whose
// minimum is over its limit fails to instantiate; memory.grow and table.grow past it return -1,
// as when the host is out of memory (core spec §4.4.7.11).
struct StoreLimits {
  std::optional<uint64_t> max_memory_size;     // bytes, per linear memory
  std::optional<uint64_t> max_table_elements;  // per table
};

class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  // With Config::epoch_interruption: guests trap once the engine's epoch advances `ticks` past
  // its value now.
  void set_epoch_deadline(uint64_t ticks);

  // Applies to the memories and tables instantiated from now on.
  void set_limits(const StoreLimits& limits);
  // What the limits refused last (e.g. "memory.grow to 40 pages (2621440 bytes) was refused: the
  // limit is 1048576 bytes"), if they refused a growth: a guest that fails after one may say less.
  std::optional<std::string> limit_refusal() const;

  // Embedder data, reachable from host functions through Caller::store().
  void set_data(void* data) { data_ = data; }
  void* data() const { return data_; }

  vm::Store& impl() const { return *impl_; }
  static Store* from(vm::Store& store);

 private:
  std::unique_ptr<vm::Store> impl_;
  void* data_ = nullptr;
};

}  // namespace wasmrun
