#include "runtime/vm/compiled_module.h"

#include "runtime/decode/module_decoder.h"

namespace wasmrun::vm {

Expected<std::shared_ptr<const CompiledModule>> compile_module(Engine& engine, std::span<const uint8_t> bytes) {
  auto module = wasm::decode_module(bytes);
  if (!module) return module.error();
  return compile_module(engine, module.take());
}

Expected<std::shared_ptr<const CompiledModule>> compile_module(Engine& engine, wasm::Module module) {
  auto compiled = std::make_shared<CompiledModule>();
  compiled->engine = &engine;
  compiled->module = std::move(module);
  for (const wasm::FuncType& t : compiled->module.types) compiled->sig_ids.push_back(engine.signature_id(t));
  auto code = engine.codegen().compile(compiled->module, engine.config().compile);
  if (!code) return code.error();
  compiled->code = code.take();
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

}  // namespace wasmrun::vm
