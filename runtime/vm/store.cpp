#include "runtime/vm/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <memory>

#include "runtime/vm/instance.h"
#include "support/thread_block_cache.h"

namespace wasmrun::vm {

Store::Store(Engine& engine) : engine_(engine) {
  context_.epoch = engine.epoch();
}

Store::~Store() {
  while (Instance* inst = instances_) {
    instances_ = inst->next_in_store;
    Instance::destroy(inst);
  }
  for (FuncBlock& b : func_blocks_) {
    std::destroy_n(b.funcs, b.used);
    if (b.capacity == kCachedFuncBlock) ThreadBlockCache<kCachedFuncBlock * sizeof(FuncInstance)>::give(b.funcs);
    else ::operator delete(b.funcs);
  }
}

Expected<FuncInstance*> Store::create_host_func(const wasm::FuncType& type, HostCallback callback) {
  auto signature = engine_.host_signature(type);
  if (!signature) return signature.error();
  return create_host_func(*signature, std::move(callback));
}

FuncInstance* Store::create_host_func(const Engine::HostSignature& signature, HostCallback callback) {
  FuncInstance* f = new_func();
  f->type = signature.type;
  f->host = std::move(callback);
  // The stub receives the FuncInstance itself as its callee context.
  f->ref = VMFuncRef{signature.stub, reinterpret_cast<VMContext*>(f), signature.sig};
  return f;
}

bool Store::owns_func_ref(const VMFuncRef* ref) const {
  for (const FuncBlock& b : func_blocks_) {
    for (size_t i = 0; i < b.used; ++i)
      if (&b.funcs[i].ref == ref) return true;
  }
  for (const Instance* i = instances_; i; i = i->next_in_store) {
    std::less<const VMFuncRef*> before;
    if (!i->defined_refs.empty() && !before(ref, i->defined_refs.data()) &&
        before(ref, i->defined_refs.data() + i->defined_refs.size())) {
      return true;
    }
    for (const VMFuncRef* r : i->func_refs) {
      if (r == ref) return true;
    }
  }
  return false;
}

void Store::reserve_funcs(size_t n) {
  if (n == 0 || (!func_blocks_.empty() && func_blocks_.back().capacity - func_blocks_.back().used >= n)) return;
  func_blocks_.reserve(func_blocks_.size() + 1);  // before the storage: push_back cannot throw
  size_t capacity = std::max(n, kCachedFuncBlock);
  void* storage = capacity == kCachedFuncBlock ? ThreadBlockCache<kCachedFuncBlock * sizeof(FuncInstance)>::take()
                                                : ::operator new(capacity * sizeof(FuncInstance));
  func_blocks_.push_back(FuncBlock{static_cast<FuncInstance*>(storage), 0, capacity});
}

FuncInstance* Store::new_func() {
  if (func_blocks_.empty() || func_blocks_.back().used == func_blocks_.back().capacity)
    reserve_funcs(func_blocks_.empty() ? kCachedFuncBlock : func_blocks_.back().capacity * 2);
  FuncBlock& b = func_blocks_.back();
  FuncInstance* f = new (&b.funcs[b.used]) FuncInstance{};
  ++b.used;
  ++func_count_;
  f->store = this;
  return f;
}

Expected<LinearMemory*> Store::create_memory(const wasm::MemoryType& type) {
  auto m = LinearMemory::create(type, limits_.max_memory_bytes);
  if (!m) return m.error();
  return adopt_memory(m.take());
}

LinearMemory* Store::adopt_memory(std::unique_ptr<LinearMemory> memory) {
  memories_.push_back(std::move(memory));
  return memories_.back().get();
}

Expected<void> Store::check_table_minimum(const wasm::TableType& type) const {
  if (type.limits.min > kMaxInitialTableElements)
    return Error{fmt::format("table of {} elements is larger than the limit of {}", type.limits.min,
                             kMaxInitialTableElements)};
  if (type.limits.min > limits_.max_table_elements)
    return Error{fmt::format("table minimum size of {} elements exceeds the limit of {} elements", type.limits.min,
                             limits_.max_table_elements)};
  return {};
}

Expected<Table*> Store::create_table(const wasm::TableType& type, void* init) {
  if (auto ok = check_table_minimum(type); !ok) return ok.error();
  tables_.push_back(std::make_unique<Table>(type, init, limits_.max_table_elements));
  return tables_.back().get();
}

std::optional<std::string> Store::limit_refusal() const {
  for (const auto& m : memories_)
    if (m->limit_refusal()) return m->limit_refusal();
  for (const auto& t : tables_)
    if (t->limit_refusal()) return t->limit_refusal();
  // What instances define lives in their blocks (and pool slots).
  for (const Instance* inst = instances_; inst; inst = inst->next_in_store) {
    const wasm::Module& m = inst->module->module;
    for (size_t i = m.imported_memories; i < m.memories.size(); ++i)
      if (inst->memories[i] && inst->memories[i]->limit_refusal()) return inst->memories[i]->limit_refusal();
    for (size_t i = m.imported_tables; i < m.tables.size(); ++i)
      if (inst->tables[i] && inst->tables[i]->limit_refusal()) return inst->tables[i]->limit_refusal();
  }
  return std::nullopt;
}

GlobalInstance* Store::create_global(const wasm::GlobalType& type) {
  globals_.push_back(std::make_unique<GlobalInstance>());
  globals_.back()->type = type;
  return globals_.back().get();
}

void Store::adopt_instance(Instance* instance) {
  instance->next_in_store = instances_;
  instances_ = instance;
}

void Store::destroy_last_instance(Instance* instance) {
  instances_ = instance->next_in_store;
  Instance::destroy(instance);
}

}  // namespace wasmrun::vm
