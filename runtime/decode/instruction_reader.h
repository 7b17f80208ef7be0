// Decodes one instruction at a time with its immediates (§5.4), allocating nothing. Shared by the
// validator and the JIT; malformed encodings are reported here, typing is the validator's job.
#pragma once

#include <cstdint>

#include "runtime/decode/reader.h"
#include "runtime/wasm/opcodes.h"
#include "runtime/wasm/types.h"

namespace wasmrun::wasm {

enum class BlockKind : uint8_t { Empty, Value, TypeIndex };

struct Instr {
  Op op = Op::Nop;
  uint8_t lane = 0;             // Lane, MemArgLane
  ValType type = ValType::I32;  // SelectT, RefType, Block with BlockKind::Value
  BlockKind block = BlockKind::Empty;
  uint32_t offset = 0;          // of the opcode, in the module binary
  // Label/Func/Local/Global/Table/Mem/Data/Elem index; call_indirect and block type index;
  // br_table label count (default excluded); memarg alignment exponent.
  uint32_t index = 0;
  // call_indirect table; table.init table; memory.init memory; table.copy / memory.copy source;
  // memarg memory. (memory.size/grow/fill and memory.copy's destination: `index`.)
  uint32_t index2 = 0;
  // i32/i64 constants (sign-extended), f32/f64 raw bits, memarg offset.
  uint64_t bits = 0;
  uint8_t v128[16];             // V128 constant, Shuffle lanes (set only for those)
  const uint8_t* targets = nullptr;  // br_table: `index` label LEBs, then the default label

  int32_t i32() const { return int32_t(bits); }
  int64_t i64() const { return int64_t(bits); }
};

class InstructionReader {
 public:
  // multi_memory: Wasm 3.0's encodings with memory indices (memarg flag bit 6, memidx in
  // memory.size/grow/fill/copy/init); off, Wasm 2.0's reserved zero bytes. Code valid under 2.0
  // reads the same either way.
  explicit InstructionReader(Reader& reader, bool multi_memory = true) : r_(reader), multi_memory_(multi_memory) {}

  Instr next();

 private:
  Op read_opcode(uint32_t offset);
  void read_immediates(Instr& in);

  Reader& r_;
  bool multi_memory_;
};

// Iterates the label indices of a br_table that InstructionReader has already checked, so the
// LEB128s here are known to be well formed and in bounds.
class BrTableTargets {
 public:
  explicit BrTableTargets(const Instr& in) : p_(in.targets) {}
  uint32_t next() {
    uint32_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      uint8_t byte = *p_++;
      value |= uint32_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
  }

 private:
  const uint8_t* p_;
};

}  // namespace wasmrun::wasm
