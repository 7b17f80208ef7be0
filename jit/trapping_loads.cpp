#include "jit/trapping_loads.h"

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/IR/Instructions.h>

namespace wasmrun::jit {

namespace {

// True when some chain of users of `v` ends in an instruction with an effect (a store, a call, a
// branch condition, a return, ...). Cycles through PHIs count as unobservable.
bool reaches_effect(llvm::Value* v, llvm::SmallPtrSetImpl<llvm::Value*>& visited) {
  if (!visited.insert(v).second) return false;
  for (llvm::User* user : v->users()) {
    auto* inst = llvm::dyn_cast<llvm::Instruction>(user);
    if (!inst) return true;
    if (inst->mayHaveSideEffects() || inst->isTerminator()) return true;
    if (reaches_effect(inst, visited)) return true;
  }
  return false;
}

}  // namespace

llvm::PreservedAnalyses KeepTrappingLoadsPass::run(llvm::Function& f, llvm::FunctionAnalysisManager&) {
  unsigned kind = f.getContext().getMDKindID(kLinearMemoryAccess);
  bool changed = false;
  for (llvm::BasicBlock& block : f)
    for (llvm::Instruction& inst : block) {
      auto* load = llvm::dyn_cast<llvm::LoadInst>(&inst);
      if (!load || load->isVolatile() || !load->getMetadata(kind)) continue;
      llvm::SmallPtrSet<llvm::Value*, 16> visited;
      if (!reaches_effect(load, visited)) {
        load->setVolatile(true);
        changed = true;
      }
    }
  return changed ? llvm::PreservedAnalyses::none() : llvm::PreservedAnalyses::all();
}

}  // namespace wasmrun::jit
