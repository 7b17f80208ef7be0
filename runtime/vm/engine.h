// The engine: configuration, the code generator, and the registry that gives every distinct
// function type an engine-wide signature id (what call_indirect compares).
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "runtime/vm/compiled_code.h"

namespace wasmrun::vm {

struct EngineConfig {
  CompileOptions compile;
  size_t max_wasm_stack = size_t(1) << 20;  // bytes of native stack wasm may use per entry
};

class Engine {
 public:
  Engine(EngineConfig config, std::unique_ptr<CodeGenerator> codegen)
      : config_(config), codegen_(std::move(codegen)) {}

  const EngineConfig& config() const { return config_; }
  CodeGenerator& codegen() { return *codegen_; }

  uint32_t signature_id(const wasm::FuncType& type);
  // Stable for the engine's life.
  const wasm::FuncType& signature(uint32_t id) const;

  // Host stubs and entry trampolines, generated once per signature.
  Expected<void*> host_stub(uint32_t sig);
  // What a host function of `type` needs, looked up once (its caller keeps it for later ones).
  struct HostSignature {
    uint32_t sig;
    const wasm::FuncType* type;  // stable for the engine's life
    void* stub;
  };
  Expected<HostSignature> host_signature(const wasm::FuncType& type);
  Expected<EntryTrampoline> entry_trampoline(uint32_t sig);

  // Epoch-based interruption: guests compiled with epoch checks trap once the epoch reaches their
  // store's deadline.
  const std::atomic<uint64_t>* epoch() const { return &epoch_; }
  void increment_epoch() { epoch_.fetch_add(1, std::memory_order_relaxed); }

 private:
  EngineConfig config_;
  std::unique_ptr<CodeGenerator> codegen_;
  std::atomic<uint64_t> epoch_{0};

  mutable std::mutex mutex_;
  struct TypeLess {
    bool operator()(const wasm::FuncType& a, const wasm::FuncType& b) const {
      return std::tie(a.params, a.results) < std::tie(b.params, b.results);
    }
  };
  std::map<wasm::FuncType, uint32_t, TypeLess> ids_;
  std::deque<wasm::FuncType> types_;  // by id; a deque keeps references stable
  std::map<uint32_t, void*> host_stubs_;
  std::map<uint32_t, EntryTrampoline> trampolines_;
};

}  // namespace wasmrun::vm
