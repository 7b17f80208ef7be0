// Tables and references (core spec §4.4.6, §4.4.2): table.get/set/size inline with a bounds
// check; growing, filling, copying and initialising through libcalls.
#include <llvm/IR/MDBuilder.h>

#include "jit/function_translator.h"

namespace wasmrun::jit {

using wasm::Op;
namespace offsets = vm::offsets;

llvm::Value* FunctionTranslator::table_ptr(uint32_t index) {
  llvm::Value* tables = vmctx_field(offsets::kTables, env_.ptr, "tables");
  return load_invariant(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, tables, index));
}

llvm::Value* FunctionTranslator::resolve_lazy_element(llvm::Value* element, uint32_t table, llvm::Value* index) {
  if (wasm_.tables[table].element != wasm::ValType::FuncRef) return element;
  llvm::BasicBlock* from = b_.GetInsertBlock();
  llvm::BasicBlock* lazy = llvm::BasicBlock::Create(env_.ctx, "lazy_element", fn_);
  llvm::BasicBlock* done = llvm::BasicBlock::Create(env_.ctx, "", fn_);
  b_.CreateCondBr(b_.CreateIsNull(element), lazy, done, llvm::MDBuilder(env_.ctx).createUnlikelyBranchWeights());
  b_.SetInsertPoint(lazy);
  llvm::Value* resolved = b_.CreateCall(env_.libcall("wasmrun_table_lazy_get"), {vmctx_, b_.getInt32(table), index});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* result = b_.CreatePHI(env_.ptr, 2);
  result->addIncoming(element, from);
  result->addIncoming(resolved, lazy);
  return result;
}

void FunctionTranslator::emit_table_op(const wasm::Instr& in) {
  auto element_address = [&](llvm::Value* table, llvm::Value* index) {
    llvm::Value* size = b_.CreateLoad(env_.i32, field_address(table, offsets::kTableSize));
    trap_if(b_.CreateICmpUGE(index, size), vm::TrapCode::TableOutOfBounds);
    llvm::Value* elements = b_.CreateLoad(env_.ptr, field_address(table, offsets::kTableElements));
    return b_.CreateInBoundsGEP(env_.ptr, elements, b_.CreateZExt(index, env_.i64));
  };
  switch (in.op) {
    case Op::TableGet: {
      llvm::Value* index = pop();
      llvm::Value* element = b_.CreateLoad(env_.ptr, element_address(table_ptr(in.index), index));
      push(resolve_lazy_element(element, in.index, index));
      break;
    }
    case Op::TableSet: {
      llvm::Value* value = pop();
      llvm::Value* index = pop();
      llvm::Value* address = element_address(table_ptr(in.index), index);
      if (wasm_.tables[in.index].element != wasm::ValType::FuncRef) {
        ordered_store(value, address, llvm::Align(8));
        break;
      }
      // A null stored into a funcref table ends its lazy initialisation (vm::Table::set).
      llvm::BasicBlock* store_null = llvm::BasicBlock::Create(env_.ctx, "store_null", fn_);
      llvm::BasicBlock* store = llvm::BasicBlock::Create(env_.ctx, "store", fn_);
      llvm::BasicBlock* done = llvm::BasicBlock::Create(env_.ctx, "", fn_);
      b_.CreateCondBr(b_.CreateIsNull(value), store_null, store);
      b_.SetInsertPoint(store_null);
      b_.CreateCall(env_.libcall("wasmrun_table_set_null"), {vmctx_, b_.getInt32(in.index), index});
      b_.CreateBr(done);
      b_.SetInsertPoint(store);
      ordered_store(value, address, llvm::Align(8));
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
      break;
    }
    case Op::TableSize:
      push(b_.CreateLoad(env_.i32, field_address(table_ptr(in.index), offsets::kTableSize)));
      break;
    case Op::TableGrow: {
      llvm::Value* delta = pop();
      llvm::Value* init = pop();
      push(b_.CreateCall(env_.libcall("wasmrun_table_grow"), {vmctx_, b_.getInt32(in.index), init, delta}));
      break;
    }
    case Op::TableFill: {
      llvm::Value* n = pop();
      llvm::Value* value = pop();
      llvm::Value* i = pop();
      b_.CreateCall(env_.libcall("wasmrun_table_fill"), {vmctx_, b_.getInt32(in.index), i, value, n});
      break;
    }
    case Op::TableCopy: {
      llvm::Value* n = pop();
      llvm::Value* src = pop();
      llvm::Value* dst = pop();
      b_.CreateCall(env_.libcall("wasmrun_table_copy"),
                    {vmctx_, b_.getInt32(in.index), b_.getInt32(in.index2), dst, src, n});
      break;
    }
    case Op::TableInit: {
      llvm::Value* n = pop();
      llvm::Value* src = pop();
      llvm::Value* dst = pop();
      b_.CreateCall(env_.libcall("wasmrun_table_init"),
                    {vmctx_, b_.getInt32(in.index2), b_.getInt32(in.index), dst, src, n});
      break;
    }
    case Op::ElemDrop:
      b_.CreateCall(env_.libcall("wasmrun_elem_drop"), {vmctx_, b_.getInt32(in.index)});
      break;
    case Op::RefNull:
      push(llvm::ConstantPointerNull::get(env_.ptr));
      break;
    case Op::RefIsNull:
      push(b_.CreateZExt(b_.CreateIsNull(pop()), env_.i32));
      break;
    case Op::RefFunc: {
      llvm::Value* refs = vmctx_field(offsets::kFuncRefs, env_.ptr, "func_refs");
      llvm::Value* slot = b_.CreateConstInBoundsGEP1_64(env_.ptr, refs, in.index);
      if (in.index < wasm_.imported_funcs) {
        push(load_invariant(env_.ptr, slot));
        break;
      }
      // A defined function's record is made on first use (vm::Instance::func_ref): null until then.
      llvm::Value* known = b_.CreateLoad(env_.ptr, slot);
      llvm::BasicBlock* from = b_.GetInsertBlock();
      llvm::BasicBlock* make = llvm::BasicBlock::Create(env_.ctx, "make_func_ref", fn_);
      llvm::BasicBlock* done = llvm::BasicBlock::Create(env_.ctx, "", fn_);
      b_.CreateCondBr(b_.CreateIsNull(known), make, done, llvm::MDBuilder(env_.ctx).createUnlikelyBranchWeights());
      b_.SetInsertPoint(make);
      llvm::Value* made = b_.CreateCall(env_.libcall("wasmrun_ref_func"), {vmctx_, b_.getInt32(in.index)});
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
      llvm::PHINode* ref = b_.CreatePHI(env_.ptr, 2);
      ref->addIncoming(known, from);
      ref->addIncoming(made, make);
      push(ref);
      break;
    }
    default:
      break;
  }
}

}  // namespace wasmrun::jit
