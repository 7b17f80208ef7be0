// Calls (core spec §4.4.8): direct calls to defined functions, calls to imports through their
// VMFuncRef, and call_indirect through a table with bounds, null and signature checks.
#include <llvm/IR/MDBuilder.h>

#include "jit/function_translator.h"

namespace wasmrun::jit {

namespace offsets = vm::offsets;

void FunctionTranslator::call_and_push(llvm::FunctionType* type, llvm::Value* callee, llvm::Value* callee_vmctx,
                                       const wasm::FuncType& sig, bool direct_function) {
  std::vector<llvm::Value*> args{callee_vmctx, vmctx_};
  std::vector<llvm::Value*> params = pop_n(sig.params.size());
  args.insert(args.end(), params.begin(), params.end());
  llvm::CallInst* call = direct_function ? b_.CreateCall(llvm::cast<llvm::Function>(callee), args)
                                         : b_.CreateCall(type, callee, args);
  // Unbounded recursion must exhaust the stack and trap, not become a loop (spec: call.wast).
  call->setTailCallKind(llvm::CallInst::TCK_NoTail);
  if (sig.results.size() == 1) {
    push(call);
  } else {
    for (unsigned i = 0; i < sig.results.size(); ++i) push(b_.CreateExtractValue(call, {i}));
  }
}

void FunctionTranslator::emit_call(uint32_t func_index) {
  const wasm::FuncType& sig = wasm_.func_type(func_index);
  if (func_index >= wasm_.imported_funcs) {
    call_and_push(env_.function_type(sig), env_.function(func_index), vmctx_, sig, true);
    return;
  }
  // An import: call through the exporter's VMFuncRef, which never changes once linked.
  llvm::Value* refs = vmctx_field(offsets::kFuncRefs, env_.ptr, "func_refs");
  llvm::Value* ref = load_invariant(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, refs, func_index));
  llvm::Value* code = load_invariant(env_.ptr, field_address(ref, offsets::kFuncRefCode));
  llvm::Value* callee_vmctx = load_invariant(env_.ptr, field_address(ref, offsets::kFuncRefVmctx));
  call_and_push(env_.function_type(sig), code, callee_vmctx, sig);
}

void FunctionTranslator::emit_call_indirect(uint32_t type_index, uint32_t table) {
  const wasm::FuncType& sig = wasm_.types[type_index];
  llvm::Value* index = pop();
  llvm::Value* vm_table = table_ptr(table);
  llvm::Value* size = b_.CreateLoad(env_.i32, field_address(vm_table, offsets::kTableSize), "table_size");
  trap_if(b_.CreateICmpUGE(index, size), vm::TrapCode::UndefinedElement);
  llvm::Value* elements = b_.CreateLoad(env_.ptr, field_address(vm_table, offsets::kTableElements), "elements");
  llvm::Value* element = b_.CreateLoad(env_.ptr, b_.CreateInBoundsGEP(env_.ptr, elements, b_.CreateZExt(index, env_.i64)));
  llvm::Value* ref = resolve_lazy_element(element, table, index);
  // Not the shared trap block: the message names the element ("uninitialized element 2").
  llvm::BasicBlock* uninitialized = llvm::BasicBlock::Create(env_.ctx, "uninitialized_element", fn_);
  llvm::BasicBlock* present = llvm::BasicBlock::Create(env_.ctx, "", fn_);
  b_.CreateCondBr(b_.CreateIsNull(ref), uninitialized, present, llvm::MDBuilder(env_.ctx).createUnlikelyBranchWeights());
  b_.SetInsertPoint(uninitialized);
  b_.CreateCall(env_.libcall("wasmrun_trap_uninitialized_element"), {index, frame_address(b_)});
  b_.CreateUnreachable();
  b_.SetInsertPoint(present);
  llvm::Value* sig_ids = vmctx_field(offsets::kSigIds, env_.ptr, "sig_ids");
  llvm::Value* expected = load_invariant(env_.i32, b_.CreateConstInBoundsGEP1_64(env_.i32, sig_ids, type_index));
  llvm::Value* actual = b_.CreateLoad(env_.i32, field_address(ref, offsets::kFuncRefSig));
  trap_if(b_.CreateICmpNE(actual, expected), vm::TrapCode::IndirectCallTypeMismatch);
  llvm::Value* code = b_.CreateLoad(env_.ptr, field_address(ref, offsets::kFuncRefCode));
  llvm::Value* callee_vmctx = b_.CreateLoad(env_.ptr, field_address(ref, offsets::kFuncRefVmctx));
  call_and_push(env_.function_type(sig), code, callee_vmctx, sig);
}

}  // namespace wasmrun::jit
