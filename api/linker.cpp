#include "wasmrun/linker.h"

#include <fmt/format.h>

#include "api/conversions.h"

namespace wasmrun {

Expected<void> Linker::add(const std::string& module, const std::string& name, Definition d) {
  auto [it, added] = definitions_.emplace(std::make_pair(module, name), std::move(d));
  if (!added) return Error{fmt::format("duplicate definition of \"{}\" \"{}\"", module, name)};
  return {};
}

Expected<void> Linker::func_new(const std::string& module, const std::string& name, FuncType type, HostFunction f) {
  // One callable for every store: each store's Func calls it through a shared pointer.
  auto shared = std::make_shared<HostFunction>(std::move(f));
  FuncFactory make = [type = std::move(type), shared](Store& store) {
    return Func::create(store, type, [shared](Caller& caller, std::span<RawValue> values) {
      return (*shared)(caller, values);
    });
  };
  return add(module, name, Definition{std::make_shared<FuncFactory>(std::move(make))});
}

Expected<void> Linker::define(const std::string& module, const std::string& name, const Extern& item) {
  if (auto alive = api::store_of(item).get(api::describe(item)); !alive) return alive.error();
  return add(module, name, Definition{item});
}

Expected<void> Linker::define_instance(const std::string& module, const Instance& instance) {
  if (auto alive = instance.store_ref().get("instance"); !alive) return alive.error();
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
                                                              bool for_template) const {
  std::vector<std::optional<Extern>> imports;
  for (const ImportDesc& im : module.imports()) {
    auto it = definitions_.find({im.module, im.name});
    if (it == definitions_.end() && for_template) {
      imports.emplace_back();
      continue;
    }
    if (it == definitions_.end())
      return Error::link(fmt::format("unknown import: \"{}\" \"{}\" is not defined", im.module, im.name));
    if (const auto* item = std::get_if<Extern>(&it->second)) {
      if (!for_template)
        if (auto ok = api::store_of(*item).check_in(store, api::describe(*item)); !ok)
          return Error::link(fmt::format("import \"{}\" \"{}\": {}", im.module, im.name, ok.error().message));
      imports.push_back(*item);
    } else {
      auto f = (*std::get<std::shared_ptr<FuncFactory>>(it->second))(store);
      if (!f) return f.error();
      imports.push_back(*f);
    }
  }
  return imports;
}

}  // namespace wasmrun
