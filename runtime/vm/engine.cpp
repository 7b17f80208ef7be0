#include "runtime/vm/engine.h"

namespace wasmrun::vm {

uint32_t Engine::signature_id(const wasm::FuncType& type) {
  std::lock_guard lock(mutex_);
  auto [it, added] = ids_.emplace(type, uint32_t(types_.size()));
  if (added) types_.push_back(type);
  return it->second;
}

const wasm::FuncType& Engine::signature(uint32_t id) const {
  std::lock_guard lock(mutex_);
  return types_[id];
}

Expected<void*> Engine::host_stub(uint32_t sig) {
  std::lock_guard lock(mutex_);
  if (auto it = host_stubs_.find(sig); it != host_stubs_.end()) return it->second;
  auto stub = codegen_->host_stub(types_[sig]);
  if (stub) host_stubs_[sig] = *stub;
  return stub;
}

Expected<EntryTrampoline> Engine::entry_trampoline(uint32_t sig) {
  std::lock_guard lock(mutex_);
  if (auto it = trampolines_.find(sig); it != trampolines_.end()) return it->second;
  auto t = codegen_->entry_trampoline(types_[sig]);
  if (t) trampolines_[sig] = *t;
  return t;
}

}  // namespace wasmrun::vm
