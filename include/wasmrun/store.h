// A store owns everything instances create: functions, memories, tables, globals, instances.
//
// Lifetimes. Handles (Func, Memory, Table, Global, Instance, TypedFunc) are small values that
// name an item of one store and know which store: using one after its store was destroyed, or
// with another store (importing it into an instance of another store, defining it in a Linker
// and instantiating into another store), is an Error, never undefined behaviour. Accessors that
// cannot fail return an empty answer then (Memory::data() null, sizes 0, no exports); the few
// that have no empty answer (Func::type(), Table::element_type(), Global::type()) stop the
// program with a message, as Wasmtime panics. A store keeps its engine alive; a Module keeps its
// engine alive too, so they may be destroyed in any order.
//
// A store is used by one thread at a time. Moving a Store moves its items (handles follow them)
// and leaves the moved-from Store a new, empty store of the same engine, usable as any other.
//
// Store data: TypedStore<T> (Wasmtime's Store<T>) holds a T made with the store, reached with
// data() there and with Caller::data<T>() / component host functions taking `Store&` in host
// code; a plain Store may hold data of any one type (emplace_data<T>, data<T>()).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "wasmrun/engine.h"

namespace wasmrun {

namespace vm {
class Store;
struct Caller;
}  // namespace vm

class Store;

namespace detail {

// What a handle knows of its store: which one, and whether it still exists. Checking costs one
// atomic load (no reference count changes), so calls through handles stay cheap.
class StoreRef {
 public:
  StoreRef() = default;
  explicit StoreRef(const std::shared_ptr<vm::Store>& store) : weak_(store), raw_(store.get()) {}

  // The store, or an error naming `what` ("function", "memory", ...) when it was destroyed.
  Expected<vm::Store*> get(const char* what) const;
  // The store, or null when it was destroyed.
  vm::Store* get_or_null() const { return weak_.expired() ? nullptr : raw_; }
  // The store; stops the program with a message when it was destroyed.
  vm::Store& get_or_abort(const char* what) const;
  // Checks that the handle is alive and belongs to `store`.
  Expected<void> check_in(const Store& store, const char* what) const;

 private:
  std::weak_ptr<vm::Store> weak_;
  vm::Store* raw_ = nullptr;
};

// Embedder data of any type, owned by the store. Its type is told by the address of a tag per
// type (a comparison, where dynamic_cast would walk type information on every host call).
struct StoreData {
  explicit StoreData(const void* tag) : type_tag(tag) {}
  virtual ~StoreData() = default;
  const void* const type_tag;
};
template <class T>
inline constexpr char kStoreDataTag = 0;
// Stops the program with a message: a TypedStore's data was replaced through Store::emplace_data.
[[noreturn]] void store_data_replaced();
template <class T>
struct StoreDataOf final : StoreData {
  template <class... Args>
  explicit StoreDataOf(Args&&... args) : StoreData(&kStoreDataTag<T>), value(std::forward<Args>(args)...) {}
  T value;
};

}  // namespace detail

// Limits on what a store's guests may allocate (Wasmtime's StoreLimits). A memory or table whose
// minimum is over its limit fails to instantiate; memory.grow and table.grow past it return -1,
// as when the host is out of memory (core spec §4.4.7.11). They apply to what is instantiated
// after they are set.
struct StoreLimits {
  std::optional<uint64_t> max_memory_size;     // bytes, per linear memory
  std::optional<uint64_t> max_table_elements;  // per table
  // Resource handles per component instance's table (CanonicalABI.md "Table State"): one more
  // traps with "cannot allocate another handle". Default 2^20 - 1.
  std::optional<uint32_t> max_resource_handles;
};

class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  const Engine& engine() const { return engine_; }

  // With Config::epoch_interruption: guests trap with TrapCode::Interrupted once the engine's
  // epoch advances `ticks` past its value now. The deadline stays passed until it is set again:
  // every later call into this store traps at its first check until then.
  void set_epoch_deadline(uint64_t ticks);

  // Applies to the memories and tables instantiated from now on.
  void set_limits(const StoreLimits& limits);
  // What the limits refused last (e.g. "memory.grow to 40 pages (2621440 bytes) was refused: the
  // limit is 1048576 bytes"), if they refused a growth: a guest that fails after one may say less.
  std::optional<std::string> limit_refusal() const;

  // Typed embedder data, owned by the store and reachable from host functions through
  // Caller::data<T>(): store.emplace_data<Session>(...), then caller.data<Session>().
  template <class T, class... Args>
  T& emplace_data(Args&&... args) {
    auto d = std::make_unique<detail::StoreDataOf<T>>(std::forward<Args>(args)...);
    T& value = d->value;
    data_ = std::move(d);
    return value;
  }
  // The data if the store holds a T (exactly that type), else null.
  template <class T>
  T* data() const {
    if (!data_ || data_->type_tag != &detail::kStoreDataTag<T>) return nullptr;
    return &static_cast<detail::StoreDataOf<T>*>(data_.get())->value;
  }

  vm::Store& impl() const { return *impl_; }
  detail::StoreRef ref() const { return detail::StoreRef(impl_); }
  static Store* from(vm::Store& store);

 private:
  Engine engine_;  // declared first: destroyed after the store's instances and code references
  std::shared_ptr<vm::Store> impl_;
  std::unique_ptr<detail::StoreData> data_;
};

// A store whose data is a T, made with it (Wasmtime's Store<T>). Host functions reach the data
// as Caller::data<T>() (core) or through a leading `Store&` parameter (components:
// store.data<T>()). A moved-from TypedStore is an empty store holding a value-initialized T
// (so T must be default-constructible for a TypedStore to be moved).
template <class T>
class TypedStore : public Store {
 public:
  template <class... Args>
  explicit TypedStore(const Engine& engine, Args&&... args) : Store(engine) {
    Store::emplace_data<T>(std::forward<Args>(args)...);
  }
  TypedStore(TypedStore&& other) noexcept
    requires std::is_default_constructible_v<T>
      : Store(std::move(other)) {
    other.Store::template emplace_data<T>();
  }
  TypedStore& operator=(TypedStore&& other) noexcept
    requires std::is_default_constructible_v<T>
  {
    Store::operator=(std::move(other));
    other.Store::template emplace_data<T>();
    return *this;
  }

  T& data() { return checked(); }
  const T& data() const { return checked(); }

 private:
  T& checked() const {
    T* d = Store::data<T>();
    if (!d) detail::store_data_replaced();
    return *d;
  }
};

}  // namespace wasmrun
