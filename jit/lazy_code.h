// The lazy baseline tier (DESIGN §5): a module starts with one stub per defined function and no
// compiled body. A stub's first call compiles that function alone at O0 (FastISel) on the
// calling thread and points the stub at it. Stubs, first-call resolution and stub updates are
// ORC's lazy re-exports (a jump through a pointer per function); calls between functions go
// through the stubs, calls from host code and tables too (VMFuncRef::code is the stub).
//
// Tier-up, per function (as V8 from Liftoff to TurboFan): baseline code counts down a budget per
// function by the bytes of wasm code it runs (the body's size per call, the loop's per
// iteration; FunctionTranslator::emit_hotness_count). A function whose budget is spent is queued
// and compiled alone at the configured level on a small pool of background threads at the lowest
// priority (nice 19), then its stub is pointed at the optimized code: one pointer store, so the
// guest never stops; frames running baseline code finish in it, every later call (direct, from
// the host, through a table) takes the optimized code. The optimized function calls the functions
// optimized before it directly and the others through their stubs. Each code range is registered
// with its object's DWARF, so traps in either tier report wasm frames with offsets. Whole-module
// tier-up (CompileOptions::tier_up_whole_module) compiles the whole module in the background
// instead, switches every stub at once and stores the result in the code cache.
#pragma once

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/LazyReexports.h>

#include <memory>

#include "jit/persistent_code.h"
#include "jit/module_env.h"

namespace wasmrun::jit {

// What the lazy tier needs from the LLVM code generator besides its object pipeline.
class LazyPipeline : public ObjectPipeline {
 public:
  virtual llvm::orc::LLJIT& jit() = 0;
  virtual Expected<llvm::orc::LazyCallThroughManager*> call_through_manager() = 0;
  // One object compiled at `opt_level`, its contents written by `emit`.
  virtual Expected<std::unique_ptr<llvm::MemoryBuffer>> emit_object(const wasm::Module& module,
                                                                    const vm::CompileOptions& options,
                                                                    const std::string& name,
                                                                    const std::function<void(ModuleEnv&)>& emit) = 0;
  virtual Expected<void> define_libcalls(llvm::orc::JITDylib& dylib) = 0;
};

// One per engine: the resolver behind every stub's first call.
Expected<std::unique_ptr<llvm::orc::LazyCallThroughManager>> create_call_through_manager(llvm::orc::LLJIT& jit);

// `module` must outlive the code (CompiledModule destroys its code first).
Expected<std::unique_ptr<vm::CompiledCode>> create_lazy_code(LazyPipeline& pipeline, const wasm::Module& module,
                                                             const vm::CompileOptions& options,
                                                             std::shared_ptr<CodeCache> cache);

}  // namespace wasmrun::jit
