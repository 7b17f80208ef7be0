// local.get/set/tee and global.get/set (core spec §4.4.5). Globals live in 16-byte cells the
// instance context points at; immutable globals load as invariant.
#include "jit/function_translator.h"

namespace wasmrun::jit {

using wasm::Op;
namespace offsets = vm::offsets;

void FunctionTranslator::emit_local(const wasm::Instr& in) {
  llvm::AllocaInst* slot = local_slot(in.index);
  switch (in.op) {
    case Op::LocalGet:
      push(b_.CreateLoad(slot->getAllocatedType(), slot));
      break;
    case Op::LocalSet:
      b_.CreateStore(pop(), slot);
      break;
    default:  // LocalTee
      b_.CreateStore(stack_.back(), slot);
      break;
  }
}

llvm::Value* FunctionTranslator::global_cell(uint32_t index) {
  llvm::Value* cells = vmctx_field(offsets::kGlobals, env_.ptr, "globals");
  return load_invariant(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, cells, index));
}

void FunctionTranslator::emit_global(const wasm::Instr& in) {
  const wasm::GlobalType& g = wasm_.global_types[in.index];
  llvm::Type* type = env_.type_of(g.type);
  llvm::Value* cell = global_cell(in.index);
  if (in.op == Op::GlobalGet) {
    llvm::LoadInst* load = g.is_mutable ? b_.CreateLoad(type, cell) : load_invariant(type, cell);
    load->setAlignment(llvm::Align(16));
    push(load);
  } else {
    ordered_store(pop(), cell, llvm::Align(16));
  }
}

}  // namespace wasmrun::jit
