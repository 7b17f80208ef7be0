#include "jit/function_translator.h"

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/TargetParser/Triple.h>

#include <algorithm>

#include "jit/precise_traps.h"
#include "runtime/vm/vmcontext.h"

namespace wasmrun::jit {

using wasm::Op;
namespace offsets = vm::offsets;

FunctionTranslator::FunctionTranslator(ModuleEnv& env, uint32_t func_index)
    : env_(env),
      wasm_(env.wasm),
      func_index_(func_index),
      type_(env.wasm.func_type(func_index)),
      fn_(env.function(func_index)),
      subprogram_(env.debug.attach(*fn_, func_index)),
      b_(env.ctx) {}

std::vector<llvm::Value*> FunctionTranslator::pop_n(size_t n) {
  std::vector<llvm::Value*> values(stack_.end() - n, stack_.end());
  stack_.resize(stack_.size() - n);
  return values;
}

llvm::Value* FunctionTranslator::field_address(llvm::Value* base, uint64_t offset) {
  return offset ? b_.CreateConstInBoundsGEP1_64(env_.i8, base, offset) : base;
}

llvm::LoadInst* FunctionTranslator::load_invariant(llvm::Type* type, llvm::Value* address, const llvm::Twine& name) {
  llvm::LoadInst* load = b_.CreateLoad(type, address, name);
  load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(env_.ctx, {}));
  return load;
}

llvm::Value* FunctionTranslator::vmctx_field(uint32_t offset, llvm::Type* type, const llvm::Twine& name) {
  return load_invariant(type, field_address(vmctx_, offset), name);
}

llvm::Value* FunctionTranslator::call_intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types,
                                                llvm::ArrayRef<llvm::Value*> args) {
  return b_.CreateCall(llvm::Intrinsic::getDeclaration(&env_.llvm_module, id, types), args);
}

llvm::Constant* FunctionTranslator::f32_constant(uint32_t bits) {
  return llvm::ConstantFP::get(env_.ctx, llvm::APFloat(llvm::APFloat::IEEEsingle(), llvm::APInt(32, bits)));
}

llvm::Constant* FunctionTranslator::f64_constant(uint64_t bits) {
  return llvm::ConstantFP::get(env_.ctx, llvm::APFloat(llvm::APFloat::IEEEdouble(), llvm::APInt(64, bits)));
}

// This function's frame address: trap libcalls take it to record the backtrace.
llvm::Value* FunctionTranslator::frame_address(llvm::IRBuilder<>& b) {
  return b.CreateCall(llvm::Intrinsic::getDeclaration(&env_.llvm_module, llvm::Intrinsic::frameaddress, {env_.ptr}),
                      {b.getInt32(0)});
}

void FunctionTranslator::emit_trap_call(llvm::IRBuilder<>& b, vm::TrapCode code) {
  b.CreateCall(env_.libcall("wasmrun_trap"), {b.getInt32(uint32_t(code)), frame_address(b)});
  b.CreateUnreachable();
}

void FunctionTranslator::ordered_store(llvm::Value* value, llvm::Value* address, llvm::Align align) {
  insert_memory_barrier(b_);
  b_.CreateAlignedStore(value, address, align);
  insert_memory_barrier(b_);
}

void FunctionTranslator::trap_if(llvm::Value* condition, vm::TrapCode code) {
  size_t index = size_t(code);
  if (trap_blocks_.size() <= index) trap_blocks_.resize(index + 1, nullptr);
  llvm::BasicBlock*& trap = trap_blocks_[index];
  if (!trap) {
    trap = llvm::BasicBlock::Create(env_.ctx, "trap", fn_);
    llvm::IRBuilder<> tb(trap);
    tb.SetCurrentDebugLocation(b_.getCurrentDebugLocation());  // the first site of this trap
    emit_trap_call(tb, code);
  }
  llvm::BasicBlock* next = llvm::BasicBlock::Create(env_.ctx, "", fn_);
  llvm::MDBuilder md(env_.ctx);
  b_.CreateCondBr(condition, trap, next, md.createUnlikelyBranchWeights());
  b_.SetInsertPoint(next);
}

// The prologue's stack check (DESIGN §3): below the store's limit, the call traps cleanly.
void FunctionTranslator::emit_stack_check() {
  llvm::Triple triple(env_.llvm_module.getTargetTriple());
  const char* sp_name = triple.getArch() == llvm::Triple::aarch64 ? "sp" : "rsp";
  llvm::Metadata* reg = llvm::MDString::get(env_.ctx, sp_name);
  llvm::Value* sp = call_intrinsic(llvm::Intrinsic::read_register, {env_.i64},
                                   {llvm::MetadataAsValue::get(env_.ctx, llvm::MDNode::get(env_.ctx, {reg}))});
  llvm::Value* store = vmctx_field(offsets::kStore, env_.ptr, "store");
  llvm::Value* limit = b_.CreateLoad(env_.i64, field_address(store, offsets::kStackLimit), "stack_limit");
  trap_if(b_.CreateICmpULT(sp, limit), vm::TrapCode::StackOverflow);
}

// Epoch interruption (DESIGN §4): one relaxed load and a compare at entry and loop headers.
void FunctionTranslator::emit_epoch_check() {
  if (!env_.options.epoch_interruption) return;
  llvm::Value* store = vmctx_field(offsets::kStore, env_.ptr, "store");
  llvm::Value* epoch_ptr = load_invariant(env_.ptr, field_address(store, offsets::kEpoch), "epoch_ptr");
  llvm::LoadInst* epoch = b_.CreateLoad(env_.i64, epoch_ptr, "epoch");
  epoch->setAtomic(llvm::AtomicOrdering::Monotonic);
  epoch->setAlignment(llvm::Align(8));
  llvm::Value* deadline = b_.CreateLoad(env_.i64, field_address(store, offsets::kEpochDeadline), "deadline");
  llvm::BasicBlock* reached = llvm::BasicBlock::Create(env_.ctx, "epoch_reached", fn_);
  llvm::BasicBlock* next = llvm::BasicBlock::Create(env_.ctx, "", fn_);
  llvm::MDBuilder md(env_.ctx);
  b_.CreateCondBr(b_.CreateICmpUGE(epoch, deadline), reached, next, md.createUnlikelyBranchWeights());
  b_.SetInsertPoint(reached);
  b_.CreateCall(env_.libcall("wasmrun_epoch_reached"), {vmctx_, frame_address(b_)});
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
}

// Tier-up (lazy_code.h): the baseline code takes from its function's budget what it is about to
// run, in bytes of wasm code: the body's size at entry, the loop's at each loop iteration (as
// V8's Liftoff code does), so a large function called a few times is as hot as a small one
// called often. The count that empties the budget reports the function hot. A relaxed load and
// store, not an atomic decrement: a count lost to a race between threads only delays the report.
llvm::BinaryOperator* FunctionTranslator::emit_hotness_count(uint32_t cost) {
  const HotnessCounting* hotness = env_.hotness;
  if (!hotness) return nullptr;
  llvm::Value* counter = b_.CreateIntToPtr(
      b_.getInt64(reinterpret_cast<uintptr_t>(&hotness->counters[func_index_ - wasm_.imported_funcs])), env_.ptr);
  llvm::LoadInst* budget = b_.CreateLoad(env_.i32, counter, "budget");
  budget->setAtomic(llvm::AtomicOrdering::Monotonic);
  budget->setAlignment(llvm::Align(4));
  auto* left = llvm::BinaryOperator::CreateSub(budget, b_.getInt32(std::clamp<uint32_t>(cost, 1, kMaxHotnessCost)));
  b_.Insert(left);
  llvm::StoreInst* store = b_.CreateStore(left, counter);
  store->setAtomic(llvm::AtomicOrdering::Monotonic);
  store->setAlignment(llvm::Align(4));
  llvm::BasicBlock* hot = llvm::BasicBlock::Create(env_.ctx, "hot", fn_);
  llvm::BasicBlock* next = llvm::BasicBlock::Create(env_.ctx, "", fn_);
  llvm::MDBuilder md(env_.ctx);
  b_.CreateCondBr(b_.CreateICmpSLE(left, b_.getInt32(0)), hot, next, md.createUnlikelyBranchWeights());
  b_.SetInsertPoint(hot);
  llvm::FunctionType* type = llvm::FunctionType::get(env_.void_type, {env_.ptr, env_.i32}, false);
  llvm::Value* callee = b_.CreateIntToPtr(b_.getInt64(reinterpret_cast<uintptr_t>(hotness->hot)), env_.ptr);
  llvm::Value* owner = b_.CreateIntToPtr(b_.getInt64(reinterpret_cast<uintptr_t>(hotness->owner)), env_.ptr);
  b_.CreateCall(type, callee, {owner, b_.getInt32(func_index_)});
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
  return left;
}

llvm::AllocaInst* FunctionTranslator::local_slot(uint32_t index) {
  llvm::AllocaInst*& slot = locals_[index];
  if (!slot) {
    // At the top of the entry block, initialised to zero (§4.4.10 invocation).
    llvm::BasicBlock& entry = fn_->getEntryBlock();
    llvm::IRBuilder<> eb(&entry, entry.begin());
    llvm::Type* t = env_.type_of(local_types_[index]);
    slot = eb.CreateAlloca(t);
    eb.CreateStore(llvm::Constant::getNullValue(t), slot);
  }
  return slot;
}

void FunctionTranslator::translate() {
  fn_->setLinkage(llvm::GlobalValue::ExternalLinkage);
  fn_->addFnAttr("frame-pointer", "all");  // cheap, and keeps backtraces and profilers working
  fn_->addFnAttr("probe-stack", "inline-asm");  // large frames touch each page in order
  fn_->addFnAttr("disable-tail-calls", "true");
  llvm::BasicBlock* entry = llvm::BasicBlock::Create(env_.ctx, "entry", fn_);
  b_.SetInsertPoint(entry);
  const wasm::FunctionBody& body = wasm_.bodies[func_index_ - wasm_.imported_funcs];
  b_.SetCurrentDebugLocation(DebugLocations::at(subprogram_, body.code.begin));  // the prologue
  vmctx_ = fn_->getArg(0);

  // Locals: parameters, then declared locals initialised to zero (§4.4.10 invocation).
  for (size_t i = 0; i < type_.params.size(); ++i) {
    llvm::AllocaInst* slot = b_.CreateAlloca(env_.type_of(type_.params[i]));
    b_.CreateStore(fn_->getArg(unsigned(i + 2)), slot);
    locals_.push_back(slot);
    local_types_.push_back(type_.params[i]);
  }
  // Declared locals get their slot when first used (local_slot): a function may declare 50,000
  // that it never touches, and work must follow the code, not the declaration (issue 15.3).
  for (const wasm::LocalRun& run : body.locals) {
    locals_.insert(locals_.end(), run.count, nullptr);
    local_types_.insert(local_types_.end(), run.count, run.type);
  }
  if (!wasm_.memories.empty()) memory_base_ = vmctx_field(offsets::kMemory0Base, env_.ptr, "memory_base");
  emit_stack_check();
  emit_epoch_check();
  emit_hotness_count(uint32_t(body.code.size()));

  llvm::BasicBlock* ret = llvm::BasicBlock::Create(env_.ctx, "return", fn_);
  Control body_control{Op::Block, ret, nullptr, make_phis(ret, type_.results), {}, {}, {}, type_.results, 0};
  controls_.push_back(std::move(body_control));

  wasm::Reader reader(wasm_.data(body.code), wasm_.data(body.code) + body.code.size(), body.code.begin);
  wasm::InstructionReader instructions(reader);
  while (!controls_.empty()) {
    wasm::Instr in = instructions.next();
    offset_ = in.offset;
    b_.SetCurrentDebugLocation(DebugLocations::at(subprogram_, in.offset));
    if (unreachable_) skip_unreachable(in);
    else step(in);
  }

  // The function's end: return the results gathered by the return block's PHIs.
  b_.SetInsertPoint(ret);
  if (llvm::pred_empty(ret)) {
    b_.CreateUnreachable();
  } else if (type_.results.empty()) {
    b_.CreateRetVoid();
  } else if (type_.results.size() == 1) {
    b_.CreateRet(&*ret->begin());
  } else {
    llvm::Value* agg = llvm::UndefValue::get(env_.results_type(type_));
    unsigned i = 0;
    for (llvm::PHINode& phi : ret->phis()) agg = b_.CreateInsertValue(agg, &phi, {i++});
    b_.CreateRet(agg);
  }
  // Blocks left without a terminator (the ends of unreachable constructs) are unreachable.
  for (llvm::BasicBlock& block : *fn_)
    if (!block.getTerminator()) {
      llvm::IRBuilder<> tb(&block);
      tb.CreateUnreachable();
    }
}

void FunctionTranslator::skip_unreachable(const wasm::Instr& in) {
  switch (in.op) {
    case Op::Block: case Op::Loop: case Op::If:
      ++skip_depth_;
      break;
    case Op::Else:
      if (skip_depth_ == 0) emit_else();
      break;
    case Op::End:
      if (skip_depth_ == 0) emit_end();
      else --skip_depth_;
      break;
    default:
      break;
  }
}

void FunctionTranslator::step(const wasm::Instr& in) {
  switch (in.op) {
    case Op::Unreachable:
      emit_trap_call(b_, vm::TrapCode::Unreachable);
      mark_unreachable();
      return;
    case Op::Nop: return;
    case Op::Block: return emit_block(in);
    case Op::Loop: return emit_loop(in);
    case Op::If: return emit_if(in);
    case Op::Else: return emit_else();
    case Op::End: return emit_end();
    case Op::Br: return emit_br(in.index);
    case Op::BrIf: return emit_br_if(in.index);
    case Op::BrTable: return emit_br_table(in);
    case Op::Return: return emit_return();
    case Op::Call: return emit_call(in.index);
    case Op::CallIndirect: return emit_call_indirect(in.index, in.index2);
    case Op::Drop: pop(); return;
    case Op::Select: case Op::SelectTyped: {
      llvm::Value* cond = b_.CreateICmpNE(pop(), b_.getInt32(0));
      llvm::Value* if_false = pop();
      llvm::Value* if_true = pop();
      push(b_.CreateSelect(cond, if_true, if_false));
      return;
    }
    case Op::LocalGet: case Op::LocalSet: case Op::LocalTee: return emit_local(in);
    case Op::GlobalGet: case Op::GlobalSet: return emit_global(in);
    default: break;
  }
  const wasm::OpInfo& info = wasm::info(in.op);
  if (info.immediate == wasm::Immediate::MemArg && info.prefix == 0x00)
    return info.signature.back() == ':' ? emit_store(in) : emit_load(in);
  if (emit_numeric(in) || emit_conversion(in) || emit_simd(in)) return;
  switch (in.op) {
    case Op::MemorySize: case Op::MemoryGrow: case Op::MemoryFill: case Op::MemoryCopy: case Op::MemoryInit:
    case Op::DataDrop:
      return emit_memory_op(in);
    default:
      return emit_table_op(in);
  }
}

}  // namespace wasmrun::jit
