#include "runtime/decode/instruction_reader.h"

#include <array>
#include <cstring>
#include <fmt/format.h>

namespace wasmrun::wasm {
namespace {

constexpr Op kInvalid = Op::Count;

template <size_t N>
constexpr std::array<Op, N> opcode_table(uint8_t prefix) {
  std::array<Op, N> table{};
  for (auto& op : table) op = kInvalid;
  for (size_t i = 0; i < kOpInfo.size(); ++i)
    if (kOpInfo[i].prefix == prefix && kOpInfo[i].code < N && kOpInfo[i].feature == Feature::Wasm2)
      table[kOpInfo[i].code] = Op(i);
  return table;
}

constexpr auto kSingleByte = opcode_table<256>(0x00);
constexpr auto kPrefixFC = opcode_table<32>(0xFC);
constexpr auto kPrefixFD = opcode_table<256>(0xFD);

}  // namespace

Op InstructionReader::read_opcode(uint32_t offset) {
  uint8_t byte = r_.u8();
  Op op = kInvalid;
  uint32_t sub = 0;
  if (byte == 0xFC || byte == 0xFD) {
    sub = r_.u32();
    if (byte == 0xFC && sub < kPrefixFC.size()) op = kPrefixFC[sub];
    if (byte == 0xFD && sub < kPrefixFD.size()) op = kPrefixFD[sub];
    if (op == kInvalid) Reader::fail_at(fmt::format("illegal opcode 0x{:02x} 0x{:x}", byte, sub), offset);
  } else {
    op = kSingleByte[byte];
    if (op == kInvalid) Reader::fail_at(fmt::format("illegal opcode 0x{:02x}", byte), offset);
  }
  return op;
}

Instr InstructionReader::next() {
  Instr in;
  in.offset = uint32_t(r_.offset());
  in.op = read_opcode(in.offset);
  if (info(in.op).immediate != Immediate::None) read_immediates(in);
  return in;
}

void InstructionReader::read_immediates(Instr& in) {
  auto zero_byte = [&] {
    if (r_.u8() != 0) r_.fail("zero byte expected");
  };
  // memarg (3.0 §5.4.7): flags below 2^6 are the alignment of memory 0; bit 6 set, a memory
  // index follows them.
  auto memarg = [&] {
    in.index = r_.u32();
    if (multi_memory_ && (in.index & 0x40) && in.index < 0x80) {
      in.index &= ~0x40u;
      in.index2 = r_.u32();
    }
    in.bits = r_.u32();
  };
  auto memory_index = [&] {
    if (multi_memory_) return r_.u32();
    zero_byte();
    return 0u;
  };
  switch (info(in.op).immediate) {
    case Immediate::None:
      break;
    case Immediate::Block: {
      size_t at = r_.offset();
      int64_t v = r_.s33();
      if (v >= 0) {
        in.block = BlockKind::TypeIndex;
        in.index = uint32_t(v);
      } else if (v == -0x40) {
        in.block = BlockKind::Empty;
      } else {
        uint8_t code = uint8_t(v & 0x7f);
        switch (ValType(code)) {
          case ValType::I32: case ValType::I64: case ValType::F32: case ValType::F64:
          case ValType::V128: case ValType::FuncRef: case ValType::ExternRef:
            break;
          default:
            Reader::fail_at("malformed block type", at);
        }
        in.block = BlockKind::Value;
        in.type = ValType(code);
      }
      break;
    }
    case Immediate::Label: case Immediate::Func: case Immediate::Local: case Immediate::Global:
    case Immediate::Table: case Immediate::Data: case Immediate::Elem:
      in.index = r_.u32();
      break;
    case Immediate::BrTable: {
      in.index = r_.count();
      in.targets = r_.position();
      for (uint32_t i = 0; i <= in.index; ++i) r_.u32();
      break;
    }
    case Immediate::CallIndirect:
      in.index = r_.u32();
      in.index2 = r_.u32();
      break;
    case Immediate::SelectT: {
      in.index = r_.count();
      for (uint32_t i = 0; i < in.index; ++i) {
        uint8_t code = r_.u8();
        switch (ValType(code)) {
          case ValType::I32: case ValType::I64: case ValType::F32: case ValType::F64:
          case ValType::V128: case ValType::FuncRef: case ValType::ExternRef:
            break;
          default:
            r_.fail("malformed value type");
        }
        in.type = ValType(code);
      }
      break;
    }
    case Immediate::Mem:
      in.index = memory_index();
      break;
    case Immediate::MemArg:
      memarg();
      break;
    case Immediate::MemArgLane:
      memarg();
      in.lane = r_.u8();
      break;
    case Immediate::I32:
      in.bits = uint64_t(int64_t(r_.s32()));
      break;
    case Immediate::I64:
      in.bits = uint64_t(r_.s64());
      break;
    case Immediate::F32:
      in.bits = r_.f32_bits();
      break;
    case Immediate::F64:
      in.bits = r_.f64_bits();
      break;
    case Immediate::V128: case Immediate::Shuffle:
      std::memcpy(in.v128, r_.take(16), 16);
      break;
    case Immediate::Lane:
      in.lane = r_.u8();
      break;
    case Immediate::RefType: {
      uint8_t code = r_.u8();
      if (code != uint8_t(ValType::FuncRef) && code != uint8_t(ValType::ExternRef))
        r_.fail("malformed reference type");
      in.type = ValType(code);
      break;
    }
    case Immediate::MemoryInit:
      in.index = r_.u32();
      in.index2 = memory_index();
      break;
    case Immediate::MemoryCopy:
      in.index = memory_index();
      in.index2 = memory_index();
      break;
    case Immediate::TableInit:
      in.index = r_.u32();
      in.index2 = r_.u32();
      break;
    case Immediate::TableCopy:
      in.index = r_.u32();
      in.index2 = r_.u32();
      break;
    default:  // immediates of later proposals, whose opcodes read_opcode never admits
      Reader::fail_at("illegal opcode", in.offset);
  }
}

}  // namespace wasmrun::wasm
