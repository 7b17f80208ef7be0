// Validates one function body with the spec's algorithm (core spec, appendix §7.3 "Validation
// Algorithm"): an operand stack of types and a control stack of frames, with "unknown" types for
// the polymorphic stack after unreachable code. Buffers are reused across functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/decode/instruction_reader.h"
#include "runtime/wasm/module.h"

namespace wasmrun::wasm {

class FunctionValidator {
 public:
  explicit FunctionValidator(const Module& module, bool multi_memory = true) : m_(module), multi_memory_(multi_memory) {}

  // Validates the body of defined function `func_index`; `code` covers exactly its instructions.
  // Throws DecodeError (malformed or invalid) at the first problem.
  void validate(uint32_t func_index, const FunctionBody& body, Reader& code);

 private:
  // Types on the operand stack are ValType codes; 0 stands for the unknown type.
  using Slot = uint8_t;
  static constexpr Slot kUnknown = 0;

  struct Frame {
    Op kind;
    const ValType* params;
    uint32_t param_count;
    const ValType* results;
    uint32_t result_count;
    uint32_t height;
    bool unreachable;
  };
  struct TypeList {
    const ValType* data;
    uint32_t size;
  };

  void step(const Instr& in);
  void simple(const Instr& in);  // instructions fully typed by their opcodes.def signature
  void check_memarg(const Instr& in);
  void require_memory(uint32_t index, const Instr& in);
  void require_table(uint32_t index, const Instr& in);
  void require_data(uint32_t index, const Instr& in);
  void require_elem(uint32_t index, const Instr& in);
  ValType local_type(uint32_t index, const Instr& in);

  void push(Slot t) { vals_.push_back(t); }
  Slot pop(const Instr& in);
  Slot pop(Slot expected, const Instr& in);  // returns the popped type, unknown included
  void pop_list(TypeList types, const Instr& in);
  void push_list(TypeList types);
  void push_frame(Op kind, TypeList params, TypeList results);
  Frame pop_frame(const Instr& in);
  TypeList label_types(const Frame& f) const {
    return f.kind == Op::Loop ? TypeList{f.params, f.param_count} : TypeList{f.results, f.result_count};
  }
  const Frame& label(uint32_t depth, const Instr& in);
  void set_unreachable();
  void block_types(const Instr& in, TypeList& params, TypeList& results);

  [[noreturn]] void fail(const std::string& message, const Instr& in) const;
  [[noreturn]] void mismatch(Slot expected, Slot actual, const Instr& in) const;

  const Module& m_;
  bool multi_memory_;  // how memory instructions are encoded (InstructionReader)
  std::vector<Slot> vals_;
  std::vector<Frame> ctrls_;
  std::vector<ValType> locals_;
  std::vector<Slot> scratch_;
};

std::string_view slot_name(uint8_t slot);

}  // namespace wasmrun::wasm
