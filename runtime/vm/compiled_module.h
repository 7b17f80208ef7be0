// A decoded, validated and compiled module, shareable by any number of instances and stores.
#pragma once

#include <memory>
#include <span>

#include "runtime/vm/engine.h"

namespace wasmrun::vm {

struct CompiledModule {
  Engine* engine = nullptr;
  wasm::Module module;
  std::unique_ptr<CompiledCode> code;
  std::vector<uint32_t> sig_ids;  // per type index: the engine's signature id
  // Per type index: the engine's signature (stable for its life), read without its lock.
  std::vector<const wasm::FuncType*> sig_types;
};

Expected<std::shared_ptr<const CompiledModule>> compile_module(Engine& engine, std::span<const uint8_t> bytes);
Expected<std::shared_ptr<const CompiledModule>> compile_module(Engine& engine, wasm::Module module);

// An ahead-of-time artifact: written from a module binary, loaded with no code generation.
Expected<std::vector<uint8_t>> precompile_module(Engine& engine, std::span<const uint8_t> bytes);
Expected<std::shared_ptr<const CompiledModule>> load_precompiled(Engine& engine, std::span<const uint8_t> artifact);

}  // namespace wasmrun::vm
