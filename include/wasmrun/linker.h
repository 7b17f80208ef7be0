// Resolves imports by (module, name). Host functions defined with func_wrap/func_new belong to no
// store: each instantiation creates them in the store it instantiates into.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "wasmrun/instance.h"

namespace wasmrun {

class Linker {
 public:
  explicit Linker(const Engine& engine) : engine_(engine) {}

  template <class F>
  Expected<void> func_wrap(const std::string& module, const std::string& name, F f) {
    return add(module, name, Definition{std::function<Expected<Func>(Store&)>([f](Store& store) mutable {
                 return Func::wrap(store, f);
               })});
  }
  Expected<void> func_new(const std::string& module, const std::string& name, FuncType type, HostFunction f);
  // A function that `make` creates in each store instantiated into (for host modules built on
  // the runtime layer, such as WASI).
  Expected<void> func_factory(const std::string& module, const std::string& name,
                              std::function<Expected<Func>(Store&)> make) {
    return add(module, name, Definition{std::move(make)});
  }
  // A store-bound item (a memory, a global, an instance's export, ...).
  Expected<void> define(const std::string& module, const std::string& name, const Extern& item);
  // Every export of `instance` under the module name `module`.
  Expected<void> define_instance(const std::string& module, const Instance& instance);

  Expected<Instance> instantiate(Store& store, const Module& module) const;
  // The module's imports in its import order, host functions made in `store`. An import the
  // linker does not define is an error, or with `leave_undefined_open`, an empty entry.
  Expected<std::vector<std::optional<Extern>>> resolve(Store& store, const Module& module,
                                                       bool leave_undefined_open = false) const;

  const Engine& engine() const { return engine_; }

 private:
  using Definition = std::variant<Extern, std::function<Expected<Func>(Store&)>>;
  Expected<void> add(const std::string& module, const std::string& name, Definition d);

  Engine engine_;
  std::map<std::pair<std::string, std::string>, Definition> definitions_;
};

}  // namespace wasmrun
