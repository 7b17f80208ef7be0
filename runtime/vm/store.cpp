#include "runtime/vm/store.h"

#include <fmt/format.h>

#include "runtime/vm/instance.h"

namespace wasmrun::vm {

namespace {
// A table larger than this is refused at creation: its elements would take 80 MB.
constexpr uint64_t kMaxInitialTableElements = 10'000'000;
}  // namespace

wasm::ExternKind kind_of(const Extern& e) {
  switch (e.index()) {
    case 0: return wasm::ExternKind::Func;
    case 1: return wasm::ExternKind::Table;
    case 2: return wasm::ExternKind::Memory;
    default: return wasm::ExternKind::Global;
  }
}

Store::Store(Engine& engine) : engine_(engine) {
  context_.epoch = engine.epoch();
}

Store::~Store() = default;

Expected<FuncInstance*> Store::create_host_func(const wasm::FuncType& type, HostCallback callback) {
  uint32_t sig = engine_.signature_id(type);
  auto stub = engine_.host_stub(sig);
  if (!stub) return stub.error();
  auto f = std::make_unique<FuncInstance>();
  f->type = &engine_.signature(sig);
  f->host = std::move(callback);
  // The stub receives the FuncInstance itself as its callee context.
  f->ref = VMFuncRef{*stub, reinterpret_cast<VMContext*>(f.get()), sig};
  return adopt_func(std::move(f));
}

FuncInstance* Store::adopt_func(std::unique_ptr<FuncInstance> f) {
  f->store = this;
  funcs_.push_back(std::move(f));
  return funcs_.back().get();
}

Expected<LinearMemory*> Store::create_memory(const wasm::MemoryType& type) {
  auto m = LinearMemory::create(type, limits_.max_memory_bytes);
  if (!m) return m.error();
  memories_.push_back(m.take());
  return memories_.back().get();
}

Expected<Table*> Store::create_table(const wasm::TableType& type, void* init) {
  if (type.limits.min > kMaxInitialTableElements)
    return Error{fmt::format("table of {} elements is larger than the limit of {}", type.limits.min,
                             kMaxInitialTableElements)};
  if (type.limits.min > limits_.max_table_elements)
    return Error{fmt::format("table minimum size of {} elements exceeds the limit of {} elements", type.limits.min,
                             limits_.max_table_elements)};
  tables_.push_back(std::make_unique<Table>(type, init, limits_.max_table_elements));
  return tables_.back().get();
}

std::optional<std::string> Store::limit_refusal() const {
  for (const auto& m : memories_)
    if (m->limit_refusal()) return m->limit_refusal();
  for (const auto& t : tables_)
    if (t->limit_refusal()) return t->limit_refusal();
  return std::nullopt;
}

GlobalInstance* Store::create_global(const wasm::GlobalType& type) {
  globals_.push_back(std::make_unique<GlobalInstance>());
  globals_.back()->type = type;
  return globals_.back().get();
}

Instance* Store::adopt_instance(std::unique_ptr<Instance> instance) {
  instances_.push_back(std::move(instance));
  return instances_.back().get();
}

}  // namespace wasmrun::vm
