// Linear memory access (core spec §4.4.7). Accesses compute base + zext(index) + offset with no
// bounds check: the 8 GiB reservation turns any out-of-range access into a fault (DESIGN §1).
// Bulk operations check their whole range first, as the spec requires. Memory 0's base is
// loaded once per function; other memories (Wasm 3.0 multi-memory) through vmctx->memories,
// each with its own reservation, so the fault stays the bounds check.
#include "jit/function_translator.h"
#include "jit/precise_traps.h"

namespace wasmrun::jit {

using wasm::Op;
namespace offsets = vm::offsets;

llvm::Value* FunctionTranslator::memory_record(uint32_t memory) {
  if (memory == 0) return vmctx_field(offsets::kMemory0, env_.ptr, "memory0");
  llvm::Value* memories = vmctx_field(offsets::kMemories, env_.ptr, "memories");
  return load_invariant(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, memories, memory));
}

llvm::Value* FunctionTranslator::memory_base(uint32_t memory) {
  if (memory == 0) return memory_base_;
  return load_invariant(env_.ptr, field_address(memory_record(memory), offsets::kMemoryBase));
}

llvm::Value* FunctionTranslator::effective_address(llvm::Value* index, uint64_t offset, uint32_t memory) {
  llvm::Value* address = b_.CreateZExt(index, env_.i64);
  if (offset) address = b_.CreateAdd(address, b_.getInt64(offset), "", /*HasNUW=*/true);
  return b_.CreateGEP(env_.i8, memory_base(memory), address);
}

llvm::LoadInst* FunctionTranslator::memory_load(llvm::Type* type, llvm::Value* address) {
  // Volatile: it may trap, so it stays, in its place (precise_traps.h).
  return b_.CreateAlignedLoad(type, address, llvm::Align(1), /*isVolatile=*/true);
}

void FunctionTranslator::emit_load(const wasm::Instr& in) {
  llvm::Value* address = effective_address(pop(), in.bits, in.index2);
  auto load = [&](llvm::Type* t) { return memory_load(t, address); };
  llvm::Type* i8 = env_.i8;
  llvm::Type* i16 = b_.getInt16Ty();
  switch (in.op) {
    case Op::I32Load: push(load(env_.i32)); break;
    case Op::I64Load: push(load(env_.i64)); break;
    case Op::F32Load: push(load(env_.f32)); break;
    case Op::F64Load: push(load(env_.f64)); break;
    case Op::I32Load8S: push(b_.CreateSExt(load(i8), env_.i32)); break;
    case Op::I32Load8U: push(b_.CreateZExt(load(i8), env_.i32)); break;
    case Op::I32Load16S: push(b_.CreateSExt(load(i16), env_.i32)); break;
    case Op::I32Load16U: push(b_.CreateZExt(load(i16), env_.i32)); break;
    case Op::I64Load8S: push(b_.CreateSExt(load(i8), env_.i64)); break;
    case Op::I64Load8U: push(b_.CreateZExt(load(i8), env_.i64)); break;
    case Op::I64Load16S: push(b_.CreateSExt(load(i16), env_.i64)); break;
    case Op::I64Load16U: push(b_.CreateZExt(load(i16), env_.i64)); break;
    case Op::I64Load32S: push(b_.CreateSExt(load(env_.i32), env_.i64)); break;
    case Op::I64Load32U: push(b_.CreateZExt(load(env_.i32), env_.i64)); break;
    default: break;
  }
}

void FunctionTranslator::emit_store(const wasm::Instr& in) {
  llvm::Value* value = pop();
  llvm::Value* address = effective_address(pop(), in.bits, in.index2);
  switch (in.op) {
    case Op::I32Store8: case Op::I64Store8: value = b_.CreateTrunc(value, env_.i8); break;
    case Op::I32Store16: case Op::I64Store16: value = b_.CreateTrunc(value, b_.getInt16Ty()); break;
    case Op::I64Store32: value = b_.CreateTrunc(value, env_.i32); break;
    default: break;
  }
  ordered_store(value, address, llvm::Align(1));
}

llvm::Value* FunctionTranslator::memory_size_bytes(uint32_t memory) {
  return b_.CreateLoad(env_.i64, field_address(memory_record(memory), offsets::kMemorySize), "memory_size");
}

void FunctionTranslator::emit_memory_op(const wasm::Instr& in) {
  switch (in.op) {
    case Op::MemorySize:
      push(b_.CreateTrunc(b_.CreateLShr(memory_size_bytes(in.index), 16), env_.i32));
      break;
    case Op::MemoryGrow:
      push(b_.CreateCall(env_.libcall("wasmrun_memory_grow"), {vmctx_, b_.getInt32(in.index), pop()}));
      break;
    case Op::MemoryFill: {
      llvm::Value* n = b_.CreateZExt(pop(), env_.i64);
      llvm::Value* value = b_.CreateTrunc(pop(), env_.i8);
      llvm::Value* dst = b_.CreateZExt(pop(), env_.i64);
      trap_if(b_.CreateICmpUGT(b_.CreateAdd(dst, n), memory_size_bytes(in.index)), vm::TrapCode::MemoryOutOfBounds);
      b_.CreateMemSet(b_.CreateGEP(env_.i8, memory_base(in.index), dst), value, n, llvm::MaybeAlign(1));
      insert_memory_barrier(b_);
      break;
    }
    case Op::MemoryCopy: {
      llvm::Value* n = b_.CreateZExt(pop(), env_.i64);
      llvm::Value* src = b_.CreateZExt(pop(), env_.i64);
      llvm::Value* dst = b_.CreateZExt(pop(), env_.i64);
      // memory.copy dst_memory src_memory: `index` is the destination, `index2` the source.
      llvm::Value* dst_size = memory_size_bytes(in.index);
      llvm::Value* src_size = in.index2 == in.index ? dst_size : memory_size_bytes(in.index2);
      trap_if(b_.CreateOr(b_.CreateICmpUGT(b_.CreateAdd(src, n), src_size),
                          b_.CreateICmpUGT(b_.CreateAdd(dst, n), dst_size)),
              vm::TrapCode::MemoryOutOfBounds);
      b_.CreateMemMove(b_.CreateGEP(env_.i8, memory_base(in.index), dst), llvm::MaybeAlign(1),
                       b_.CreateGEP(env_.i8, memory_base(in.index2), src), llvm::MaybeAlign(1), n);
      insert_memory_barrier(b_);
      break;
    }
    case Op::MemoryInit: {
      llvm::Value* n = pop();
      llvm::Value* src = pop();
      llvm::Value* dst = pop();
      b_.CreateCall(env_.libcall("wasmrun_memory_init"), {vmctx_, b_.getInt32(in.index2), b_.getInt32(in.index), dst, src, n});
      break;
    }
    case Op::DataDrop:
      b_.CreateCall(env_.libcall("wasmrun_data_drop"), {vmctx_, b_.getInt32(in.index)});
      break;
    default:
      break;
  }
}

}  // namespace wasmrun::jit
