// The lazy baseline tier (DESIGN §5): a module starts with one stub per defined function and no
// compiled body. A stub's first call compiles that function alone at O0 (FastISel) on the
// calling thread and points the stub at it; meanwhile a background thread compiles the whole
// module at the configured level, stores it in the code cache, and points every stub at the
// optimized code — running frames finish in the code they are in, later calls take the new one.
// Stubs, first-call resolution and stub updates are ORC's lazy re-exports (a jump through a
// pointer per function); calls between functions go through the stubs, calls from host code and
// tables too (VMFuncRef::code is the stub).
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
