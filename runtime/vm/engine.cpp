#include "runtime/vm/engine.h"

namespace wasmrun::vm {

uint32_t Engine::signature_id(const wasm::FuncType& type) {
  std::lock_guard lock(mutex_);
  // Looked up before inserting: emplace would copy the type into a node every time.
  if (auto it = ids_.find(type); it != ids_.end()) return it->second;
  uint32_t id = uint32_t(types_.size());
  ids_.emplace(type, id);
  types_.push_back(type);
  return id;
}

Expected<Engine::HostSignature> Engine::host_signature(const wasm::FuncType& type) {
  uint32_t sig = signature_id(type);
  auto stub = host_stub(sig);
  if (!stub) return stub.error();
  return HostSignature{sig, &signature(sig), *stub};
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
