// 128-bit SIMD (core spec §4.3.3 vector instructions). A v128 travels as <4 x i32> and is
// reinterpreted per lane shape. Generic LLVM vector IR is used everywhere it gives wasm's exact
// result; i8x16.swizzle uses SSSE3's pshufb on x86 (generic IR has no variable byte shuffle).
#include "jit/function_translator.h"

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsX86.h>
#include <llvm/TargetParser/Triple.h>

namespace wasmrun::jit {

using wasm::Op;

namespace {

enum class Shape { I8x16, I16x8, I32x4, I64x2, F32x4, F64x2 };

}  // namespace

bool FunctionTranslator::emit_simd(const wasm::Instr& in) {
  if (wasm::info(in.op).prefix != 0xFD) return false;
  llvm::LLVMContext& c = env_.ctx;
  auto vec = [&](Shape s) -> llvm::FixedVectorType* {
    switch (s) {
      case Shape::I8x16: return llvm::FixedVectorType::get(env_.i8, 16);
      case Shape::I16x8: return llvm::FixedVectorType::get(b_.getInt16Ty(), 8);
      case Shape::I32x4: return llvm::FixedVectorType::get(env_.i32, 4);
      case Shape::I64x2: return llvm::FixedVectorType::get(env_.i64, 2);
      case Shape::F32x4: return llvm::FixedVectorType::get(env_.f32, 4);
      case Shape::F64x2: return llvm::FixedVectorType::get(env_.f64, 2);
    }
    return nullptr;
  };
  auto as = [&](llvm::Value* v, Shape s) { return b_.CreateBitCast(v, vec(s)); };
  auto out = [&](llvm::Value* v) {
    push(b_.CreateBitCast(v, env_.v128));
    return true;
  };
  auto pop_as = [&](Shape s) { return as(pop(), s); };
  auto lanes = [&](Shape s) { return unsigned(vec(s)->getNumElements()); };
  auto lane_type = [&](Shape s) { return vec(s)->getElementType(); };
  auto splat_of = [&](Shape s, llvm::Value* scalar) { return b_.CreateVectorSplat(lanes(s), scalar); };
  auto intrinsic = [&](llvm::Intrinsic::ID id, llvm::Type* t, llvm::ArrayRef<llvm::Value*> args) {
    return call_intrinsic(id, {t}, args);
  };
  auto binary = [&](Shape s, auto make) {
    llvm::Value* r = pop_as(s);
    llvm::Value* l = pop_as(s);
    return out(make(l, r));
  };
  auto unary = [&](Shape s, auto make) { return out(make(pop_as(s))); };
  auto compare = [&](Shape s, llvm::CmpInst::Predicate p) {
    llvm::Type* int_vec = vec(s == Shape::F32x4 ? Shape::I32x4 : s == Shape::F64x2 ? Shape::I64x2 : s);
    return binary(s, [&](auto l, auto r) { return b_.CreateSExt(b_.CreateCmp(p, l, r), int_vec); });
  };
  auto intrinsic1 = [&](Shape s, llvm::Intrinsic::ID id) {
    return unary(s, [&](auto x) { return intrinsic(id, vec(s), {x}); });
  };
  auto intrinsic2 = [&](Shape s, llvm::Intrinsic::ID id) {
    return binary(s, [&](auto l, auto r) { return intrinsic(id, vec(s), {l, r}); });
  };
  // Lanes [first, first + n) of v, as a shuffle.
  auto half = [&](llvm::Value* v, unsigned first, unsigned n) {
    std::vector<int> mask(n);
    for (unsigned i = 0; i < n; ++i) mask[i] = int(first + i);
    return b_.CreateShuffleVector(v, mask);
  };
  auto every_other = [&](llvm::Value* v, unsigned first) {
    unsigned n = llvm::cast<llvm::FixedVectorType>(v->getType())->getNumElements() / 2;
    std::vector<int> mask(n);
    for (unsigned i = 0; i < n; ++i) mask[i] = int(first + 2 * i);
    return b_.CreateShuffleVector(v, mask);
  };
  // Extends the low or high half of a vector of shape `from` to twice the width.
  auto extend_half = [&](llvm::Value* v, Shape from, Shape to, bool high, bool is_signed) {
    llvm::Value* h = half(v, high ? lanes(from) / 2 : 0, lanes(from) / 2);
    return is_signed ? b_.CreateSExt(h, vec(to)) : b_.CreateZExt(h, vec(to));
  };
  auto shift = [&](Shape s, llvm::Instruction::BinaryOps kind) {
    llvm::Value* count = pop();
    llvm::Value* v = pop_as(s);
    unsigned bits = lane_type(s)->getIntegerBitWidth();
    count = b_.CreateAnd(count, b_.getInt32(bits - 1));
    count = b_.CreateZExtOrTrunc(count, lane_type(s));
    return out(b_.CreateBinOp(kind, v, splat_of(s, count)));
  };
  auto all_true = [&](Shape s) {
    llvm::Value* v = pop_as(s);
    llvm::Value* nonzero = b_.CreateICmpNE(v, llvm::Constant::getNullValue(v->getType()));
    push(b_.CreateZExt(b_.CreateAndReduce(nonzero), env_.i32));
    return true;
  };
  auto bitmask = [&](Shape s) {
    llvm::Value* v = pop_as(s);
    llvm::Value* negative = b_.CreateICmpSLT(v, llvm::Constant::getNullValue(v->getType()));
    push(b_.CreateZExt(b_.CreateBitCast(negative, b_.getIntNTy(lanes(s))), env_.i32));
    return true;
  };
  // Saturating narrow of two vectors of shape `from` into one of half-width lanes.
  auto narrow = [&](Shape from, Shape to, bool is_signed) {
    llvm::Value* r = pop_as(from);
    llvm::Value* l = pop_as(from);
    unsigned n = lanes(from) * 2;
    std::vector<int> mask(n);
    for (unsigned i = 0; i < n; ++i) mask[i] = int(i);
    llvm::Value* both = b_.CreateShuffleVector(l, r, mask);
    unsigned narrow_bits = lane_type(to)->getIntegerBitWidth();
    llvm::Type* wide = both->getType();
    llvm::APInt lo = is_signed ? llvm::APInt::getSignedMinValue(narrow_bits).sext(narrow_bits * 2)
                               : llvm::APInt::getZero(narrow_bits * 2);
    llvm::APInt hi = is_signed ? llvm::APInt::getSignedMaxValue(narrow_bits).sext(narrow_bits * 2)
                               : llvm::APInt::getMaxValue(narrow_bits).zext(narrow_bits * 2);
    both = intrinsic(llvm::Intrinsic::smax, wide, {both, llvm::ConstantInt::get(wide, lo)});
    both = intrinsic(llvm::Intrinsic::smin, wide, {both, llvm::ConstantInt::get(wide, hi)});
    return out(b_.CreateTrunc(both, vec(to)));
  };
  auto extmul = [&](Shape from, Shape to, bool high, bool is_signed) {
    llvm::Value* r = extend_half(pop_as(from), from, to, high, is_signed);
    llvm::Value* l = extend_half(pop_as(from), from, to, high, is_signed);
    return out(b_.CreateMul(l, r));
  };
  auto extadd_pairwise = [&](Shape from, Shape to, bool is_signed) {
    llvm::Value* v = pop_as(from);
    auto ext = [&](llvm::Value* x) { return is_signed ? b_.CreateSExt(x, vec(to)) : b_.CreateZExt(x, vec(to)); };
    return out(b_.CreateAdd(ext(every_other(v, 0)), ext(every_other(v, 1))));
  };
  auto avgr_u = [&](Shape s) {
    llvm::Type* wide = llvm::FixedVectorType::get(b_.getIntNTy(lane_type(s)->getIntegerBitWidth() * 2), lanes(s));
    return binary(s, [&](auto l, auto r) {
      llvm::Value* sum = b_.CreateAdd(b_.CreateAdd(b_.CreateZExt(l, wide), b_.CreateZExt(r, wide)),
                                      llvm::ConstantInt::get(wide, 1));
      return b_.CreateTrunc(b_.CreateLShr(sum, llvm::ConstantInt::get(wide, 1)), vec(s));
    });
  };
  auto pminmax = [&](Shape s, bool is_min) {
    // pmin(a, b) = b < a ? b : a;  pmax(a, b) = a < b ? b : a  (no NaN or zero-sign rules)
    return binary(s, [&](auto a, auto b) {
      return is_min ? b_.CreateSelect(b_.CreateFCmpOLT(b, a), b, a) : b_.CreateSelect(b_.CreateFCmpOLT(a, b), b, a);
    });
  };
  auto load = [&](llvm::Type* t) { return memory_load(t, effective_address(pop(), in.bits, in.index2)); };
  auto load_extend = [&](Shape narrow_shape, Shape wide, bool is_signed) {
    llvm::Type* t = llvm::FixedVectorType::get(lane_type(narrow_shape), lanes(wide));
    llvm::Value* v = load(t);
    return out(is_signed ? b_.CreateSExt(v, vec(wide)) : b_.CreateZExt(v, vec(wide)));
  };
  auto load_splat = [&](Shape s) { return out(splat_of(s, load(lane_type(s)))); };
  auto load_zero = [&](Shape s) {
    return out(b_.CreateInsertElement(llvm::Constant::getNullValue(vec(s)), load(lane_type(s)), uint64_t(0)));
  };
  auto load_lane = [&](Shape s) {
    llvm::Value* v = pop_as(s);
    llvm::Value* scalar = load(lane_type(s));
    return out(b_.CreateInsertElement(v, scalar, uint64_t(in.lane)));
  };
  auto store_lane = [&](Shape s) {
    llvm::Value* v = pop_as(s);
    llvm::Value* address = effective_address(pop(), in.bits, in.index2);
    ordered_store(b_.CreateExtractElement(v, uint64_t(in.lane)), address, llvm::Align(1));
    return true;
  };
  auto extract = [&](Shape s, int sign) {  // sign: 1 signed, 0 unsigned, -1 no extension
    llvm::Value* lane = b_.CreateExtractElement(pop_as(s), uint64_t(in.lane));
    if (sign == 1) lane = b_.CreateSExt(lane, env_.i32);
    if (sign == 0) lane = b_.CreateZExt(lane, env_.i32);
    push(lane);
    return true;
  };
  auto replace = [&](Shape s) {
    llvm::Value* scalar = pop();
    llvm::Value* v = pop_as(s);
    if (scalar->getType() != lane_type(s)) scalar = b_.CreateTrunc(scalar, lane_type(s));
    return out(b_.CreateInsertElement(v, scalar, uint64_t(in.lane)));
  };
  auto splat = [&](Shape s) {
    llvm::Value* scalar = pop();
    if (scalar->getType() != lane_type(s)) scalar = b_.CreateTrunc(scalar, lane_type(s));
    return out(splat_of(s, scalar));
  };
  auto zero_extend_to_4 = [&](llvm::Value* two_lanes) {  // <2 x T> -> <4 x T> with zero lanes 2, 3
    return b_.CreateShuffleVector(two_lanes, llvm::Constant::getNullValue(two_lanes->getType()), {0, 1, 2, 3});
  };

  using P = llvm::CmpInst::Predicate;
  using I = llvm::Intrinsic::ID;
  namespace ID = llvm::Intrinsic;
  switch (in.op) {
    case Op::V128Load: return out(load(env_.v128));
    case Op::V128Load8x8S: return load_extend(Shape::I8x16, Shape::I16x8, true);
    case Op::V128Load8x8U: return load_extend(Shape::I8x16, Shape::I16x8, false);
    case Op::V128Load16x4S: return load_extend(Shape::I16x8, Shape::I32x4, true);
    case Op::V128Load16x4U: return load_extend(Shape::I16x8, Shape::I32x4, false);
    case Op::V128Load32x2S: return load_extend(Shape::I32x4, Shape::I64x2, true);
    case Op::V128Load32x2U: return load_extend(Shape::I32x4, Shape::I64x2, false);
    case Op::V128Load8Splat: return load_splat(Shape::I8x16);
    case Op::V128Load16Splat: return load_splat(Shape::I16x8);
    case Op::V128Load32Splat: return load_splat(Shape::I32x4);
    case Op::V128Load64Splat: return load_splat(Shape::I64x2);
    case Op::V128Load32Zero: return load_zero(Shape::I32x4);
    case Op::V128Load64Zero: return load_zero(Shape::I64x2);
    case Op::V128Store: {
      llvm::Value* v = pop();
      ordered_store(v, effective_address(pop(), in.bits, in.index2), llvm::Align(1));
      return true;
    }
    case Op::V128Load8Lane: return load_lane(Shape::I8x16);
    case Op::V128Load16Lane: return load_lane(Shape::I16x8);
    case Op::V128Load32Lane: return load_lane(Shape::I32x4);
    case Op::V128Load64Lane: return load_lane(Shape::I64x2);
    case Op::V128Store8Lane: return store_lane(Shape::I8x16);
    case Op::V128Store16Lane: return store_lane(Shape::I16x8);
    case Op::V128Store32Lane: return store_lane(Shape::I32x4);
    case Op::V128Store64Lane: return store_lane(Shape::I64x2);

    case Op::V128Const:
      return out(llvm::ConstantDataVector::get(c, llvm::ArrayRef<uint8_t>(in.v128, 16)));
    case Op::I8x16Shuffle: {
      llvm::Value* r = pop_as(Shape::I8x16);
      llvm::Value* l = pop_as(Shape::I8x16);
      std::vector<int> mask(in.v128, in.v128 + 16);
      return out(b_.CreateShuffleVector(l, r, mask));
    }
    case Op::I8x16Swizzle: {
      llvm::Value* index = pop_as(Shape::I8x16);
      llvm::Value* v = pop_as(Shape::I8x16);
      llvm::Triple triple(env_.llvm_module.getTargetTriple());
      if (triple.getArch() == llvm::Triple::x86_64) {
        // pshufb zeroes a lane whose index has bit 7 set: saturating-add 0x70 sets it for 16..255.
        llvm::Value* saturated = intrinsic(ID::uadd_sat, vec(Shape::I8x16),
                                           {index, splat_of(Shape::I8x16, b_.getInt8(0x70))});
        return out(b_.CreateCall(llvm::Intrinsic::getDeclaration(&env_.llvm_module, ID::x86_ssse3_pshuf_b_128),
                                 {v, saturated}));
      }
      llvm::Value* result = llvm::Constant::getNullValue(vec(Shape::I8x16));
      for (unsigned i = 0; i < 16; ++i) {
        llvm::Value* k = b_.CreateExtractElement(index, uint64_t(i));
        llvm::Value* picked = b_.CreateExtractElement(v, b_.CreateAnd(k, b_.getInt8(15)));
        picked = b_.CreateSelect(b_.CreateICmpULT(k, b_.getInt8(16)), picked, b_.getInt8(0));
        result = b_.CreateInsertElement(result, picked, uint64_t(i));
      }
      return out(result);
    }
    case Op::I8x16Splat: return splat(Shape::I8x16);
    case Op::I16x8Splat: return splat(Shape::I16x8);
    case Op::I32x4Splat: return splat(Shape::I32x4);
    case Op::I64x2Splat: return splat(Shape::I64x2);
    case Op::F32x4Splat: return splat(Shape::F32x4);
    case Op::F64x2Splat: return splat(Shape::F64x2);
    case Op::I8x16ExtractLaneS: return extract(Shape::I8x16, 1);
    case Op::I8x16ExtractLaneU: return extract(Shape::I8x16, 0);
    case Op::I16x8ExtractLaneS: return extract(Shape::I16x8, 1);
    case Op::I16x8ExtractLaneU: return extract(Shape::I16x8, 0);
    case Op::I32x4ExtractLane: return extract(Shape::I32x4, -1);
    case Op::I64x2ExtractLane: return extract(Shape::I64x2, -1);
    case Op::F32x4ExtractLane: return extract(Shape::F32x4, -1);
    case Op::F64x2ExtractLane: return extract(Shape::F64x2, -1);
    case Op::I8x16ReplaceLane: return replace(Shape::I8x16);
    case Op::I16x8ReplaceLane: return replace(Shape::I16x8);
    case Op::I32x4ReplaceLane: return replace(Shape::I32x4);
    case Op::I64x2ReplaceLane: return replace(Shape::I64x2);
    case Op::F32x4ReplaceLane: return replace(Shape::F32x4);
    case Op::F64x2ReplaceLane: return replace(Shape::F64x2);

    case Op::I8x16Eq: return compare(Shape::I8x16, P::ICMP_EQ);
    case Op::I8x16Ne: return compare(Shape::I8x16, P::ICMP_NE);
    case Op::I8x16LtS: return compare(Shape::I8x16, P::ICMP_SLT);
    case Op::I8x16LtU: return compare(Shape::I8x16, P::ICMP_ULT);
    case Op::I8x16GtS: return compare(Shape::I8x16, P::ICMP_SGT);
    case Op::I8x16GtU: return compare(Shape::I8x16, P::ICMP_UGT);
    case Op::I8x16LeS: return compare(Shape::I8x16, P::ICMP_SLE);
    case Op::I8x16LeU: return compare(Shape::I8x16, P::ICMP_ULE);
    case Op::I8x16GeS: return compare(Shape::I8x16, P::ICMP_SGE);
    case Op::I8x16GeU: return compare(Shape::I8x16, P::ICMP_UGE);
    case Op::I16x8Eq: return compare(Shape::I16x8, P::ICMP_EQ);
    case Op::I16x8Ne: return compare(Shape::I16x8, P::ICMP_NE);
    case Op::I16x8LtS: return compare(Shape::I16x8, P::ICMP_SLT);
    case Op::I16x8LtU: return compare(Shape::I16x8, P::ICMP_ULT);
    case Op::I16x8GtS: return compare(Shape::I16x8, P::ICMP_SGT);
    case Op::I16x8GtU: return compare(Shape::I16x8, P::ICMP_UGT);
    case Op::I16x8LeS: return compare(Shape::I16x8, P::ICMP_SLE);
    case Op::I16x8LeU: return compare(Shape::I16x8, P::ICMP_ULE);
    case Op::I16x8GeS: return compare(Shape::I16x8, P::ICMP_SGE);
    case Op::I16x8GeU: return compare(Shape::I16x8, P::ICMP_UGE);
    case Op::I32x4Eq: return compare(Shape::I32x4, P::ICMP_EQ);
    case Op::I32x4Ne: return compare(Shape::I32x4, P::ICMP_NE);
    case Op::I32x4LtS: return compare(Shape::I32x4, P::ICMP_SLT);
    case Op::I32x4LtU: return compare(Shape::I32x4, P::ICMP_ULT);
    case Op::I32x4GtS: return compare(Shape::I32x4, P::ICMP_SGT);
    case Op::I32x4GtU: return compare(Shape::I32x4, P::ICMP_UGT);
    case Op::I32x4LeS: return compare(Shape::I32x4, P::ICMP_SLE);
    case Op::I32x4LeU: return compare(Shape::I32x4, P::ICMP_ULE);
    case Op::I32x4GeS: return compare(Shape::I32x4, P::ICMP_SGE);
    case Op::I32x4GeU: return compare(Shape::I32x4, P::ICMP_UGE);
    case Op::I64x2Eq: return compare(Shape::I64x2, P::ICMP_EQ);
    case Op::I64x2Ne: return compare(Shape::I64x2, P::ICMP_NE);
    case Op::I64x2LtS: return compare(Shape::I64x2, P::ICMP_SLT);
    case Op::I64x2GtS: return compare(Shape::I64x2, P::ICMP_SGT);
    case Op::I64x2LeS: return compare(Shape::I64x2, P::ICMP_SLE);
    case Op::I64x2GeS: return compare(Shape::I64x2, P::ICMP_SGE);
    case Op::F32x4Eq: return compare(Shape::F32x4, P::FCMP_OEQ);
    case Op::F32x4Ne: return compare(Shape::F32x4, P::FCMP_UNE);
    case Op::F32x4Lt: return compare(Shape::F32x4, P::FCMP_OLT);
    case Op::F32x4Gt: return compare(Shape::F32x4, P::FCMP_OGT);
    case Op::F32x4Le: return compare(Shape::F32x4, P::FCMP_OLE);
    case Op::F32x4Ge: return compare(Shape::F32x4, P::FCMP_OGE);
    case Op::F64x2Eq: return compare(Shape::F64x2, P::FCMP_OEQ);
    case Op::F64x2Ne: return compare(Shape::F64x2, P::FCMP_UNE);
    case Op::F64x2Lt: return compare(Shape::F64x2, P::FCMP_OLT);
    case Op::F64x2Gt: return compare(Shape::F64x2, P::FCMP_OGT);
    case Op::F64x2Le: return compare(Shape::F64x2, P::FCMP_OLE);
    case Op::F64x2Ge: return compare(Shape::F64x2, P::FCMP_OGE);

    case Op::V128Not: return unary(Shape::I32x4, [&](auto x) { return b_.CreateNot(x); });
    case Op::V128And: return binary(Shape::I32x4, [&](auto l, auto r) { return b_.CreateAnd(l, r); });
    case Op::V128Andnot: return binary(Shape::I32x4, [&](auto l, auto r) { return b_.CreateAnd(l, b_.CreateNot(r)); });
    case Op::V128Or: return binary(Shape::I32x4, [&](auto l, auto r) { return b_.CreateOr(l, r); });
    case Op::V128Xor: return binary(Shape::I32x4, [&](auto l, auto r) { return b_.CreateXor(l, r); });
    case Op::V128Bitselect: {
      llvm::Value* mask = pop();
      llvm::Value* v2 = pop();
      llvm::Value* v1 = pop();
      return out(b_.CreateOr(b_.CreateAnd(v1, mask), b_.CreateAnd(v2, b_.CreateNot(mask))));
    }
    case Op::V128AnyTrue: {
      llvm::Value* v = pop_as(Shape::I32x4);
      push(b_.CreateZExt(b_.CreateICmpNE(b_.CreateBitCast(v, b_.getInt128Ty()), b_.getIntN(128, 0)), env_.i32));
      return true;
    }

    case Op::I8x16Abs: case Op::I16x8Abs: case Op::I32x4Abs: case Op::I64x2Abs: {
      Shape s = in.op == Op::I8x16Abs ? Shape::I8x16 : in.op == Op::I16x8Abs ? Shape::I16x8
                : in.op == Op::I32x4Abs ? Shape::I32x4 : Shape::I64x2;
      return unary(s, [&](auto x) { return intrinsic(ID::abs, vec(s), {x, b_.getFalse()}); });
    }
    case Op::I8x16Neg: return unary(Shape::I8x16, [&](auto x) { return b_.CreateNeg(x); });
    case Op::I16x8Neg: return unary(Shape::I16x8, [&](auto x) { return b_.CreateNeg(x); });
    case Op::I32x4Neg: return unary(Shape::I32x4, [&](auto x) { return b_.CreateNeg(x); });
    case Op::I64x2Neg: return unary(Shape::I64x2, [&](auto x) { return b_.CreateNeg(x); });
    case Op::I8x16Popcnt: return intrinsic1(Shape::I8x16, ID::ctpop);
    case Op::I8x16AllTrue: return all_true(Shape::I8x16);
    case Op::I16x8AllTrue: return all_true(Shape::I16x8);
    case Op::I32x4AllTrue: return all_true(Shape::I32x4);
    case Op::I64x2AllTrue: return all_true(Shape::I64x2);
    case Op::I8x16Bitmask: return bitmask(Shape::I8x16);
    case Op::I16x8Bitmask: return bitmask(Shape::I16x8);
    case Op::I32x4Bitmask: return bitmask(Shape::I32x4);
    case Op::I64x2Bitmask: return bitmask(Shape::I64x2);
    case Op::I8x16NarrowI16x8S: return narrow(Shape::I16x8, Shape::I8x16, true);
    case Op::I8x16NarrowI16x8U: return narrow(Shape::I16x8, Shape::I8x16, false);
    case Op::I16x8NarrowI32x4S: return narrow(Shape::I32x4, Shape::I16x8, true);
    case Op::I16x8NarrowI32x4U: return narrow(Shape::I32x4, Shape::I16x8, false);
    case Op::I8x16Shl: return shift(Shape::I8x16, llvm::Instruction::Shl);
    case Op::I8x16ShrS: return shift(Shape::I8x16, llvm::Instruction::AShr);
    case Op::I8x16ShrU: return shift(Shape::I8x16, llvm::Instruction::LShr);
    case Op::I16x8Shl: return shift(Shape::I16x8, llvm::Instruction::Shl);
    case Op::I16x8ShrS: return shift(Shape::I16x8, llvm::Instruction::AShr);
    case Op::I16x8ShrU: return shift(Shape::I16x8, llvm::Instruction::LShr);
    case Op::I32x4Shl: return shift(Shape::I32x4, llvm::Instruction::Shl);
    case Op::I32x4ShrS: return shift(Shape::I32x4, llvm::Instruction::AShr);
    case Op::I32x4ShrU: return shift(Shape::I32x4, llvm::Instruction::LShr);
    case Op::I64x2Shl: return shift(Shape::I64x2, llvm::Instruction::Shl);
    case Op::I64x2ShrS: return shift(Shape::I64x2, llvm::Instruction::AShr);
    case Op::I64x2ShrU: return shift(Shape::I64x2, llvm::Instruction::LShr);
    case Op::I8x16Add: return binary(Shape::I8x16, [&](auto l, auto r) { return b_.CreateAdd(l, r); });
    case Op::I16x8Add: return binary(Shape::I16x8, [&](auto l, auto r) { return b_.CreateAdd(l, r); });
    case Op::I32x4Add: return binary(Shape::I32x4, [&](auto l, auto r) { return b_.CreateAdd(l, r); });
    case Op::I64x2Add: return binary(Shape::I64x2, [&](auto l, auto r) { return b_.CreateAdd(l, r); });
    case Op::I8x16Sub: return binary(Shape::I8x16, [&](auto l, auto r) { return b_.CreateSub(l, r); });
    case Op::I16x8Sub: return binary(Shape::I16x8, [&](auto l, auto r) { return b_.CreateSub(l, r); });
    case Op::I32x4Sub: return binary(Shape::I32x4, [&](auto l, auto r) { return b_.CreateSub(l, r); });
    case Op::I64x2Sub: return binary(Shape::I64x2, [&](auto l, auto r) { return b_.CreateSub(l, r); });
    case Op::I16x8Mul: return binary(Shape::I16x8, [&](auto l, auto r) { return b_.CreateMul(l, r); });
    case Op::I32x4Mul: return binary(Shape::I32x4, [&](auto l, auto r) { return b_.CreateMul(l, r); });
    case Op::I64x2Mul: return binary(Shape::I64x2, [&](auto l, auto r) { return b_.CreateMul(l, r); });
    case Op::I8x16AddSatS: return intrinsic2(Shape::I8x16, ID::sadd_sat);
    case Op::I8x16AddSatU: return intrinsic2(Shape::I8x16, ID::uadd_sat);
    case Op::I8x16SubSatS: return intrinsic2(Shape::I8x16, ID::ssub_sat);
    case Op::I8x16SubSatU: return intrinsic2(Shape::I8x16, ID::usub_sat);
    case Op::I16x8AddSatS: return intrinsic2(Shape::I16x8, ID::sadd_sat);
    case Op::I16x8AddSatU: return intrinsic2(Shape::I16x8, ID::uadd_sat);
    case Op::I16x8SubSatS: return intrinsic2(Shape::I16x8, ID::ssub_sat);
    case Op::I16x8SubSatU: return intrinsic2(Shape::I16x8, ID::usub_sat);
    case Op::I8x16MinS: return intrinsic2(Shape::I8x16, ID::smin);
    case Op::I8x16MinU: return intrinsic2(Shape::I8x16, ID::umin);
    case Op::I8x16MaxS: return intrinsic2(Shape::I8x16, ID::smax);
    case Op::I8x16MaxU: return intrinsic2(Shape::I8x16, ID::umax);
    case Op::I16x8MinS: return intrinsic2(Shape::I16x8, ID::smin);
    case Op::I16x8MinU: return intrinsic2(Shape::I16x8, ID::umin);
    case Op::I16x8MaxS: return intrinsic2(Shape::I16x8, ID::smax);
    case Op::I16x8MaxU: return intrinsic2(Shape::I16x8, ID::umax);
    case Op::I32x4MinS: return intrinsic2(Shape::I32x4, ID::smin);
    case Op::I32x4MinU: return intrinsic2(Shape::I32x4, ID::umin);
    case Op::I32x4MaxS: return intrinsic2(Shape::I32x4, ID::smax);
    case Op::I32x4MaxU: return intrinsic2(Shape::I32x4, ID::umax);
    case Op::I8x16AvgrU: return avgr_u(Shape::I8x16);
    case Op::I16x8AvgrU: return avgr_u(Shape::I16x8);
    case Op::I16x8ExtaddPairwiseI8x16S: return extadd_pairwise(Shape::I8x16, Shape::I16x8, true);
    case Op::I16x8ExtaddPairwiseI8x16U: return extadd_pairwise(Shape::I8x16, Shape::I16x8, false);
    case Op::I32x4ExtaddPairwiseI16x8S: return extadd_pairwise(Shape::I16x8, Shape::I32x4, true);
    case Op::I32x4ExtaddPairwiseI16x8U: return extadd_pairwise(Shape::I16x8, Shape::I32x4, false);
    case Op::I16x8Q15mulrSatS: {
      llvm::Type* wide = llvm::FixedVectorType::get(env_.i32, 8);
      return binary(Shape::I16x8, [&](auto l, auto r) {
        llvm::Value* product = b_.CreateMul(b_.CreateSExt(l, wide), b_.CreateSExt(r, wide));
        llvm::Value* rounded = b_.CreateAShr(b_.CreateAdd(product, llvm::ConstantInt::get(wide, 0x4000)),
                                             llvm::ConstantInt::get(wide, 15));
        rounded = intrinsic(ID::smin, wide, {rounded, llvm::ConstantInt::get(wide, 0x7fff)});
        return b_.CreateTrunc(rounded, vec(Shape::I16x8));
      });
    }
    case Op::I16x8ExtendLowI8x16S: return out(extend_half(pop_as(Shape::I8x16), Shape::I8x16, Shape::I16x8, false, true));
    case Op::I16x8ExtendHighI8x16S: return out(extend_half(pop_as(Shape::I8x16), Shape::I8x16, Shape::I16x8, true, true));
    case Op::I16x8ExtendLowI8x16U: return out(extend_half(pop_as(Shape::I8x16), Shape::I8x16, Shape::I16x8, false, false));
    case Op::I16x8ExtendHighI8x16U: return out(extend_half(pop_as(Shape::I8x16), Shape::I8x16, Shape::I16x8, true, false));
    case Op::I32x4ExtendLowI16x8S: return out(extend_half(pop_as(Shape::I16x8), Shape::I16x8, Shape::I32x4, false, true));
    case Op::I32x4ExtendHighI16x8S: return out(extend_half(pop_as(Shape::I16x8), Shape::I16x8, Shape::I32x4, true, true));
    case Op::I32x4ExtendLowI16x8U: return out(extend_half(pop_as(Shape::I16x8), Shape::I16x8, Shape::I32x4, false, false));
    case Op::I32x4ExtendHighI16x8U: return out(extend_half(pop_as(Shape::I16x8), Shape::I16x8, Shape::I32x4, true, false));
    case Op::I64x2ExtendLowI32x4S: return out(extend_half(pop_as(Shape::I32x4), Shape::I32x4, Shape::I64x2, false, true));
    case Op::I64x2ExtendHighI32x4S: return out(extend_half(pop_as(Shape::I32x4), Shape::I32x4, Shape::I64x2, true, true));
    case Op::I64x2ExtendLowI32x4U: return out(extend_half(pop_as(Shape::I32x4), Shape::I32x4, Shape::I64x2, false, false));
    case Op::I64x2ExtendHighI32x4U: return out(extend_half(pop_as(Shape::I32x4), Shape::I32x4, Shape::I64x2, true, false));
    case Op::I16x8ExtmulLowI8x16S: return extmul(Shape::I8x16, Shape::I16x8, false, true);
    case Op::I16x8ExtmulHighI8x16S: return extmul(Shape::I8x16, Shape::I16x8, true, true);
    case Op::I16x8ExtmulLowI8x16U: return extmul(Shape::I8x16, Shape::I16x8, false, false);
    case Op::I16x8ExtmulHighI8x16U: return extmul(Shape::I8x16, Shape::I16x8, true, false);
    case Op::I32x4ExtmulLowI16x8S: return extmul(Shape::I16x8, Shape::I32x4, false, true);
    case Op::I32x4ExtmulHighI16x8S: return extmul(Shape::I16x8, Shape::I32x4, true, true);
    case Op::I32x4ExtmulLowI16x8U: return extmul(Shape::I16x8, Shape::I32x4, false, false);
    case Op::I32x4ExtmulHighI16x8U: return extmul(Shape::I16x8, Shape::I32x4, true, false);
    case Op::I64x2ExtmulLowI32x4S: return extmul(Shape::I32x4, Shape::I64x2, false, true);
    case Op::I64x2ExtmulHighI32x4S: return extmul(Shape::I32x4, Shape::I64x2, true, true);
    case Op::I64x2ExtmulLowI32x4U: return extmul(Shape::I32x4, Shape::I64x2, false, false);
    case Op::I64x2ExtmulHighI32x4U: return extmul(Shape::I32x4, Shape::I64x2, true, false);
    case Op::I32x4DotI16x8S: {
      llvm::Type* wide = llvm::FixedVectorType::get(env_.i32, 8);
      return binary(Shape::I16x8, [&](auto l, auto r) {
        llvm::Value* products = b_.CreateMul(b_.CreateSExt(l, wide), b_.CreateSExt(r, wide));
        return b_.CreateAdd(every_other(products, 0), every_other(products, 1));
      });
    }

    case Op::F32x4Abs: return intrinsic1(Shape::F32x4, ID::fabs);
    case Op::F64x2Abs: return intrinsic1(Shape::F64x2, ID::fabs);
    case Op::F32x4Neg: return unary(Shape::F32x4, [&](auto x) { return b_.CreateFNeg(x); });
    case Op::F64x2Neg: return unary(Shape::F64x2, [&](auto x) { return b_.CreateFNeg(x); });
    case Op::F32x4Sqrt: return intrinsic1(Shape::F32x4, ID::sqrt);
    case Op::F64x2Sqrt: return intrinsic1(Shape::F64x2, ID::sqrt);
    case Op::F32x4Ceil: return intrinsic1(Shape::F32x4, ID::ceil);
    case Op::F64x2Ceil: return intrinsic1(Shape::F64x2, ID::ceil);
    case Op::F32x4Floor: return intrinsic1(Shape::F32x4, ID::floor);
    case Op::F64x2Floor: return intrinsic1(Shape::F64x2, ID::floor);
    case Op::F32x4Trunc: return intrinsic1(Shape::F32x4, ID::trunc);
    case Op::F64x2Trunc: return intrinsic1(Shape::F64x2, ID::trunc);
    case Op::F32x4Nearest: return intrinsic1(Shape::F32x4, ID::roundeven);
    case Op::F64x2Nearest: return intrinsic1(Shape::F64x2, ID::roundeven);
    case Op::F32x4Add: return binary(Shape::F32x4, [&](auto l, auto r) { return b_.CreateFAdd(l, r); });
    case Op::F64x2Add: return binary(Shape::F64x2, [&](auto l, auto r) { return b_.CreateFAdd(l, r); });
    case Op::F32x4Sub: return binary(Shape::F32x4, [&](auto l, auto r) { return b_.CreateFSub(l, r); });
    case Op::F64x2Sub: return binary(Shape::F64x2, [&](auto l, auto r) { return b_.CreateFSub(l, r); });
    case Op::F32x4Mul: return binary(Shape::F32x4, [&](auto l, auto r) { return b_.CreateFMul(l, r); });
    case Op::F64x2Mul: return binary(Shape::F64x2, [&](auto l, auto r) { return b_.CreateFMul(l, r); });
    case Op::F32x4Div: return binary(Shape::F32x4, [&](auto l, auto r) { return b_.CreateFDiv(l, r); });
    case Op::F64x2Div: return binary(Shape::F64x2, [&](auto l, auto r) { return b_.CreateFDiv(l, r); });
    case Op::F32x4Min: return binary(Shape::F32x4, [&](auto l, auto r) { return float_min_max(l, r, true); });
    case Op::F64x2Min: return binary(Shape::F64x2, [&](auto l, auto r) { return float_min_max(l, r, true); });
    case Op::F32x4Max: return binary(Shape::F32x4, [&](auto l, auto r) { return float_min_max(l, r, false); });
    case Op::F64x2Max: return binary(Shape::F64x2, [&](auto l, auto r) { return float_min_max(l, r, false); });
    case Op::F32x4Pmin: return pminmax(Shape::F32x4, true);
    case Op::F64x2Pmin: return pminmax(Shape::F64x2, true);
    case Op::F32x4Pmax: return pminmax(Shape::F32x4, false);
    case Op::F64x2Pmax: return pminmax(Shape::F64x2, false);

    case Op::I32x4TruncSatF32x4S:
      return unary(Shape::F32x4, [&](auto x) { return call_intrinsic(ID::fptosi_sat, {vec(Shape::I32x4), vec(Shape::F32x4)}, {x}); });
    case Op::I32x4TruncSatF32x4U:
      return unary(Shape::F32x4, [&](auto x) { return call_intrinsic(ID::fptoui_sat, {vec(Shape::I32x4), vec(Shape::F32x4)}, {x}); });
    case Op::I32x4TruncSatF64x2SZero: case Op::I32x4TruncSatF64x2UZero: {
      I id = in.op == Op::I32x4TruncSatF64x2SZero ? ID::fptosi_sat : ID::fptoui_sat;
      llvm::Type* two = llvm::FixedVectorType::get(env_.i32, 2);
      return unary(Shape::F64x2, [&](auto x) { return zero_extend_to_4(call_intrinsic(id, {two, vec(Shape::F64x2)}, {x})); });
    }
    case Op::F32x4ConvertI32x4S: return unary(Shape::I32x4, [&](auto x) { return b_.CreateSIToFP(x, vec(Shape::F32x4)); });
    case Op::F32x4ConvertI32x4U: return unary(Shape::I32x4, [&](auto x) { return b_.CreateUIToFP(x, vec(Shape::F32x4)); });
    case Op::F64x2ConvertLowI32x4S:
      return unary(Shape::I32x4, [&](auto x) { return b_.CreateSIToFP(half(x, 0, 2), vec(Shape::F64x2)); });
    case Op::F64x2ConvertLowI32x4U:
      return unary(Shape::I32x4, [&](auto x) { return b_.CreateUIToFP(half(x, 0, 2), vec(Shape::F64x2)); });
    case Op::F32x4DemoteF64x2Zero:
      return unary(Shape::F64x2, [&](auto x) {
        return zero_extend_to_4(b_.CreateFPTrunc(x, llvm::FixedVectorType::get(env_.f32, 2)));
      });
    case Op::F64x2PromoteLowF32x4:
      return unary(Shape::F32x4, [&](auto x) { return b_.CreateFPExt(half(x, 0, 2), vec(Shape::F64x2)); });
    default:
      return false;
  }
}

}  // namespace wasmrun::jit
