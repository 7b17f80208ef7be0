// Instruction identities and static facts, generated from opcodes.def.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace wasmrun::wasm {

enum class Op : uint16_t {
#define WASM_OP(name, text, prefix, code, imm, sig, aux, feature) name,
#include "runtime/wasm/opcodes.def"
#undef WASM_OP
  Count,
};

// The immediate operands an instruction carries in the binary format (§5.4).
enum class Immediate : uint8_t {
  None, Block, Label, BrTable, Func, CallIndirect, SelectT, Local, Global, Table, MemArg, Mem,
  I32, I64, F32, F64, V128, Shuffle, Lane, MemArgLane, RefType, MemoryInit, Data, MemoryCopy,
  TableInit, Elem, TableCopy,
  // 3.0 proposals.
  Tag, TryTable, TypeIndex, StructField, ArrayFixed, ArrayData, ArrayElem, ArrayCopy, HeapType,
  BrOnCast,
};

// The proposal that introduced an instruction. Wasm2 is everything in the 2.0 standard; the
// others are the 3.0 proposals that added instructions (memory64, multi-memory and extended
// constant expressions only widen existing ones).
enum class Feature : uint8_t { Wasm2, Exceptions, TailCall, FunctionReferences, GC, RelaxedSimd };

struct OpInfo {
  std::string_view text;
  uint8_t prefix;
  uint32_t code;
  Immediate immediate;
  std::string_view signature;  // see opcodes.def
  uint8_t aux;
  Feature feature;
};

inline constexpr std::array<OpInfo, size_t(Op::Count)> kOpInfo = {{
#define WASM_OP(name, text, prefix, code, imm, sig, aux, feature) \
  {text, prefix, code, Immediate::imm, sig, aux, Feature::feature},
#include "runtime/wasm/opcodes.def"
#undef WASM_OP
}};

constexpr const OpInfo& info(Op op) { return kOpInfo[size_t(op)]; }
constexpr std::string_view name(Op op) { return info(op).text; }

}  // namespace wasmrun::wasm
