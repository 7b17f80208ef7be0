#include "runtime/vm/compiled_module.h"

#include "runtime/decode/module_decoder.h"

namespace wasmrun::vm {

namespace {

std::shared_ptr<CompiledModule> with_signatures(Engine& engine, wasm::Module module) {
  auto compiled = std::make_shared<CompiledModule>();
  compiled->engine = &engine;
  compiled->module = std::move(module);
  for (const wasm::FuncType& t : compiled->module.types) {
    compiled->sig_ids.push_back(engine.signature_id(t));
    compiled->sig_types.push_back(&engine.signature(compiled->sig_ids.back()));
  }
  return compiled;
}

std::shared_ptr<const CompiledModule> from_loaded(Engine& engine, LoadedCode loaded) {
  auto compiled = with_signatures(engine, std::move(loaded.module));
  compiled->code = std::move(loaded.code);
  return compiled;
}

}  // namespace

Expected<std::shared_ptr<const CompiledModule>> compile_module(Engine& engine, std::span<const uint8_t> bytes) {
  if (auto cached = engine.codegen().load_cached(bytes, engine.config().compile)) return from_loaded(engine, std::move(*cached));
  auto module = wasm::decode_module(bytes);
  if (!module) return module.error();
  return compile_module(engine, module.take());
}

Expected<std::shared_ptr<const CompiledModule>> compile_module(Engine& engine, wasm::Module module) {
  auto compiled = with_signatures(engine, std::move(module));
  auto code = engine.codegen().compile(compiled->module, engine.config().compile);
  if (!code) return code.error();
  compiled->code = code.take();
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

Expected<std::vector<uint8_t>> precompile_module(Engine& engine, std::span<const uint8_t> bytes) {
  auto module = wasm::decode_module(bytes);
  if (!module) return module.error();
  return engine.codegen().serialize(*module, engine.config().compile);
}

Expected<std::shared_ptr<const CompiledModule>> load_precompiled(Engine& engine, std::span<const uint8_t> artifact) {
  auto loaded = engine.codegen().deserialize(artifact, engine.config().compile);
  if (!loaded) return loaded.error();
  return from_loaded(engine, loaded.take());
}

}  // namespace wasmrun::vm
