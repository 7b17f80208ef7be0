#include "wasmrun/instance_pre.h"

#include <fmt/format.h>

#include <string_view>

#include "api/conversions.h"
#include "runtime/vm/instance_pre.h"
#include "runtime/vm/pooling_allocator.h"

namespace wasmrun {

Expected<PoolingAllocator> PoolingAllocator::create(const PoolingConfig& c) {
  vm::PoolingConfig config;
  config.instances = c.instances;
  config.max_memory_bytes = c.max_memory_bytes;
  config.max_tables = c.max_tables;
  config.max_table_elements = c.max_table_elements;
  config.instance_bytes = c.instance_bytes;
  config.keep_resident_bytes = c.keep_resident_bytes;
  auto pool = vm::PoolingAllocator::create(config);
  if (!pool) return pool.error();
  return PoolingAllocator(std::shared_ptr<vm::PoolingAllocator>(pool.take()));
}

uint32_t PoolingAllocator::in_use() const { return impl_->in_use(); }

bool is_pool_exhausted(const Error& error) { return std::string_view(error.message).starts_with(vm::kPoolExhausted); }

Expected<InstancePre> InstancePre::create(const Linker& linker, const Module& module, const PoolingAllocator* pool,
                                          bool leave_undefined_open) {
  // Host functions are made in a store of the template's own, which lives as long as it does.
  auto host_store = std::make_shared<Store>(Engine(linker.engine()));
  auto imports = linker.resolve(*host_store, module, true);
  if (!imports) return imports.error();
  std::vector<ImportDesc> descs = module.imports();
  std::vector<std::optional<vm::Extern>> resolved;
  std::vector<detail::StoreRef> bound;
  for (size_t i = 0; i < imports->size(); ++i) {
    const std::optional<Extern>& e = (*imports)[i];
    if (!e && !leave_undefined_open)
      return Error::link(fmt::format("unknown import: \"{}\" \"{}\" is not defined", descs[i].module, descs[i].name));
    if (!e) {
      resolved.emplace_back();
      continue;
    }
    if (api::store_of(*e).get_or_null() != &host_store->impl()) bound.push_back(api::store_of(*e));
    resolved.emplace_back(api::to_vm(*e));
  }
  vm::InstancePreOptions options;
  if (pool) options.pool = pool->impl();
  options.imports_owner = host_store;
  auto pre = vm::InstancePre::create(module.impl(), std::move(resolved), std::move(options));
  if (!pre) return pre.error();
  return InstancePre(pre.take(), std::move(bound));
}

Expected<Instance> InstancePre::instantiate(Store& store, std::span<const Extern> open_imports) const {
  if (impl_->module->engine != &store.impl().engine())
    return Error{"the module was compiled by another engine than the store's"};
  for (const detail::StoreRef& ref : *bound_)
    if (auto ok = ref.check_in(store, "import"); !ok) return Error::link(ok.error().message);
  // Few and small: a stack array spares the hot path an allocation.
  constexpr size_t kInline = 16;
  vm::Extern inline_imports[kInline];
  std::vector<vm::Extern> many;
  std::span<vm::Extern> imports(inline_imports, open_imports.size());
  if (open_imports.size() > kInline) {
    many.resize(open_imports.size());
    imports = many;
  }
  for (size_t i = 0; i < open_imports.size(); ++i) {
    if (auto ok = api::store_of(open_imports[i]).check_in(store, api::describe(open_imports[i])); !ok)
      return Error::link(fmt::format("open import {}: {}", i, ok.error().message));
    imports[i] = api::to_vm(open_imports[i]);
  }
  auto inst = vm::instantiate(store.impl(), impl_, imports);
  if (!inst) return inst.error();
  return Instance(store.ref(), *inst);
}

}  // namespace wasmrun
