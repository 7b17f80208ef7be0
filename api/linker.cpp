#include "wasmrun/linker.h"

#include <fmt/format.h>

namespace wasmrun {

Expected<void> Linker::add(const std::string& module, const std::string& name, Definition d) {
  auto [it, added] = definitions_.emplace(std::make_pair(module, name), std::move(d));
  if (!added) return Error{fmt::format("duplicate definition of \"{}\" \"{}\"", module, name)};
  return {};
}

Expected<void> Linker::func_new(const std::string& module, const std::string& name, FuncType type, HostFunction f) {
  return add(module, name, Definition{std::function<Expected<Func>(Store&)>(
                               [type = std::move(type), f = std::move(f)](Store& store) {
                                 return Func::create(store, type, f);
                               })});
}

Expected<void> Linker::define(const std::string& module, const std::string& name, const Extern& item) {
  return add(module, name, Definition{item});
}

Expected<void> Linker::define_instance(const std::string& module, const Instance& instance) {
  for (const auto& [name, item] : instance.exports())
    if (auto ok = define(module, name, item); !ok) return ok;
  return {};
}

Expected<Instance> Linker::instantiate(Store& store, const Module& module) const {
  auto resolved = resolve(store, module);
  if (!resolved) return resolved.error();
  std::vector<Extern> imports;
  for (const std::optional<Extern>& e : *resolved) imports.push_back(*e);
  return Instance::create(store, module, imports);
}

Expected<std::vector<std::optional<Extern>>> Linker::resolve(Store& store, const Module& module,
                                                              bool leave_undefined_open) const {
  std::vector<std::optional<Extern>> imports;
  for (const ImportDesc& im : module.imports()) {
    auto it = definitions_.find({im.module, im.name});
    if (it == definitions_.end() && leave_undefined_open) {
      imports.emplace_back();
      continue;
    }
    if (it == definitions_.end()) return Error{fmt::format("unknown import: \"{}\" \"{}\" is not defined", im.module, im.name)};
    if (const auto* item = std::get_if<Extern>(&it->second)) {
      imports.push_back(*item);
    } else {
      auto f = std::get<std::function<Expected<Func>(Store&)>>(it->second)(store);
      if (!f) return f.error();
      imports.push_back(*f);
    }
  }
  return imports;
}

}  // namespace wasmrun
