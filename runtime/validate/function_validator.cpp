#include "runtime/validate/function_validator.h"

#include <array>
#include <fmt/format.h>

namespace wasmrun::wasm {
namespace {

// The typing of an instruction whose signature opcodes.def spells out ("ii:i" and the like).
struct Signature {
  bool special = true;  // "!" in opcodes.def: typed by hand in step()
  bool uses_memory = false;
  uint8_t param_count = 0;
  uint8_t result_count = 0;
  std::array<uint8_t, 3> params{};
  uint8_t result = 0;
};

constexpr uint8_t slot_of(char c) {
  switch (c) {
    case 'i': case 'a': return uint8_t(ValType::I32);  // 32-bit memories only, so far
    case 'I': return uint8_t(ValType::I64);
    case 'f': return uint8_t(ValType::F32);
    case 'F': return uint8_t(ValType::F64);
    case 'v': return uint8_t(ValType::V128);
  }
  return 0;
}

constexpr std::array<Signature, size_t(Op::Count)> make_signatures() {
  std::array<Signature, size_t(Op::Count)> table{};
  for (size_t i = 0; i < kOpInfo.size(); ++i) {
    std::string_view sig = kOpInfo[i].signature;
    Signature& s = table[i];
    if (sig == "!") continue;
    s.special = false;
    bool in_results = false;
    for (char c : sig) {
      if (c == ':') { in_results = true; continue; }
      if (c == 'a') s.uses_memory = true;
      if (in_results) { s.result = slot_of(c); ++s.result_count; }
      else s.params[s.param_count++] = slot_of(c);
    }
  }
  return table;
}

constexpr auto kSignatures = make_signatures();

// Single-value block types point into this table, indexed by the type's code.
constexpr auto kSingleTypes = [] {
  std::array<ValType, 128> t{};
  for (size_t i = 0; i < t.size(); ++i) t[i] = ValType(i);
  return t;
}();

}  // namespace

std::string_view slot_name(uint8_t slot) {
  return slot == 0 ? std::string_view("unknown") : to_string(ValType(slot));
}

void FunctionValidator::fail(const std::string& message, const Instr& in) const {
  throw DecodeError{message, in.offset, false};
}

void FunctionValidator::mismatch(Slot expected, Slot actual, const Instr& in) const {
  fail(fmt::format("type mismatch in {}: expected {}, got {}", name(in.op), slot_name(expected),
                   actual == kUnknown ? "nothing" : slot_name(actual)),
       in);
}

FunctionValidator::Slot FunctionValidator::pop(const Instr& in) {
  const Frame& f = ctrls_.back();
  if (vals_.size() == f.height) {
    if (f.unreachable) return kUnknown;
    fail(fmt::format("type mismatch in {}: expected a value, got nothing", name(in.op)), in);
  }
  Slot t = vals_.back();
  vals_.pop_back();
  return t;
}

FunctionValidator::Slot FunctionValidator::pop(Slot expected, const Instr& in) {
  const Frame& f = ctrls_.back();
  if (vals_.size() == f.height) {
    if (f.unreachable) return kUnknown;
    mismatch(expected, kUnknown, in);
  }
  Slot actual = vals_.back();
  if (actual != expected && actual != kUnknown && expected != kUnknown) mismatch(expected, actual, in);
  vals_.pop_back();
  return actual;
}

void FunctionValidator::pop_list(TypeList types, const Instr& in) {
  for (uint32_t i = types.size; i-- > 0;) pop(Slot(types.data[i]), in);
}

void FunctionValidator::push_list(TypeList types) {
  for (uint32_t i = 0; i < types.size; ++i) push(Slot(types.data[i]));
}

void FunctionValidator::push_frame(Op kind, TypeList params, TypeList results) {
  ctrls_.push_back(Frame{kind, params.data, params.size, results.data, results.size,
                         uint32_t(vals_.size()), false});
  push_list(params);
}

FunctionValidator::Frame FunctionValidator::pop_frame(const Instr& in) {
  const Frame& f = ctrls_.back();
  pop_list({f.results, f.result_count}, in);
  if (vals_.size() != f.height)
    fail(fmt::format("type mismatch in {}: {} extra value(s) left at the end of the block",
                     name(in.op), vals_.size() - f.height),
         in);
  Frame popped = f;
  ctrls_.pop_back();
  return popped;
}

const FunctionValidator::Frame& FunctionValidator::label(uint32_t depth, const Instr& in) {
  if (depth >= ctrls_.size()) fail(fmt::format("unknown label {}", depth), in);
  return ctrls_[ctrls_.size() - 1 - depth];
}

void FunctionValidator::set_unreachable() {
  Frame& f = ctrls_.back();
  vals_.resize(f.height);
  f.unreachable = true;
}

void FunctionValidator::block_types(const Instr& in, TypeList& params, TypeList& results) {
  params = {nullptr, 0};
  results = {nullptr, 0};
  if (in.block == BlockKind::Value) {
    results = {&kSingleTypes[uint8_t(in.type)], 1};
  } else if (in.block == BlockKind::TypeIndex) {
    if (in.index >= m_.types.size()) fail(fmt::format("unknown type {}", in.index), in);
    const FuncType& ft = m_.types[in.index];
    params = {ft.params.data(), uint32_t(ft.params.size())};
    results = {ft.results.data(), uint32_t(ft.results.size())};
  }
}

void FunctionValidator::require_memory(uint32_t index, const Instr& in) {
  if (index >= m_.memories.size()) fail(fmt::format("unknown memory {}", index), in);
}

void FunctionValidator::require_table(uint32_t index, const Instr& in) {
  if (index >= m_.tables.size()) fail(fmt::format("unknown table {}", index), in);
}

void FunctionValidator::require_data(uint32_t index, const Instr& in) {
  if (!m_.data_count || index >= *m_.data_count) fail(fmt::format("unknown data segment {}", index), in);
}

void FunctionValidator::require_elem(uint32_t index, const Instr& in) {
  if (index >= m_.elems.size()) fail(fmt::format("unknown elem segment {}", index), in);
}

ValType FunctionValidator::local_type(uint32_t index, const Instr& in) {
  if (index >= locals_.size()) fail(fmt::format("unknown local {}", index), in);
  return locals_[index];
}

void FunctionValidator::check_memarg(const Instr& in) {
  require_memory(in.index2, in);
  if (in.index > info(in.op).aux) fail("alignment must not be larger than natural", in);
}

void FunctionValidator::validate(uint32_t func_index, const FunctionBody& body, Reader& code) {
  const FuncType& type = m_.func_type(func_index);
  locals_.assign(type.params.begin(), type.params.end());
  for (const LocalRun& run : body.locals) locals_.insert(locals_.end(), run.count, run.type);
  vals_.clear();
  ctrls_.clear();
  ctrls_.push_back(Frame{Op::Block, type.params.data(), 0, type.results.data(),
                         uint32_t(type.results.size()), 0, false});

  InstructionReader reader(code, multi_memory_);
  while (!ctrls_.empty()) {
    if (code.at_end()) code.fail("END opcode expected: unexpected end of section or function");
    step(reader.next());
  }
  if (!code.at_end()) code.fail("section size mismatch: operators remaining after the end of the function");
}

void FunctionValidator::simple(const Instr& in) {
  const Signature& s = kSignatures[size_t(in.op)];
  if (s.uses_memory) {
    switch (info(in.op).immediate) {
      case Immediate::MemArg: check_memarg(in); break;
      case Immediate::MemArgLane:
        check_memarg(in);
        if (in.lane >= (16 >> info(in.op).aux)) fail("invalid lane index", in);
        break;
      default: require_memory(in.index, in); break;  // memory.size, memory.grow, memory.fill
    }
  } else if (info(in.op).immediate == Immediate::Lane) {
    if (in.lane >= info(in.op).aux) fail("invalid lane index", in);
  } else if (in.op == Op::I8x16Shuffle) {
    for (uint8_t lane : in.v128)
      if (lane >= 32) fail("invalid lane index", in);
  }
  for (unsigned i = s.param_count; i-- > 0;) pop(s.params[i], in);
  if (s.result_count) push(s.result);
}

void FunctionValidator::step(const Instr& in) {
  if (!kSignatures[size_t(in.op)].special) return simple(in);

  constexpr Slot I32 = Slot(ValType::I32);
  switch (in.op) {
    case Op::Block:
    case Op::Loop:
    case Op::If: {
      TypeList params, results;
      block_types(in, params, results);
      if (in.op == Op::If) pop(I32, in);
      pop_list(params, in);
      push_frame(in.op, params, results);
      break;
    }
    case Op::Else: {
      if (ctrls_.back().kind != Op::If) fail("else without a matching if", in);
      Frame f = pop_frame(in);
      push_frame(Op::Else, {f.params, f.param_count}, {f.results, f.result_count});
      break;
    }
    case Op::End: {
      Frame f = pop_frame(in);
      // An `if` without `else` behaves as if the else branch passed its params through.
      if (f.kind == Op::If && (f.param_count != f.result_count ||
                               !std::equal(f.params, f.params + f.param_count, f.results)))
        fail("type mismatch in if: an if without else must produce its parameters", in);
      if (!ctrls_.empty()) push_list({f.results, f.result_count});
      break;
    }
    case Op::Br:
      pop_list(label_types(label(in.index, in)), in);
      set_unreachable();
      break;
    case Op::BrIf: {
      TypeList types = label_types(label(in.index, in));
      pop(I32, in);
      pop_list(types, in);
      push_list(types);
      break;
    }
    case Op::BrTable: {
      pop(I32, in);
      BrTableTargets targets(in);
      uint32_t default_label = 0;
      {
        BrTableTargets skip(in);
        for (uint32_t i = 0; i < in.index; ++i) skip.next();
        default_label = skip.next();
      }
      TypeList defaults = label_types(label(default_label, in));
      for (uint32_t i = 0; i < in.index; ++i) {
        TypeList types = label_types(label(targets.next(), in));
        if (types.size != defaults.size)
          fail(fmt::format("type mismatch in br_table: labels with {} and {} values", types.size, defaults.size), in);
        // Check against the stack without consuming it: pop, then push back what was popped
        // (unknown stays unknown, as in the spec's algorithm).
        scratch_.resize(types.size);
        for (uint32_t k = types.size; k-- > 0;) scratch_[k] = pop(Slot(types.data[k]), in);
        for (uint32_t k = 0; k < types.size; ++k) push(scratch_[k]);
      }
      pop_list(defaults, in);
      set_unreachable();
      break;
    }
    case Op::Return:
      pop_list({ctrls_[0].results, ctrls_[0].result_count}, in);
      set_unreachable();
      break;
    case Op::Unreachable:
      set_unreachable();
      break;
    case Op::Call: {
      if (in.index >= m_.func_types.size()) fail(fmt::format("unknown function {}", in.index), in);
      const FuncType& ft = m_.func_type(in.index);
      pop_list({ft.params.data(), uint32_t(ft.params.size())}, in);
      push_list({ft.results.data(), uint32_t(ft.results.size())});
      break;
    }
    case Op::CallIndirect: {
      require_table(in.index2, in);
      if (m_.tables[in.index2].element != ValType::FuncRef)
        fail("type mismatch in call_indirect: the table does not hold funcref", in);
      if (in.index >= m_.types.size()) fail(fmt::format("unknown type {}", in.index), in);
      const FuncType& ft = m_.types[in.index];
      pop(I32, in);
      pop_list({ft.params.data(), uint32_t(ft.params.size())}, in);
      push_list({ft.results.data(), uint32_t(ft.results.size())});
      break;
    }
    case Op::Drop:
      pop(in);
      break;
    case Op::Select: {
      pop(I32, in);
      Slot t1 = pop(in);
      Slot t2 = pop(in);
      auto numeric_or_vector = [](Slot t) { return t == kUnknown || !is_reference(ValType(t)); };
      if (!numeric_or_vector(t1) || !numeric_or_vector(t2))
        fail("type mismatch in select: operands must be numeric or vector; use a typed select", in);
      if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) mismatch(t1, t2, in);
      push(t1 == kUnknown ? t2 : t1);
      break;
    }
    case Op::SelectTyped: {
      if (in.index != 1) fail("invalid result arity", in);
      Slot t = Slot(in.type);
      pop(I32, in);
      pop(t, in);
      pop(t, in);
      push(t);
      break;
    }
    case Op::LocalGet:
      push(Slot(local_type(in.index, in)));
      break;
    case Op::LocalSet:
      pop(Slot(local_type(in.index, in)), in);
      break;
    case Op::LocalTee: {
      Slot t = Slot(local_type(in.index, in));
      pop(t, in);
      push(t);
      break;
    }
    case Op::GlobalGet:
      if (in.index >= m_.global_types.size()) fail(fmt::format("unknown global {}", in.index), in);
      push(Slot(m_.global_types[in.index].type));
      break;
    case Op::GlobalSet: {
      if (in.index >= m_.global_types.size()) fail(fmt::format("unknown global {}", in.index), in);
      const GlobalType& g = m_.global_types[in.index];
      if (!g.is_mutable) fail("global is immutable", in);
      pop(Slot(g.type), in);
      break;
    }
    case Op::TableGet:
      require_table(in.index, in);
      pop(I32, in);
      push(Slot(m_.tables[in.index].element));
      break;
    case Op::TableSet:
      require_table(in.index, in);
      pop(Slot(m_.tables[in.index].element), in);
      pop(I32, in);
      break;
    case Op::TableSize:
      require_table(in.index, in);
      push(I32);
      break;
    case Op::TableGrow:
      require_table(in.index, in);
      pop(I32, in);
      pop(Slot(m_.tables[in.index].element), in);
      push(I32);
      break;
    case Op::TableFill:
      require_table(in.index, in);
      pop(I32, in);
      pop(Slot(m_.tables[in.index].element), in);
      pop(I32, in);
      break;
    case Op::TableCopy:
      require_table(in.index, in);
      require_table(in.index2, in);
      if (m_.tables[in.index].element != m_.tables[in.index2].element)
        fail("type mismatch in table.copy: tables hold different reference types", in);
      pop(I32, in);
      pop(I32, in);
      pop(I32, in);
      break;
    case Op::TableInit:
      require_table(in.index2, in);
      require_elem(in.index, in);
      if (m_.tables[in.index2].element != m_.elems[in.index].type)
        fail("type mismatch in table.init: segment and table hold different reference types", in);
      pop(I32, in);
      pop(I32, in);
      pop(I32, in);
      break;
    case Op::ElemDrop:
      require_elem(in.index, in);
      break;
    case Op::MemoryInit:
      require_memory(in.index2, in);
      require_data(in.index, in);
      pop(I32, in);
      pop(I32, in);
      pop(I32, in);
      break;
    case Op::DataDrop:
      require_data(in.index, in);
      break;
    case Op::MemoryCopy:
      require_memory(in.index, in);
      require_memory(in.index2, in);
      pop(I32, in);
      pop(I32, in);
      pop(I32, in);
      break;
    case Op::RefNull:
      push(Slot(in.type));
      break;
    case Op::RefIsNull: {
      Slot t = pop(in);
      if (t != kUnknown && !is_reference(ValType(t)))
        fail(fmt::format("type mismatch in ref.is_null: expected a reference, got {}", slot_name(t)), in);
      push(I32);
      break;
    }
    case Op::RefFunc:
      if (in.index >= m_.func_types.size()) fail(fmt::format("unknown function {}", in.index), in);
      if (!m_.declared_refs[in.index]) fail("undeclared function reference", in);
      push(Slot(ValType::FuncRef));
      break;
    default:
      fail(fmt::format("validator has no rule for {}", name(in.op)), in);
  }
}

}  // namespace wasmrun::wasm
