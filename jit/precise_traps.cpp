#include "jit/precise_traps.h"

#include <llvm/IR/InlineAsm.h>

namespace wasmrun::jit {

void insert_memory_barrier(llvm::IRBuilderBase& b) {
  auto* type = llvm::FunctionType::get(b.getVoidTy(), false);
  b.CreateCall(type, llvm::InlineAsm::get(type, "", "~{memory}", /*hasSideEffects=*/true));
}

}  // namespace wasmrun::jit
