// A store owns everything instances create: functions, memories, tables, globals. Handles
// (Func, Memory, ...) point into their store and stay valid until it is destroyed. A store is
// used by one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "wasmrun/engine.h"

namespace wasmrun {

namespace vm {
class Store;
struct Caller;
}  // namespace vm

class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  // With Config::epoch_interruption: guests trap once the engine's epoch advances `ticks` past
  // its value now.
  void set_epoch_deadline(uint64_t ticks);

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
