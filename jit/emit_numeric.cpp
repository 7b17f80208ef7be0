// Numeric instructions (core spec §4.4.1, §4.3.2-3): constants, integer and float arithmetic,
// comparisons. LLVM's operations match wasm's except where noted: shift counts are taken modulo
// the width, division traps explicitly, and float min/max use llvm.minimum/maximum, whose NaN and
// signed-zero rules are wasm's.
#include "jit/function_translator.h"

#include <llvm/IR/Intrinsics.h>

namespace wasmrun::jit {

using wasm::Op;

llvm::Value* FunctionTranslator::integer_division(Op op, llvm::Value* lhs, llvm::Value* rhs) {
  llvm::Type* t = lhs->getType();
  llvm::Value* zero = llvm::ConstantInt::get(t, 0);
  trap_if(b_.CreateICmpEQ(rhs, zero), vm::TrapCode::IntegerDivideByZero);
  llvm::Value* minus_one = llvm::ConstantInt::get(t, -1, true);
  switch (op) {
    case Op::I32DivS: case Op::I64DivS: {
      llvm::Value* min = llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(t->getIntegerBitWidth()));
      trap_if(b_.CreateAnd(b_.CreateICmpEQ(lhs, min), b_.CreateICmpEQ(rhs, minus_one)), vm::TrapCode::IntegerOverflow);
      return b_.CreateSDiv(lhs, rhs);
    }
    case Op::I32DivU: case Op::I64DivU:
      return b_.CreateUDiv(lhs, rhs);
    case Op::I32RemS: case Op::I64RemS: {
      // MIN % -1 is 0 in wasm but overflows the hardware divide: x % -1 == x % 1 == 0.
      llvm::Value* safe = b_.CreateSelect(b_.CreateICmpEQ(rhs, minus_one), llvm::ConstantInt::get(t, 1), rhs);
      return b_.CreateSRem(lhs, safe);
    }
    default:
      return b_.CreateURem(lhs, rhs);
  }
}

// x unchanged, except that a signalling NaN becomes quiet (its quiet bit set): the result wasm
// requires of an arithmetic operation on x. Integer operations, so LLVM cannot fold it away.
llvm::Value* FunctionTranslator::quiet_nan(llvm::Value* x) {
  llvm::Type* t = x->getType();
  unsigned bits = t->getScalarSizeInBits();
  llvm::Type* int_type = t->isVectorTy() ? llvm::VectorType::getInteger(llvm::cast<llvm::VectorType>(t))
                                         : static_cast<llvm::Type*>(b_.getIntNTy(bits));
  llvm::Value* quiet_bit = llvm::ConstantInt::get(int_type, llvm::APInt::getOneBitSet(bits, bits == 32 ? 22 : 51));
  llvm::Value* quieted = b_.CreateBitCast(b_.CreateOr(b_.CreateBitCast(x, int_type), quiet_bit), t);
  return b_.CreateSelect(b_.CreateFCmpUNO(x, x), quieted, x);
}

// Wasm min/max (§4.3.3 fmin/fmax): llvm.minimum/maximum give the ordering, -0 < +0 and NaN
// propagation, but may return a signalling NaN operand as is; wasm wants it quiet.
llvm::Value* FunctionTranslator::float_min_max(llvm::Value* a, llvm::Value* b, bool is_min) {
  llvm::Value* result =
      call_intrinsic(is_min ? llvm::Intrinsic::minimum : llvm::Intrinsic::maximum, {a->getType()}, {a, b});
  llvm::Value* nan_operand = b_.CreateSelect(b_.CreateFCmpUNO(a, a), a, b);
  return b_.CreateSelect(b_.CreateFCmpUNO(a, b), quiet_nan(nan_operand), result);
}

// LLVM folds x*1, x/1, x-0, x+(-0), -0-x and x*-1 to x or -x, which keeps a signalling NaN
// signalling. Wasm arithmetic must return a quiet NaN, so those forms become quiet_nan(x) here.
llvm::Value* FunctionTranslator::float_arithmetic(Op op, llvm::Value* l, llvm::Value* r) {
  auto is = [](llvm::Value* v, double c) {  // bitwise: -0.0 and +0.0 differ
    auto* k = llvm::dyn_cast<llvm::ConstantFP>(v);
    return k && k->isExactlyValue(c);
  };
  switch (op) {
    case Op::F32Add: case Op::F64Add:
      if (is(r, -0.0)) return quiet_nan(l);
      if (is(l, -0.0)) return quiet_nan(r);
      return b_.CreateFAdd(l, r);
    case Op::F32Sub: case Op::F64Sub:
      if (is(r, 0.0)) return quiet_nan(l);
      if (is(l, -0.0)) return quiet_nan(b_.CreateFNeg(r));
      return b_.CreateFSub(l, r);
    case Op::F32Mul: case Op::F64Mul:
      if (is(r, 1.0)) return quiet_nan(l);
      if (is(l, 1.0)) return quiet_nan(r);
      if (is(r, -1.0)) return quiet_nan(b_.CreateFNeg(l));
      if (is(l, -1.0)) return quiet_nan(b_.CreateFNeg(r));
      return b_.CreateFMul(l, r);
    default:  // Div
      if (is(r, 1.0)) return quiet_nan(l);
      if (is(r, -1.0)) return quiet_nan(b_.CreateFNeg(l));
      return b_.CreateFDiv(l, r);
  }
}

bool FunctionTranslator::emit_numeric(const wasm::Instr& in) {
  using llvm::Intrinsic::ID;
  auto binary = [&](auto make) {
    llvm::Value* r = pop();
    llvm::Value* l = pop();
    push(make(l, r));
    return true;
  };
  auto unary = [&](auto make) {
    push(make(pop()));
    return true;
  };
  auto compare = [&](llvm::CmpInst::Predicate p) {
    return binary([&](llvm::Value* l, llvm::Value* r) { return b_.CreateZExt(b_.CreateCmp(p, l, r), env_.i32); });
  };
  auto intrinsic1 = [&](ID id) {
    return unary([&](llvm::Value* x) { return call_intrinsic(id, {x->getType()}, {x}); });
  };
  auto intrinsic2 = [&](ID id) {
    return binary([&](llvm::Value* l, llvm::Value* r) { return call_intrinsic(id, {l->getType()}, {l, r}); });
  };
  auto shift_count = [&](llvm::Value* l, llvm::Value* r) {
    return b_.CreateAnd(r, llvm::ConstantInt::get(l->getType(), l->getType()->getIntegerBitWidth() - 1));
  };
  using P = llvm::CmpInst::Predicate;
  switch (in.op) {
    case Op::I32Const: push(b_.getInt32(uint32_t(in.bits))); return true;
    case Op::I64Const: push(b_.getInt64(in.bits)); return true;
    case Op::F32Const: push(f32_constant(uint32_t(in.bits))); return true;
    case Op::F64Const: push(f64_constant(in.bits)); return true;

    case Op::I32Eqz: case Op::I64Eqz:
      return unary([&](llvm::Value* x) {
        return b_.CreateZExt(b_.CreateICmpEQ(x, llvm::ConstantInt::get(x->getType(), 0)), env_.i32);
      });
    case Op::I32Eq: case Op::I64Eq: return compare(P::ICMP_EQ);
    case Op::I32Ne: case Op::I64Ne: return compare(P::ICMP_NE);
    case Op::I32LtS: case Op::I64LtS: return compare(P::ICMP_SLT);
    case Op::I32LtU: case Op::I64LtU: return compare(P::ICMP_ULT);
    case Op::I32GtS: case Op::I64GtS: return compare(P::ICMP_SGT);
    case Op::I32GtU: case Op::I64GtU: return compare(P::ICMP_UGT);
    case Op::I32LeS: case Op::I64LeS: return compare(P::ICMP_SLE);
    case Op::I32LeU: case Op::I64LeU: return compare(P::ICMP_ULE);
    case Op::I32GeS: case Op::I64GeS: return compare(P::ICMP_SGE);
    case Op::I32GeU: case Op::I64GeU: return compare(P::ICMP_UGE);
    case Op::F32Eq: case Op::F64Eq: return compare(P::FCMP_OEQ);
    case Op::F32Ne: case Op::F64Ne: return compare(P::FCMP_UNE);
    case Op::F32Lt: case Op::F64Lt: return compare(P::FCMP_OLT);
    case Op::F32Gt: case Op::F64Gt: return compare(P::FCMP_OGT);
    case Op::F32Le: case Op::F64Le: return compare(P::FCMP_OLE);
    case Op::F32Ge: case Op::F64Ge: return compare(P::FCMP_OGE);

    case Op::I32Clz: case Op::I64Clz:
      return unary([&](llvm::Value* x) { return call_intrinsic(llvm::Intrinsic::ctlz, {x->getType()}, {x, b_.getFalse()}); });
    case Op::I32Ctz: case Op::I64Ctz:
      return unary([&](llvm::Value* x) { return call_intrinsic(llvm::Intrinsic::cttz, {x->getType()}, {x, b_.getFalse()}); });
    case Op::I32Popcnt: case Op::I64Popcnt: return intrinsic1(llvm::Intrinsic::ctpop);
    case Op::I32Add: case Op::I64Add: return binary([&](auto l, auto r) { return b_.CreateAdd(l, r); });
    case Op::I32Sub: case Op::I64Sub: return binary([&](auto l, auto r) { return b_.CreateSub(l, r); });
    case Op::I32Mul: case Op::I64Mul: return binary([&](auto l, auto r) { return b_.CreateMul(l, r); });
    case Op::I32DivS: case Op::I64DivS: case Op::I32DivU: case Op::I64DivU:
    case Op::I32RemS: case Op::I64RemS: case Op::I32RemU: case Op::I64RemU:
      return binary([&](auto l, auto r) { return integer_division(in.op, l, r); });
    case Op::I32And: case Op::I64And: return binary([&](auto l, auto r) { return b_.CreateAnd(l, r); });
    case Op::I32Or: case Op::I64Or: return binary([&](auto l, auto r) { return b_.CreateOr(l, r); });
    case Op::I32Xor: case Op::I64Xor: return binary([&](auto l, auto r) { return b_.CreateXor(l, r); });
    case Op::I32Shl: case Op::I64Shl: return binary([&](auto l, auto r) { return b_.CreateShl(l, shift_count(l, r)); });
    case Op::I32ShrS: case Op::I64ShrS: return binary([&](auto l, auto r) { return b_.CreateAShr(l, shift_count(l, r)); });
    case Op::I32ShrU: case Op::I64ShrU: return binary([&](auto l, auto r) { return b_.CreateLShr(l, shift_count(l, r)); });
    case Op::I32Rotl: case Op::I64Rotl:
      return binary([&](auto l, auto r) { return call_intrinsic(llvm::Intrinsic::fshl, {l->getType()}, {l, l, r}); });
    case Op::I32Rotr: case Op::I64Rotr:
      return binary([&](auto l, auto r) { return call_intrinsic(llvm::Intrinsic::fshr, {l->getType()}, {l, l, r}); });

    case Op::F32Abs: case Op::F64Abs: return intrinsic1(llvm::Intrinsic::fabs);
    case Op::F32Neg: case Op::F64Neg: return unary([&](auto x) { return b_.CreateFNeg(x); });
    case Op::F32Ceil: case Op::F64Ceil: return intrinsic1(llvm::Intrinsic::ceil);
    case Op::F32Floor: case Op::F64Floor: return intrinsic1(llvm::Intrinsic::floor);
    case Op::F32Trunc: case Op::F64Trunc: return intrinsic1(llvm::Intrinsic::trunc);
    case Op::F32Nearest: case Op::F64Nearest: return intrinsic1(llvm::Intrinsic::roundeven);
    case Op::F32Sqrt: case Op::F64Sqrt: return intrinsic1(llvm::Intrinsic::sqrt);
    case Op::F32Add: case Op::F64Add: case Op::F32Sub: case Op::F64Sub:
    case Op::F32Mul: case Op::F64Mul: case Op::F32Div: case Op::F64Div:
      return binary([&](auto l, auto r) { return float_arithmetic(in.op, l, r); });
    case Op::F32Min: case Op::F64Min: return binary([&](auto l, auto r) { return float_min_max(l, r, true); });
    case Op::F32Max: case Op::F64Max: return binary([&](auto l, auto r) { return float_min_max(l, r, false); });
    case Op::F32Copysign: case Op::F64Copysign: return intrinsic2(llvm::Intrinsic::copysign);
    default:
      return false;
  }
}

}  // namespace wasmrun::jit
