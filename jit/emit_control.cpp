// Structured control (core spec §4.4.8): blocks, loops, if/else, branches, return.
#include <algorithm>

#include "jit/function_translator.h"

namespace wasmrun::jit {

using wasm::Op;

std::vector<llvm::PHINode*> FunctionTranslator::make_phis(llvm::BasicBlock* block,
                                                          const std::vector<wasm::ValType>& types) {
  std::vector<llvm::PHINode*> phis;
  llvm::IRBuilder<> pb(block, block->begin());
  for (wasm::ValType t : types) phis.push_back(pb.CreatePHI(env_.type_of(t), 2));
  return phis;
}

void FunctionTranslator::block_signature(const wasm::Instr& in, std::vector<wasm::ValType>& params,
                                         std::vector<wasm::ValType>& results) {
  params.clear();
  results.clear();
  if (in.block == wasm::BlockKind::Value) {
    results.push_back(in.type);
  } else if (in.block == wasm::BlockKind::TypeIndex) {
    params = wasm_.types[in.index].params;
    results = wasm_.types[in.index].results;
  }
}

void FunctionTranslator::branch_to(Control& target, llvm::BasicBlock* from) {
  add_incoming(target.kind == Op::Loop ? target.loop_phis : target.end_phis, from);
}

void FunctionTranslator::add_incoming(std::vector<llvm::PHINode*>& phis, llvm::BasicBlock* from) {
  size_t n = phis.size();
  for (size_t i = 0; i < n; ++i) phis[i]->addIncoming(stack_[stack_.size() - n + i], from);
}

void FunctionTranslator::mark_unreachable() {
  unreachable_ = true;
  stack_.resize(controls_.back().height);
}

void FunctionTranslator::emit_block(const wasm::Instr& in) {
  Control c;
  c.kind = Op::Block;
  block_signature(in, c.params, c.results);
  c.end = llvm::BasicBlock::Create(env_.ctx, "block_end", fn_);
  c.header = nullptr;
  c.end_phis = make_phis(c.end, c.results);
  c.height = stack_.size() - c.params.size();
  controls_.push_back(std::move(c));
}

void FunctionTranslator::emit_loop(const wasm::Instr& in) {
  Control c;
  c.kind = Op::Loop;
  block_signature(in, c.params, c.results);
  c.header = llvm::BasicBlock::Create(env_.ctx, "loop", fn_);
  c.end = llvm::BasicBlock::Create(env_.ctx, "loop_end", fn_);
  c.loop_phis = make_phis(c.header, c.params);
  c.end_phis = make_phis(c.end, c.results);
  c.height = stack_.size() - c.params.size();
  branch_to(c, b_.GetInsertBlock());
  b_.CreateBr(c.header);
  b_.SetInsertPoint(c.header);
  stack_.resize(c.height);
  for (llvm::PHINode* phi : c.loop_phis) push(phi);
  c.begin = offset_;
  controls_.push_back(std::move(c));
  emit_epoch_check();
  controls_.back().hotness = emit_hotness_count(1);  // the loop's size, once its end is known
}

void FunctionTranslator::emit_if(const wasm::Instr& in) {
  Control c;
  c.kind = Op::If;
  block_signature(in, c.params, c.results);
  llvm::Value* cond = b_.CreateICmpNE(pop(), b_.getInt32(0));
  c.if_params = pop_n(c.params.size());
  c.height = stack_.size();
  llvm::BasicBlock* then_block = llvm::BasicBlock::Create(env_.ctx, "then", fn_);
  c.header = llvm::BasicBlock::Create(env_.ctx, "else", fn_);
  c.end = llvm::BasicBlock::Create(env_.ctx, "if_end", fn_);
  c.end_phis = make_phis(c.end, c.results);
  b_.CreateCondBr(cond, then_block, c.header);
  b_.SetInsertPoint(then_block);
  for (llvm::Value* v : c.if_params) push(v);
  controls_.push_back(std::move(c));
}

void FunctionTranslator::emit_else() {
  Control& c = controls_.back();
  if (!unreachable_) {
    add_incoming(c.end_phis, b_.GetInsertBlock());
    b_.CreateBr(c.end);
  }
  c.else_seen = true;
  stack_.resize(c.height);
  b_.SetInsertPoint(c.header);
  for (llvm::Value* v : c.if_params) push(v);
  unreachable_ = false;
}

void FunctionTranslator::emit_end() {
  Control& c = controls_.back();
  if (!unreachable_) {
    // Falling off the end delivers the results, also for a loop (whose label takes its params).
    add_incoming(c.end_phis, b_.GetInsertBlock());
    b_.CreateBr(c.end);
  }
  if (c.kind == Op::If && !c.else_seen) {
    // No else: the false branch passes the parameters through as the results.
    b_.SetInsertPoint(c.header);
    for (size_t i = 0; i < c.end_phis.size(); ++i) c.end_phis[i]->addIncoming(c.if_params[i], c.header);
    b_.CreateBr(c.end);
  }
  Control done = std::move(c);
  controls_.pop_back();
  if (done.hotness)
    done.hotness->setOperand(1, b_.getInt32(std::clamp<uint32_t>(offset_ - done.begin, 1, kMaxHotnessCost)));
  stack_.resize(done.height);
  if (controls_.empty()) return;  // the function's end: translate() emits the return
  b_.SetInsertPoint(done.end);
  if (llvm::pred_empty(done.end)) {
    unreachable_ = true;
    for (llvm::PHINode* phi : done.end_phis) phi->eraseFromParent();
    return;
  }
  unreachable_ = false;
  for (llvm::PHINode* phi : done.end_phis) push(phi);
}

void FunctionTranslator::emit_br(uint32_t depth) {
  Control& target = controls_[controls_.size() - 1 - depth];
  branch_to(target, b_.GetInsertBlock());
  b_.CreateBr(target.kind == Op::Loop ? target.header : target.end);
  mark_unreachable();
}

void FunctionTranslator::emit_br_if(uint32_t depth) {
  llvm::Value* cond = b_.CreateICmpNE(pop(), b_.getInt32(0));
  Control& target = controls_[controls_.size() - 1 - depth];
  branch_to(target, b_.GetInsertBlock());
  llvm::BasicBlock* next = llvm::BasicBlock::Create(env_.ctx, "", fn_);
  b_.CreateCondBr(cond, target.kind == Op::Loop ? target.header : target.end, next);
  b_.SetInsertPoint(next);
}

void FunctionTranslator::emit_br_table(const wasm::Instr& in) {
  llvm::Value* index = pop();
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto destination = [&](uint32_t depth) -> llvm::BasicBlock* {
    Control& target = controls_[controls_.size() - 1 - depth];
    // A PHI needs one incoming entry per edge, duplicates included.
    branch_to(target, from);
    return target.kind == Op::Loop ? target.header : target.end;
  };
  wasm::BrTableTargets targets(in);
  std::vector<uint32_t> depths(in.index);
  for (uint32_t& d : depths) d = targets.next();
  uint32_t default_depth = targets.next();
  llvm::SwitchInst* sw = b_.CreateSwitch(index, destination(default_depth), in.index);
  for (uint32_t i = 0; i < in.index; ++i) sw->addCase(b_.getInt32(i), destination(depths[i]));
  mark_unreachable();
}

void FunctionTranslator::emit_return() { emit_br(uint32_t(controls_.size() - 1)); }

}  // namespace wasmrun::jit
