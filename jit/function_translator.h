// Translates one validated wasm function body to LLVM IR. The operand stack holds LLVM values;
// locals are allocas (promoted to SSA by the optimizer); block results and loop parameters are
// PHI nodes. Instruction families are emitted by the emit_*.cpp files.
#pragma once

#include <llvm/IR/IRBuilder.h>

#include <vector>

#include "jit/module_env.h"
#include "runtime/decode/instruction_reader.h"
#include "runtime/vm/trap.h"

namespace wasmrun::jit {

class FunctionTranslator {
 public:
  FunctionTranslator(ModuleEnv& env, uint32_t func_index);
  void translate();

 private:
  struct Control {
    wasm::Op kind;                          // Block, Loop, If, Else, or Block for the function body
    llvm::BasicBlock* end;                  // where the construct continues
    llvm::BasicBlock* header;               // Loop: the loop head; If: the else branch
    std::vector<llvm::PHINode*> end_phis;   // one per result
    std::vector<llvm::PHINode*> loop_phis;  // Loop: one per parameter
    std::vector<llvm::Value*> if_params;    // If: the parameters, for the else branch
    std::vector<wasm::ValType> params;
    std::vector<wasm::ValType> results;
    size_t height;                          // operand stack height below the parameters
    bool else_seen = false;
    uint32_t begin = 0;                     // Loop: the module offset of its opcode
    llvm::BinaryOperator* hotness = nullptr;  // Loop: its hotness count, whose cost end sets
  };

  // Stack
  void push(llvm::Value* v) { stack_.push_back(v); }
  llvm::Value* pop() {
    llvm::Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::vector<llvm::Value*> pop_n(size_t n);

  // Dispatch
  void step(const wasm::Instr& in);
  void skip_unreachable(const wasm::Instr& in);

  // Control (emit_control.cpp)
  void block_signature(const wasm::Instr& in, std::vector<wasm::ValType>& params, std::vector<wasm::ValType>& results);
  void emit_block(const wasm::Instr& in);
  void emit_loop(const wasm::Instr& in);
  void emit_if(const wasm::Instr& in);
  void emit_else();
  void emit_end();
  void emit_br(uint32_t depth);
  void emit_br_if(uint32_t depth);
  void emit_br_table(const wasm::Instr& in);
  void emit_return();
  void branch_to(Control& target, llvm::BasicBlock* from);  // a branch to target's label
  void add_incoming(std::vector<llvm::PHINode*>& phis, llvm::BasicBlock* from);  // from the stack top
  void mark_unreachable();
  std::vector<llvm::PHINode*> make_phis(llvm::BasicBlock* block, const std::vector<wasm::ValType>& types);

  // Calls (emit_call.cpp)
  void emit_call(uint32_t func_index);
  void emit_call_indirect(uint32_t type_index, uint32_t table);
  void call_and_push(llvm::FunctionType* type, llvm::Value* callee, llvm::Value* callee_vmctx,
                     const wasm::FuncType& sig, bool direct_function = false);

  // Variables (emit_variable.cpp)
  void emit_local(const wasm::Instr& in);
  void emit_global(const wasm::Instr& in);
  llvm::Value* global_cell(uint32_t index);

  // Memory (emit_memory.cpp)
  llvm::Value* effective_address(llvm::Value* index, uint64_t offset, uint32_t memory);
  llvm::Value* memory_base(uint32_t memory);
  llvm::Value* memory_record(uint32_t memory);  // the memory's VMMemory
  llvm::LoadInst* memory_load(llvm::Type* type, llvm::Value* address);
  void emit_load(const wasm::Instr& in);
  void emit_store(const wasm::Instr& in);
  void emit_memory_op(const wasm::Instr& in);
  llvm::Value* memory_size_bytes(uint32_t memory);

  // Tables and references (emit_table.cpp)
  void emit_table_op(const wasm::Instr& in);
  // A funcref element just loaded: when null, what lazy table initialisation makes of it.
  llvm::Value* resolve_lazy_element(llvm::Value* element, uint32_t table, llvm::Value* index);
  llvm::Value* table_ptr(uint32_t index);

  // Numeric (emit_numeric.cpp, emit_convert.cpp)
  bool emit_numeric(const wasm::Instr& in);
  bool emit_conversion(const wasm::Instr& in);
  llvm::Value* checked_truncate(llvm::Value* x, llvm::Type* to, bool is_signed);
  llvm::Value* integer_division(wasm::Op op, llvm::Value* lhs, llvm::Value* rhs);
  llvm::Value* quiet_nan(llvm::Value* x);
  llvm::Value* float_min_max(llvm::Value* a, llvm::Value* b, bool is_min);
  llvm::Value* float_arithmetic(wasm::Op op, llvm::Value* l, llvm::Value* r);

  // SIMD (emit_simd.cpp)
  bool emit_simd(const wasm::Instr& in);

  // Helpers
  llvm::Value* vmctx_field(uint32_t offset, llvm::Type* type, const llvm::Twine& name = "");
  llvm::LoadInst* load_invariant(llvm::Type* type, llvm::Value* address, const llvm::Twine& name = "");
  llvm::Value* field_address(llvm::Value* base, uint64_t offset);
  llvm::AllocaInst* local_slot(uint32_t index);
  void trap_if(llvm::Value* condition, vm::TrapCode code);
  // A store that stays in program order with the loads around it, which may fault (see
  // precise_traps.h).
  void ordered_store(llvm::Value* value, llvm::Value* address, llvm::Align align);
  llvm::Value* frame_address(llvm::IRBuilder<>& b);
  void emit_trap_call(llvm::IRBuilder<>& b, vm::TrapCode code);
  void emit_stack_check();
  void emit_epoch_check();
  // One count takes at most this much of a budget, so that one call of a huge function does not
  // wrap the counter around.
  static constexpr uint32_t kMaxHotnessCost = 1u << 20;
  llvm::BinaryOperator* emit_hotness_count(uint32_t cost);
  llvm::Value* call_intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types,
                              llvm::ArrayRef<llvm::Value*> args);
  llvm::Constant* f32_constant(uint32_t bits);
  llvm::Constant* f64_constant(uint64_t bits);

  ModuleEnv& env_;
  const wasm::Module& wasm_;
  uint32_t func_index_;
  const wasm::FuncType& type_;
  llvm::Function* fn_;
  llvm::DISubprogram* subprogram_;
  llvm::IRBuilder<> b_;
  llvm::Value* vmctx_;
  llvm::Value* memory_base_ = nullptr;  // memory 0's, loaded once in the entry block
  std::vector<llvm::AllocaInst*> locals_;  // null until first used (local_slot)
  std::vector<wasm::ValType> local_types_;
  std::vector<llvm::Value*> stack_;
  std::vector<Control> controls_;
  bool unreachable_ = false;
  uint32_t skip_depth_ = 0;  // blocks opened inside unreachable code
  uint32_t offset_ = 0;      // of the instruction being translated
  std::vector<llvm::BasicBlock*> trap_blocks_;
};

}  // namespace wasmrun::jit
