// An instantiated module: its exports.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasmrun/module.h"
#include "wasmrun/typed_func.h"

namespace wasmrun {

namespace vm {
class Instance;
}

// An instance lives in the store it was instantiated into; see store.h for lifetimes.
class Instance {
 public:
  // For the library: a handle to `impl`, an instance of `store`.
  Instance(detail::StoreRef store, vm::Instance* impl) : store_(std::move(store)), impl_(impl) {}

  // Instantiates with imports given in the module's import order. Link errors (ErrorKind::Link)
  // read "unknown import ..." or "incompatible import type ..."; an import from another store, a
  // module of another engine, and a trap in a segment or the start function (ErrorKind::Trap)
  // are errors too.
  static Expected<Instance> create(Store& store, const Module& module, std::span<const Extern> imports);

  std::optional<Extern> get_export(std::string_view name) const;
  std::optional<Func> get_func(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name) const;
  std::optional<Global> get_global(std::string_view name) const;
  std::optional<Table> get_table(std::string_view name) const;
  std::vector<std::pair<std::string, Extern>> exports() const;  // empty once the store is destroyed

  // instance.typed_func<int32_t(int32_t)>("fib") — checked against the export's wasm type.
  template <class Signature>
  Expected<TypedFunc<Signature>> typed_func(std::string_view name) const {
    auto f = get_func(name);
    if (!f) return Error{"no exported function \"" + std::string(name) + "\""};
    return f->typed<Signature>();
  }

  const detail::StoreRef& store_ref() const { return store_; }
  vm::Instance* impl() const { return impl_; }

 private:
  detail::StoreRef store_;
  vm::Instance* impl_;
};

}  // namespace wasmrun
