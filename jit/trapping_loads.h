// LLVM assumes loads cannot trap, so it deletes loads whose values are never used. In wasm an
// out-of-bounds load traps even when its value is dropped (spec: address.wast), and our loads
// trap through the guard region. This pass runs right after locals become SSA values: every
// linear-memory load whose value reaches nothing observable is made volatile, which LLVM keeps.
// Loads that are used stay ordinary loads, free to be optimized.
#pragma once

#include <llvm/IR/PassManager.h>

namespace wasmrun::jit {

// The metadata kind marking loads from linear memory.
inline constexpr const char* kLinearMemoryAccess = "wasmrun.memory";

struct KeepTrappingLoadsPass : llvm::PassInfoMixin<KeepTrappingLoadsPass> {
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager& am);
};

}  // namespace wasmrun::jit
