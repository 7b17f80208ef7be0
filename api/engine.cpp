#include "wasmrun/engine.h"

#include "jit/llvm_code_generator.h"
#include "runtime/vm/engine.h"
#include "wasmrun/value.h"

namespace wasmrun {

Expected<Engine> Engine::create(const Config& config) {
  auto codegen = jit::create_llvm_code_generator();
  if (!codegen) return codegen.error();
  vm::EngineConfig c;
  c.compile.opt_level = config.opt_level;
  c.compile.epoch_interruption = config.epoch_interruption;
  c.max_wasm_stack = config.max_wasm_stack;
  return Engine(std::make_shared<vm::Engine>(c, codegen.take()));
}

void Engine::increment_epoch() { impl_->increment_epoch(); }

std::string_view to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "?";
}

}  // namespace wasmrun
