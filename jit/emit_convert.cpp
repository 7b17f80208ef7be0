// Conversions (core spec §4.3.4): wrapping, extension, float<->int (trapping and saturating),
// promotion, demotion, reinterpretation.
#include "jit/function_translator.h"

#include <llvm/IR/Intrinsics.h>

#include <cmath>

namespace wasmrun::jit {

using wasm::Op;

// trunc_f*_s/u: NaN traps with "invalid conversion to integer", values outside the target's range
// with "integer overflow". The bounds are the nearest representable values outside the range.
llvm::Value* FunctionTranslator::checked_truncate(llvm::Value* x, llvm::Type* to, bool is_signed) {
  trap_if(b_.CreateFCmpUNO(x, x), vm::TrapCode::InvalidConversion);
  bool is_f32 = x->getType()->isFloatTy();
  unsigned bits = to->getIntegerBitWidth();
  auto constant = [&](double v) { return llvm::ConstantFP::get(x->getType(), v); };
  llvm::Value* too_low;
  llvm::Value* too_high;
  if (is_signed) {
    double min = -std::ldexp(1.0, int(bits) - 1);  // -2^(n-1): representable in both widths
    // f64 can represent -2^31 - 1 exactly; everywhere else -2^(n-1) itself is the last valid value.
    if (!is_f32 && bits == 32) too_low = b_.CreateFCmpOLE(x, constant(min - 1.0));
    else too_low = b_.CreateFCmpOLT(x, constant(min));
    too_high = b_.CreateFCmpOGE(x, constant(std::ldexp(1.0, int(bits) - 1)));
  } else {
    too_low = b_.CreateFCmpOLE(x, constant(-1.0));
    too_high = b_.CreateFCmpOGE(x, constant(std::ldexp(1.0, int(bits))));
  }
  trap_if(b_.CreateOr(too_low, too_high), vm::TrapCode::IntegerOverflow);
  return is_signed ? b_.CreateFPToSI(x, to) : b_.CreateFPToUI(x, to);
}

bool FunctionTranslator::emit_conversion(const wasm::Instr& in) {
  llvm::Type* i32 = env_.i32;
  llvm::Type* i64 = env_.i64;
  auto saturate = [&](llvm::Type* to, bool is_signed) {
    llvm::Value* x = pop();
    push(call_intrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat, {to, x->getType()}, {x}));
    return true;
  };
  auto sign_extend_from = [&](llvm::Type* narrow) {
    llvm::Value* x = pop();
    push(b_.CreateSExt(b_.CreateTrunc(x, narrow), x->getType()));
    return true;
  };
  switch (in.op) {
    case Op::I32WrapI64: push(b_.CreateTrunc(pop(), i32)); return true;
    case Op::I64ExtendI32S: push(b_.CreateSExt(pop(), i64)); return true;
    case Op::I64ExtendI32U: push(b_.CreateZExt(pop(), i64)); return true;
    case Op::I32TruncF32S: case Op::I32TruncF64S: push(checked_truncate(pop(), i32, true)); return true;
    case Op::I32TruncF32U: case Op::I32TruncF64U: push(checked_truncate(pop(), i32, false)); return true;
    case Op::I64TruncF32S: case Op::I64TruncF64S: push(checked_truncate(pop(), i64, true)); return true;
    case Op::I64TruncF32U: case Op::I64TruncF64U: push(checked_truncate(pop(), i64, false)); return true;
    case Op::I32TruncSatF32S: case Op::I32TruncSatF64S: return saturate(i32, true);
    case Op::I32TruncSatF32U: case Op::I32TruncSatF64U: return saturate(i32, false);
    case Op::I64TruncSatF32S: case Op::I64TruncSatF64S: return saturate(i64, true);
    case Op::I64TruncSatF32U: case Op::I64TruncSatF64U: return saturate(i64, false);
    case Op::F32ConvertI32S: case Op::F32ConvertI64S: push(b_.CreateSIToFP(pop(), env_.f32)); return true;
    case Op::F32ConvertI32U: case Op::F32ConvertI64U: push(b_.CreateUIToFP(pop(), env_.f32)); return true;
    case Op::F64ConvertI32S: case Op::F64ConvertI64S: push(b_.CreateSIToFP(pop(), env_.f64)); return true;
    case Op::F64ConvertI32U: case Op::F64ConvertI64U: push(b_.CreateUIToFP(pop(), env_.f64)); return true;
    case Op::F32DemoteF64: {
      // LLVM folds demote(promote(x)) to x, which would keep a signalling NaN signalling.
      llvm::Value* x = pop();
      if (auto* promoted = llvm::dyn_cast<llvm::FPExtInst>(x)) push(quiet_nan(promoted->getOperand(0)));
      else push(b_.CreateFPTrunc(x, env_.f32));
      return true;
    }
    case Op::F64PromoteF32: push(b_.CreateFPExt(pop(), env_.f64)); return true;
    case Op::I32ReinterpretF32: push(b_.CreateBitCast(pop(), i32)); return true;
    case Op::I64ReinterpretF64: push(b_.CreateBitCast(pop(), i64)); return true;
    case Op::F32ReinterpretI32: push(b_.CreateBitCast(pop(), env_.f32)); return true;
    case Op::F64ReinterpretI64: push(b_.CreateBitCast(pop(), env_.f64)); return true;
    case Op::I32Extend8S: case Op::I64Extend8S: return sign_extend_from(env_.i8);
    case Op::I32Extend16S: case Op::I64Extend16S: return sign_extend_from(b_.getInt16Ty());
    case Op::I64Extend32S: return sign_extend_from(i32);
    default:
      return false;
  }
}

}  // namespace wasmrun::jit
