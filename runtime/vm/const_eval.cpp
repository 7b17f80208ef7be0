#include "runtime/vm/const_eval.h"

#include <cstring>

#include "runtime/decode/instruction_reader.h"

namespace wasmrun::vm {

VMValue eval_const(const Instance& inst, const wasm::ConstExpr& e) {
  const wasm::Module& m = inst.module->module;
  wasm::Reader r(m.data(e.code), m.data(e.code) + e.code.size(), e.code.begin);
  wasm::InstructionReader ir(r);
  VMValue v{};
  while (!r.at_end()) {
    wasm::Instr in = ir.next();
    std::memset(v.bytes, 0, sizeof v.bytes);
    switch (in.op) {
      case wasm::Op::I32Const: case wasm::Op::F32Const: {
        uint32_t bits = uint32_t(in.bits);
        std::memcpy(v.bytes, &bits, 4);
        break;
      }
      case wasm::Op::I64Const: case wasm::Op::F64Const:
        std::memcpy(v.bytes, &in.bits, 8);
        break;
      case wasm::Op::V128Const:
        std::memcpy(v.bytes, in.v128, 16);
        break;
      case wasm::Op::RefFunc: {
        VMFuncRef* ref = inst.func_refs[in.index];
        std::memcpy(v.bytes, &ref, sizeof ref);
        break;
      }
      case wasm::Op::GlobalGet:
        std::memcpy(v.bytes, inst.global_cells[in.index], 16);
        break;
      default:
        break;  // ref.null is zero; the validator admits nothing else
    }
  }
  return v;
}

void* elem_ref(const Instance& inst, const wasm::ElemSegment& segment, uint32_t k) {
  if (segment.exprs.empty()) return inst.func_refs[segment.func_indices[k]];
  return ref_of(eval_const(inst, segment.exprs[k]));
}

}  // namespace wasmrun::vm
