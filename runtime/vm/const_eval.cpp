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
        VMFuncRef* ref = inst.func_ref(in.index);
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
  if (segment.exprs.empty()) return inst.func_ref(segment.func_indices[k]);
  return ref_of(eval_const(inst, segment.exprs[k]));
}

std::optional<VMValue> constant_value(const wasm::Module& m, const wasm::ConstExpr& e) {
  wasm::Reader r(m.data(e.code), m.data(e.code) + e.code.size(), e.code.begin);
  wasm::InstructionReader ir(r);
  VMValue v{};
  if (r.at_end()) return std::nullopt;
  wasm::Instr in = ir.next();
  switch (in.op) {
    case wasm::Op::I32Const: case wasm::Op::F32Const: {
      uint32_t bits = uint32_t(in.bits);
      std::memcpy(v.bytes, &bits, 4);
      break;
    }
    case wasm::Op::I64Const: case wasm::Op::F64Const: std::memcpy(v.bytes, &in.bits, 8); break;
    case wasm::Op::V128Const: std::memcpy(v.bytes, in.v128, 16); break;
    case wasm::Op::RefNull: break;
    default: return std::nullopt;
  }
  if (!r.at_end()) return std::nullopt;  // more instructions (extended constants) need evaluation
  return v;
}

std::optional<uint32_t> constant_i32(const wasm::Module& m, const wasm::ConstExpr& e) {
  wasm::Reader r(m.data(e.code), m.data(e.code) + e.code.size(), e.code.begin);
  wasm::InstructionReader ir(r);
  if (r.at_end()) return std::nullopt;
  wasm::Instr in = ir.next();
  if (in.op != wasm::Op::I32Const) return std::nullopt;
  if (!r.at_end()) return std::nullopt;
  return uint32_t(in.bits);
}

}  // namespace wasmrun::vm
