#include "wasmrun/engine.h"

#include "api/conversions.h"
#include "jit/llvm_code_generator.h"
#include "runtime/vm/engine.h"
#include "wasmrun/value.h"

namespace wasmrun {

Expected<Engine> Engine::create(const Config& config) {
  std::shared_ptr<jit::CodeCache> cache;
  if (!config.cache_dir.empty())
    cache = std::make_shared<jit::CodeCache>(jit::CodeCacheConfig{config.cache_dir, config.cache_max_bytes});
  auto codegen = jit::create_llvm_code_generator(std::move(cache));
  if (!codegen) return codegen.error();
  vm::EngineConfig c;
  c.compile.opt_level = config.opt_level;
  c.compile.epoch_interruption = config.epoch_interruption;
  c.max_wasm_stack = config.max_wasm_stack;
  return Engine(std::make_shared<vm::Engine>(c, codegen.take()));
}

std::string default_cache_dir() { return jit::CodeCache::default_directory(); }

void Engine::increment_epoch() { impl_->increment_epoch(); }

std::string_view to_string(ValType t) { return wasm::to_string(api::to_wasm(t)); }

}  // namespace wasmrun
