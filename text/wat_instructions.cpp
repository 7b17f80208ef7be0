// Instructions of ModuleParser (3.0 §6.5): plain, structured and folded forms, encoded in
// the order the binary format wants them (§5.4): a folded instruction's operands first.
#include <fmt/format.h>

#include <bit>

#include "text/literals.h"
#include "text/opcode_names.h"
#include "text/wat_module_parser.h"

namespace wasmrun::text {

using wasm::Immediate;
using wasm::Op;

namespace {

bool is_structured(Op op) {
  return op == Op::Block || op == Op::Loop || op == Op::If || op == Op::TryTable || op == Op::Else || op == Op::End;
}

bool is_block_keyword(std::string_view k) { return k == "block" || k == "loop" || k == "if" || k == "try_table"; }

}  // namespace

void ModuleParser::expr(BinaryWriter& out, FunctionContext& f) {
  instrs(out, f);
  out.u8(0x0B);
}

void ModuleParser::instrs(BinaryWriter& out, FunctionContext& f) {
  for (;;) {
    if (c_.at(TokenKind::LParen)) {
      folded(out, f);
    } else if (c_.at(TokenKind::Keyword)) {
      std::string_view k = c_.peek().text;
      if (k == "end" || k == "else") return;
      if (is_block_keyword(k)) block(out, f);
      else plain(out, f);
    } else if (c_.at_rparen()) {
      return;
    } else {
      c_.expected("an instruction");
    }
  }
}

void ModuleParser::folded(BinaryWriter& out, FunctionContext& f) {
  DepthGuard guard(depth_, c_);
  c_.expect_lparen();
  if (!c_.at(TokenKind::Keyword)) c_.expected("an instruction");
  if (is_block_keyword(c_.peek().text)) {
    folded_block(out, f);
  } else {
    BinaryWriter instruction;
    plain(instruction, f);
    instrs(out, f);
    out.raw(instruction);
  }
  c_.expect_rparen();
}

void ModuleParser::plain(BinaryWriter& out, FunctionContext& f) {
  const Token& at = c_.next();
  auto ops = ops_named(at.text);
  if (ops.empty() || is_structured(ops[0])) c_.fail(at, fmt::format("unknown operator {}", describe(at)));
  immediates(out, f, ops[0]);
}

void ModuleParser::push_label(FunctionContext& f) { f.labels.push_back(take_id(c_)); }

// `end $l` / `else $l` may repeat the block's label (§6.5.2).
void ModuleParser::end_label(FunctionContext& f, const std::optional<std::string>& label) {
  if (!c_.at_id()) return;
  const Token& at = c_.peek();
  std::string id = c_.id();
  if (!label || *label != id) c_.fail(at, "mismatching label");
}

void ModuleParser::block(BinaryWriter& out, FunctionContext& f) {
  DepthGuard guard(depth_, c_);
  const Token& keyword = c_.next();
  Op op = ops_named(keyword.text)[0];
  std::optional<std::string> label = take_id(c_);
  encode_opcode(out, op);
  block_type(out);
  if (op == Op::TryTable) catch_clauses(out, f);
  f.labels.push_back(label);
  instrs(out, f);
  if (op == Op::If && c_.take_keyword("else")) {
    end_label(f, label);
    else_branch(out, f);
  }
  c_.expect_keyword("end");
  end_label(f, label);
  out.u8(0x0B);
  f.labels.pop_back();
}

void ModuleParser::folded_block(BinaryWriter& out, FunctionContext& f) {
  const Token& keyword = c_.next();
  Op op = ops_named(keyword.text)[0];
  std::optional<std::string> label = take_id(c_);
  BinaryWriter header;
  encode_opcode(header, op);
  block_type(header);
  if (op == Op::TryTable) catch_clauses(header, f);
  if (op != Op::If) {
    out.raw(header);
    f.labels.push_back(label);
    instrs(out, f);
  } else {
    // (if label bt condition* (then ...) (else ...)?): the condition is evaluated first.
    while (c_.at(TokenKind::LParen) && !c_.at_form("then")) folded(out, f);
    out.raw(header);
    f.labels.push_back(label);
    c_.expect_form("then");
    instrs(out, f);
    c_.expect_rparen();
    if (c_.take_form("else")) {
      else_branch(out, f);
      c_.expect_rparen();
    }
  }
  out.u8(0x0B);
  f.labels.pop_back();
}

// An empty else branch needs no `else` opcode (§5.4.1); leaving it out matches wabt.
void ModuleParser::else_branch(BinaryWriter& out, FunctionContext& f) {
  BinaryWriter branch;
  instrs(branch, f);
  if (branch.empty()) return;
  out.u8(0x05);
  out.raw(branch);
}

// blocktype (§6.5.2): empty, one result type, or a type use (encoded as a type index).
void ModuleParser::block_type(BinaryWriter& out) {
  size_t start = c_.position();
  if (!c_.at_form("type")) {
    FuncSig sig;
    type_parser_.params(sig.params, nullptr);
    type_parser_.results(sig.results);
    if (sig.params.empty() && sig.results.size() <= 1) {
      if (sig.results.empty()) out.u8(code::EmptyBlock);
      else encode(out, sig.results[0]);
      return;
    }
    c_.seek(start);
  }
  out.s64(type_use(false).index);
}

void ModuleParser::catch_clauses(BinaryWriter& out, FunctionContext& f) {
  static constexpr std::string_view kClauses[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
  BinaryWriter clauses;
  uint32_t count = 0;
  for (;;) {
    uint8_t kind = 0;
    while (kind < 4 && !c_.at_form(kClauses[kind])) ++kind;
    if (kind == 4) break;
    c_.next(), c_.next();
    clauses.u8(kind);
    if (kind < 2) clauses.u32(tags_.resolve(c_, "tag"));
    clauses.u32(label(f));
    c_.expect_rparen();
    ++count;
  }
  out.u32(count);
  out.raw(clauses);
}

uint32_t ModuleParser::label(FunctionContext& f) {
  if (c_.at_id()) {
    const Token& at = c_.peek();
    std::string id = c_.id();
    for (size_t i = f.labels.size(); i-- > 0;)
      if (f.labels[i] == id) return uint32_t(f.labels.size() - 1 - i);
    c_.fail(at, fmt::format("unknown label ${}", id));
  }
  if (!c_.at(TokenKind::Number)) c_.expected("a label");
  return c_.u32();
}

bool ModuleParser::at_two_indices() const {
  auto is_index = [](const Token& t) {
    return t.kind == TokenKind::Id || (t.kind == TokenKind::Number && parse_unsigned(t.text, UINT32_MAX));
  };
  return is_index(c_.peek()) && is_index(c_.peek(1));
}

uint32_t ModuleParser::field_index(uint32_t type_index) {
  if (!c_.at_id()) return c_.u32();
  const Token& at = c_.peek();
  std::string id = c_.id();
  const TypeInfo* info = types_.info(type_index);
  if (info) {
    auto it = info->field_names.find(id);
    if (it != info->field_names.end()) return it->second;
  }
  c_.fail(at, fmt::format("unknown field ${}", id));
}

// memarg (§6.5.6): `offset=N`? `align=N`?, after the memory index (encoded in the flags when
// not 0, 3.0 §5.4.6).
void ModuleParser::memarg(BinaryWriter& out, uint32_t natural_align, bool memory_allowed) {
  uint32_t memory = 0;
  if (memory_allowed && at_index(c_)) memory = memories_.resolve(c_, "memory");
  uint64_t offset = 0;
  uint32_t align = natural_align;
  if (c_.at(TokenKind::Keyword) && c_.peek().text.starts_with("offset=")) {
    const Token& at = c_.next();
    auto value = parse_unsigned(at.text.substr(7), UINT64_MAX);
    if (!value) c_.fail(at, "malformed offset");
    offset = *value;
  }
  if (c_.at(TokenKind::Keyword) && c_.peek().text.starts_with("align=")) {
    const Token& at = c_.next();
    auto value = parse_unsigned(at.text.substr(6), UINT64_MAX);
    if (!value) c_.fail(at, "malformed alignment");
    if (!std::has_single_bit(*value)) c_.fail(at, "alignment must be a power of two");
    align = uint32_t(std::countr_zero(*value));
  }
  out.u32(align | (memory != 0 ? 0x40 : 0));
  if (memory != 0) out.u32(memory);
  out.u64(offset);
}

void ModuleParser::v128_const(BinaryWriter& out) {
  const Token& shape = c_.expect(TokenKind::Keyword, "a vector shape");
  if (shape.text == "i8x16") for (int i = 0; i < 16; ++i) out.fixed(c_.integer(8), 1);
  else if (shape.text == "i16x8") for (int i = 0; i < 8; ++i) out.fixed(c_.integer(16), 2);
  else if (shape.text == "i32x4") for (int i = 0; i < 4; ++i) out.fixed(c_.integer(32), 4);
  else if (shape.text == "i64x2") for (int i = 0; i < 2; ++i) out.fixed(c_.integer(64), 8);
  else if (shape.text == "f32x4") for (int i = 0; i < 4; ++i) out.fixed(c_.f32(), 4);
  else if (shape.text == "f64x2") for (int i = 0; i < 2; ++i) out.fixed(c_.f64(), 8);
  else c_.fail(shape, fmt::format("unknown vector shape {}", describe(shape)));
}

// The destination and source of memory.copy / table.copy: both or neither (then 0 and 0).
void ModuleParser::index_pair(BinaryWriter& out, const IndexSpace& space, std::string_view kind) {
  uint32_t to = 0, from = 0;
  if (at_index(c_)) {
    to = space.resolve(c_, kind);
    from = space.resolve(c_, kind);
  }
  out.u32(to);
  out.u32(from);
}

void ModuleParser::immediates(BinaryWriter& out, FunctionContext& f, Op op) {
  const wasm::OpInfo& in = wasm::info(op);
  auto optional_index = [&](const IndexSpace& space, std::string_view kind) {
    return at_index(c_) ? space.resolve(c_, kind) : 0u;
  };
  auto lane = [&] {
    const Token& t = c_.peek();
    uint32_t value = c_.u32();
    if (value > 255) c_.fail(t, "malformed lane index");
    out.u8(uint8_t(value));
  };
  if (op == Op::Select && c_.at_form("result")) {
    // select (result t*)*: the typed form (§5.4.2).
    std::vector<ValType> types;
    type_parser_.results(types);
    encode_opcode(out, Op::SelectTyped);
    out.u32(uint32_t(types.size()));
    for (const ValType& t : types) encode(out, t);
    return;
  }
  if (in.immediate == Immediate::HeapType) {
    // ref.test / ref.cast take a reference type; its nullability picks the opcode.
    ValType type = type_parser_.reftype();
    for (Op candidate : ops_named(in.text))
      if (wasm::info(candidate).aux == (type.nullable() ? 1 : 0)) encode_opcode(out, candidate);
    encode(out, type.heap_type());
    return;
  }
  switch (in.immediate) {
    case Immediate::Label: {
      uint32_t l = label(f);
      encode_opcode(out, op);
      out.u32(l);
      return;
    }
    case Immediate::BrTable: {
      std::vector<uint32_t> labels;
      do labels.push_back(label(f));
      while (at_index(c_));
      encode_opcode(out, op);
      out.u32(uint32_t(labels.size() - 1));
      for (uint32_t l : labels) out.u32(l);
      return;
    }
    case Immediate::CallIndirect: {
      uint32_t table = optional_index(tables_, "table");
      uint32_t type = type_use(false).index;
      encode_opcode(out, op);
      out.u32(type);
      out.u32(table);
      return;
    }
    case Immediate::BrOnCast: {
      uint32_t l = label(f);
      ValType from = type_parser_.reftype();
      ValType to = type_parser_.reftype();
      encode_opcode(out, op);
      out.u8(uint8_t((from.nullable() ? 1 : 0) | (to.nullable() ? 2 : 0)));
      out.u32(l);
      encode(out, from.heap_type());
      encode(out, to.heap_type());
      return;
    }
    default:
      break;
  }
  encode_opcode(out, op);
  switch (in.immediate) {
    // Structured instructions, the typed select and the immediates read above never get here.
    case Immediate::None: case Immediate::Block: case Immediate::TryTable: case Immediate::SelectT:
    case Immediate::Label: case Immediate::BrTable: case Immediate::CallIndirect:
    case Immediate::HeapType: case Immediate::BrOnCast:
      break;
    case Immediate::Func:
      out.u32(funcs_.resolve(c_, "function"));
      break;
    case Immediate::Local:
      out.u32(f.locals.resolve(c_, "local"));
      break;
    case Immediate::Global:
      out.u32(globals_.resolve(c_, "global"));
      break;
    case Immediate::Table:
      out.u32(optional_index(tables_, "table"));
      break;
    case Immediate::Tag:
      out.u32(tags_.resolve(c_, "tag"));
      break;
    case Immediate::MemArg:
      memarg(out, in.aux, true);
      break;
    case Immediate::MemArgLane: {
      // v128.loadN_lane memidx? memarg lane: a leading index is the memory when another index or
      // a memarg keyword follows it.
      const Token& next = c_.peek(1);
      bool memory_first = at_index(c_) && (at_two_indices() || (next.kind == TokenKind::Keyword &&
                                                                 (next.text.starts_with("offset=") || next.text.starts_with("align="))));
      memarg(out, in.aux, memory_first);
      lane();
      break;
    }
    case Immediate::Mem:
      out.u32(optional_index(memories_, "memory"));
      break;
    case Immediate::I32:
      out.s32(int32_t(uint32_t(c_.integer(32))));
      break;
    case Immediate::I64:
      out.s64(int64_t(c_.integer(64)));
      break;
    case Immediate::F32:
      out.fixed(c_.f32(), 4);
      break;
    case Immediate::F64:
      out.fixed(c_.f64(), 8);
      break;
    case Immediate::V128:
      v128_const(out);
      break;
    case Immediate::Shuffle:
      for (int i = 0; i < 16; ++i) lane();
      break;
    case Immediate::Lane:
      lane();
      break;
    case Immediate::RefType:
      encode(out, type_parser_.heaptype());
      break;
    case Immediate::MemoryInit: {
      uint32_t memory = at_two_indices() ? memories_.resolve(c_, "memory") : 0;
      out.u32(datas_.resolve(c_, "data segment"));
      out.u32(memory);
      uses_data_count_ = true;
      break;
    }
    case Immediate::Data:
      out.u32(datas_.resolve(c_, "data segment"));
      uses_data_count_ = true;
      break;
    case Immediate::MemoryCopy:
      index_pair(out, memories_, "memory");
      break;
    case Immediate::TableInit: {
      uint32_t table = at_two_indices() ? tables_.resolve(c_, "table") : 0;
      out.u32(elems_.resolve(c_, "elem segment"));
      out.u32(table);
      break;
    }
    case Immediate::Elem:
      out.u32(elems_.resolve(c_, "elem segment"));
      break;
    case Immediate::TableCopy:
      index_pair(out, tables_, "table");
      break;
    case Immediate::TypeIndex:
      out.u32(types_.names.resolve(c_, "type"));
      break;
    case Immediate::StructField: {
      uint32_t type = types_.names.resolve(c_, "type");
      out.u32(type);
      out.u32(field_index(type));
      break;
    }
    case Immediate::ArrayFixed:
      out.u32(types_.names.resolve(c_, "type"));
      out.u32(c_.u32());
      break;
    case Immediate::ArrayData:
      out.u32(types_.names.resolve(c_, "type"));
      out.u32(datas_.resolve(c_, "data segment"));
      uses_data_count_ = true;
      break;
    case Immediate::ArrayElem:
      out.u32(types_.names.resolve(c_, "type"));
      out.u32(elems_.resolve(c_, "elem segment"));
      break;
    case Immediate::ArrayCopy:
      out.u32(types_.names.resolve(c_, "type"));
      out.u32(types_.names.resolve(c_, "type"));
      break;
  }
}

}  // namespace wasmrun::text
