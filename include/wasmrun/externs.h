// Handles to functions, memories, tables and globals living in a store. A handle is a small value
// (copy it freely) naming an item of one store; see store.h for what happens after the store is
// destroyed or when a handle meets another store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "wasmrun/move_only_function.h"
#include "wasmrun/store.h"
#include "wasmrun/value.h"

namespace wasmrun {

namespace vm {
struct FuncInstance;
class LinearMemory;
class Table;
struct GlobalInstance;
}  // namespace vm

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

std::string to_string(const FuncType& type);

class Caller;
template <class Signature>
class TypedFunc;

// A host function receives its arguments in values[0, params) and writes its results to
// values[0, results). An Error return traps the calling wasm code with TrapCode::HostError and a
// message that names the import ("host function \"env\" \"log\": <the error's message>").
// Move-only callables are accepted.
using HostFunction = MoveOnlyFunction<Expected<void>(Caller& caller, std::span<RawValue> values)>;

class Func {
 public:
  // For the library: a handle to `impl`, an item of `store`.
  Func(detail::StoreRef store, vm::FuncInstance* impl) : store_(std::move(store)), impl_(impl) {}

  // A host function from a plain C++ callable; its wasm type follows from its signature (see
  // typed_func.h). An optional first parameter `Caller&` gives access to the calling instance.
  template <class F>
  static Expected<Func> wrap(Store& store, F&& f);
  static Expected<Func> create(Store& store, const FuncType& type, HostFunction f);

  FuncType type() const;

  // Dynamic call: argument types are checked against the function's type.
  Expected<std::vector<Val>> call(std::span<const Val> args) const;
  // Raw call: values[0, params) in, values[0, results) out, at least max(params, results, 1)
  // slots; no type checks.
  Expected<void> call_raw(std::span<RawValue> values) const;

  template <class Signature>
  Expected<TypedFunc<Signature>> typed() const;

  const detail::StoreRef& store_ref() const { return store_; }
  vm::FuncInstance* impl() const { return impl_; }

 private:
  detail::StoreRef store_;
  vm::FuncInstance* impl_;
};

// A linear memory. Every memory reserves 8 GiB of address space (4 GiB of addressable range and
// a guard region) so that JIT code needs no bounds checks: a wasm access outside the memory faults
// and the runtime's SIGSEGV/SIGBUS handler turns it into a trap (see engine.h). Accessible pages
// are a prefix of that reservation, so data() never moves: pointers and views taken before a
// grow (by the host or by the guest) stay valid, and cover the old size only.
class Memory {
 public:
  Memory(detail::StoreRef store, vm::LinearMemory* impl) : store_(std::move(store)), impl_(impl) {}

  // The first byte; null once the store is destroyed.
  uint8_t* data() const;
  // The accessible bytes, as a span; empty once the store is destroyed.
  std::span<uint8_t> view() const;
  uint64_t size_bytes() const;
  uint64_t size_pages() const;

  // Bounds-checked copies between guest memory and the host: an error, not a fault, when
  // [offset, offset + size) is outside the memory.
  Expected<void> read(uint64_t offset, std::span<uint8_t> out) const;
  Expected<void> write(uint64_t offset, std::span<const uint8_t> bytes) const;

  // The previous size in pages, or an error when the memory cannot grow that far.
  Expected<uint64_t> grow(uint64_t pages) const;

  const detail::StoreRef& store_ref() const { return store_; }
  vm::LinearMemory* impl() const { return impl_; }

 private:
  detail::StoreRef store_;
  vm::LinearMemory* impl_;
};

class Table {
 public:
  Table(detail::StoreRef store, vm::Table* impl) : store_(std::move(store)), impl_(impl) {}
  uint32_t size() const;  // 0 once the store is destroyed
  ValType element_type() const;
  Expected<Val> get(uint32_t index) const;
  Expected<void> set(uint32_t index, const Val& value) const;
  Expected<uint32_t> grow(uint32_t delta, const Val& init) const;
  const detail::StoreRef& store_ref() const { return store_; }
  vm::Table* impl() const { return impl_; }

 private:
  detail::StoreRef store_;
  vm::Table* impl_;
};

class Global {
 public:
  Global(detail::StoreRef store, vm::GlobalInstance* impl) : store_(std::move(store)), impl_(impl) {}
  static Expected<Global> create(Store& store, ValType type, bool is_mutable, const Val& value);
  ValType type() const;
  bool is_mutable() const;
  Expected<Val> get() const;
  Expected<void> set(const Val& value) const;
  const detail::StoreRef& store_ref() const { return store_; }
  vm::GlobalInstance* impl() const { return impl_; }

 private:
  detail::StoreRef store_;
  vm::GlobalInstance* impl_;
};

using Extern = std::variant<Func, Memory, Table, Global>;

// What a host function knows of its caller. Valid during the host call only.
class Caller {
 public:
  explicit Caller(vm::Caller& impl) : impl_(impl) {}
  Store& store() const;
  // The store's data if it holds a T (see Store::emplace_data), else null.
  template <class T>
  T* data() const {
    return store().data<T>();
  }
  // An export of the calling instance (typically its "memory"); empty when the host itself
  // called the function.
  std::optional<Extern> get_export(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name = "memory") const;
  // Ends the calling wasm computation once this host function returns, as WASI's proc_exit does:
  // the call that entered wasm fails with TrapCode::Exit and `status` (Error::exit_status).
  void exit(uint32_t status);

 private:
  vm::Caller& impl_;
};

}  // namespace wasmrun
