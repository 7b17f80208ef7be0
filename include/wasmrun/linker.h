// Resolves imports by (module, name). Host functions defined with func_wrap/func_new belong to no
// store: each instantiation creates them in the store it instantiates into, all calling the one
// callable the linker holds (so a callable shared by stores used on several threads must be
// thread-safe, as Wasmtime asks of its Linker functions). Items defined with define() belong to
// their store: instantiating into another store is an error.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "wasmrun/instance.h"

namespace wasmrun {

class Linker {
 public:
  explicit Linker(const Engine& engine) : engine_(engine) {}

  // A host function from a C++ callable (see typed_func.h for the type mapping); move-only
  // callables are accepted.
  template <class F>
  Expected<void> func_wrap(const std::string& module, const std::string& name, F&& f) {
    auto [type, host] = detail::host_function_of(std::forward<F>(f));
    return func_new(module, name, std::move(type), std::move(host));
  }
  Expected<void> func_new(const std::string& module, const std::string& name, FuncType type, HostFunction f);
  // A store-bound item (a memory, a global, an instance's export, ...).
  Expected<void> define(const std::string& module, const std::string& name, const Extern& item);
  // Every export of `instance` under the module name `module`.
  Expected<void> define_instance(const std::string& module, const Instance& instance);

  Expected<Instance> instantiate(Store& store, const Module& module) const;
  // The module's imports in its import order, host functions made in `store`. An import the
  // linker does not define is an error, and an item bound to another store too. For an
  // InstancePre (`for_template`), the first is left empty and the second is not checked here
  // (the template checks it against each store it instantiates into).
  Expected<std::vector<std::optional<Extern>>> resolve(Store& store, const Module& module,
                                                       bool for_template = false) const;

  const Engine& engine() const { return engine_; }

 private:
  // A host function: made in each store instantiated into, all calling one callable.
  using FuncFactory = MoveOnlyFunction<Expected<Func>(Store&)>;
  using Definition = std::variant<Extern, std::shared_ptr<FuncFactory>>;
  Expected<void> add(const std::string& module, const std::string& name, Definition d);

  Engine engine_;
  std::map<std::pair<std::string, std::string>, Definition> definitions_;
};

}  // namespace wasmrun
