// Handles to functions, memories, tables and globals living in a store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

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
// values[0, results). An Error return traps the calling wasm code with the error's message.
using HostFunction = std::function<Expected<void>(Caller& caller, std::span<RawValue> values)>;

class Func {
 public:
  explicit Func(vm::FuncInstance* impl) : impl_(impl) {}

  // A host function from a plain C++ callable; its wasm type follows from its signature (see
  // typed_func.h). An optional first parameter `Caller&` gives access to the calling instance.
  template <class F>
  static Expected<Func> wrap(Store& store, F&& f);
  static Expected<Func> create(Store& store, const FuncType& type, HostFunction f);

  FuncType type() const;

  // Dynamic call: argument types are checked against the function's type.
  Expected<std::vector<Val>> call(std::span<const Val> args) const;
  // Raw call: values[0, params) in, values[0, results) out; no type checks.
  Expected<void> call_raw(std::span<RawValue> values) const;

  template <class Signature>
  Expected<TypedFunc<Signature>> typed() const;

  vm::FuncInstance* impl() const { return impl_; }

 private:
  vm::FuncInstance* impl_;
};

class Memory {
 public:
  explicit Memory(vm::LinearMemory* impl) : impl_(impl) {}
  uint8_t* data() const;
  uint64_t size_bytes() const;
  uint64_t size_pages() const;
  // The previous size in pages, or an error when the memory cannot grow that far.
  Expected<uint64_t> grow(uint64_t pages) const;
  vm::LinearMemory* impl() const { return impl_; }

 private:
  vm::LinearMemory* impl_;
};

class Table {
 public:
  explicit Table(vm::Table* impl) : impl_(impl) {}
  uint32_t size() const;
  ValType element_type() const;
  Expected<Val> get(uint32_t index) const;
  Expected<void> set(uint32_t index, const Val& value) const;
  Expected<uint32_t> grow(uint32_t delta, const Val& init) const;
  vm::Table* impl() const { return impl_; }

 private:
  vm::Table* impl_;
};

class Global {
 public:
  explicit Global(vm::GlobalInstance* impl) : impl_(impl) {}
  static Global create(Store& store, ValType type, bool is_mutable, const Val& value);
  ValType type() const;
  bool is_mutable() const;
  Val get() const;
  Expected<void> set(const Val& value) const;
  vm::GlobalInstance* impl() const { return impl_; }

 private:
  vm::GlobalInstance* impl_;
};

using Extern = std::variant<Func, Memory, Table, Global>;

// What a host function knows of its caller.
class Caller {
 public:
  explicit Caller(vm::Caller& impl) : impl_(impl) {}
  Store& store() const;
  // An export of the calling instance (typically its "memory"); empty when the host itself
  // called the function.
  std::optional<Extern> get_export(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name = "memory") const;

 private:
  vm::Caller& impl_;
};

}  // namespace wasmrun
