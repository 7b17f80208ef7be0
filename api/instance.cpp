#include "wasmrun/instance.h"

#include <fmt/format.h>

#include "api/conversions.h"
#include "runtime/vm/instance.h"

namespace wasmrun {

Expected<Instance> Instance::create(Store& store, const Module& module, std::span<const Extern> imports) {
  if (module.impl()->engine != &store.impl().engine())
    return Error{"the module was compiled by another engine than the store's"};
  std::vector<vm::Extern> resolved;
  for (size_t i = 0; i < imports.size(); ++i) {
    if (auto ok = api::store_of(imports[i]).check_in(store, api::describe(imports[i])); !ok)
      return Error::link(fmt::format("import {}: {}", i, ok.error().message));
    resolved.push_back(api::to_vm(imports[i]));
  }
  auto inst = vm::instantiate(store.impl(), module.impl(), resolved);
  if (!inst) return inst.error();
  return Instance(store.ref(), *inst);
}

std::optional<Extern> Instance::get_export(std::string_view name) const {
  if (!store_.get_or_null()) return std::nullopt;
  auto e = impl_->find_export(name);
  if (!e) return std::nullopt;
  return api::from_vm(*e, store_);
}

namespace {
template <class T>
std::optional<T> export_as(const Instance& instance, std::string_view name) {
  auto e = instance.get_export(name);
  if (!e || !std::holds_alternative<T>(*e)) return std::nullopt;
  return std::get<T>(*e);
}
}  // namespace

std::optional<Func> Instance::get_func(std::string_view name) const { return export_as<Func>(*this, name); }
std::optional<Memory> Instance::get_memory(std::string_view name) const { return export_as<Memory>(*this, name); }
std::optional<Global> Instance::get_global(std::string_view name) const { return export_as<Global>(*this, name); }
std::optional<Table> Instance::get_table(std::string_view name) const { return export_as<Table>(*this, name); }

std::vector<std::pair<std::string, Extern>> Instance::exports() const {
  std::vector<std::pair<std::string, Extern>> out;
  if (!store_.get_or_null()) return out;
  for (const auto& [name, e] : impl_->exports()) out.emplace_back(name, api::from_vm(e, store_));
  return out;
}

}  // namespace wasmrun
