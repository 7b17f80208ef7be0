// What every function translator of one LLVM module shares: the wasm module, LLVM types, the
// declarations of wasm functions and libcalls, and translation options.
#pragma once

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <string>
#include <vector>

#include "jit/debug_frames.h"
#include "runtime/vm/compiled_code.h"
#include "runtime/wasm/module.h"

namespace wasmrun::jit {

// Symbol names inside the JIT: defined function i is "w<i>", the entry trampoline of type t is
// "e<t>".
std::string function_symbol(uint32_t func_index);
std::string trampoline_symbol(uint32_t type_index);

// Baseline code of the lazy tier counts each function's calls and loop iterations down from a
// budget in `counters` (one per defined function, owned by the lazy code, which outlives the
// code); at zero it calls `hot(owner, func_index)` (jit/lazy_code.cpp).
struct HotnessCounting {
  int32_t* counters;
  void (*hot)(void* owner, uint32_t func_index);
  void* owner;
};

class ModuleEnv {
 public:
  ModuleEnv(llvm::LLVMContext& ctx, llvm::Module& module, const wasm::Module& wasm, const vm::CompileOptions& options);

  llvm::LLVMContext& ctx;
  llvm::Module& llvm_module;
  const wasm::Module& wasm;
  const vm::CompileOptions& options;
  DebugLocations debug;  // wasm offsets as debug locations, for backtraces through inlining
  const HotnessCounting* hotness = nullptr;  // set: translated functions count their hotness

  llvm::Type* i8;
  llvm::Type* i32;
  llvm::Type* i64;
  llvm::Type* f32;
  llvm::Type* f64;
  llvm::Type* v128;  // canonical <4 x i32>; other lane shapes are bitcasts
  llvm::PointerType* ptr;
  llvm::Type* void_type;

  llvm::Type* type_of(wasm::ValType t) const;
  // results (ptr callee_vmctx, ptr caller_vmctx, params...)
  llvm::FunctionType* function_type(const wasm::FuncType& t) const;
  llvm::Type* results_type(const wasm::FuncType& t) const;

  // The declaration (or definition, when this module defines it) of defined function `index`.
  llvm::Function* function(uint32_t func_index);
  llvm::FunctionCallee libcall(const char* name);

 private:
  std::vector<llvm::Function*> functions_;
};

}  // namespace wasmrun::jit
