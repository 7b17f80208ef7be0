#include "runtime/validate/module_validator.h"

#include <fmt/format.h>

namespace wasmrun::wasm {

void ModuleValidator::fail(std::string message, size_t offset) {
  throw DecodeError{std::move(message), offset, false};
}

void ModuleValidator::type_index(uint32_t index, size_t offset) const {
  if (index >= m_.types.size()) fail(fmt::format("unknown type {}", index), offset);
}

void ModuleValidator::func_index(uint32_t index, size_t offset) const {
  if (index >= m_.func_types.size()) fail(fmt::format("unknown function {}", index), offset);
}

void ModuleValidator::table_type(const TableType& t, size_t offset) const {
  if (t.limits.max && t.limits.min > *t.limits.max)
    fail("size minimum must not be greater than maximum", offset);
}

void ModuleValidator::memory_type(const MemoryType& t, size_t offset) const {
  if (t.limits.min > kMaxPages32 || (t.limits.max && *t.limits.max > kMaxPages32))
    fail("memory size must be at most 65536 pages (4GiB)", offset);
  if (t.limits.max && t.limits.min > *t.limits.max)
    fail("size minimum must not be greater than maximum", offset);
}

void ModuleValidator::memory_count(size_t offset) const {
  if (!multi_memory_ && m_.memories.size() > 1) fail("multiple memories", offset);
}

void ModuleValidator::extern_index(ExternKind kind, uint32_t index, size_t offset) const {
  size_t limit = 0;
  switch (kind) {
    case ExternKind::Func: limit = m_.func_types.size(); break;
    case ExternKind::Table: limit = m_.tables.size(); break;
    case ExternKind::Memory: limit = m_.memories.size(); break;
    case ExternKind::Global: limit = m_.global_types.size(); break;
  }
  if (index >= limit) fail(fmt::format("unknown {} {}", to_string(kind), index), offset);
}

void ModuleValidator::export_entry(const Export& e, size_t offset) {
  extern_index(e.kind, e.index, offset);
  if (!export_names_.insert(e.name).second) fail(fmt::format("duplicate export name \"{}\"", e.name), offset);
}

void ModuleValidator::start(uint32_t func_index, size_t offset) const {
  this->func_index(func_index, offset);
  const FuncType& t = m_.func_type(func_index);
  if (!t.params.empty() || !t.results.empty())
    fail("start function must take no parameters and return nothing", offset);
}

void ModuleValidator::elem_segment(const ElemSegment& s, size_t offset) const {
  if (s.mode == SegmentMode::Active) {
    if (s.table >= m_.tables.size()) fail(fmt::format("unknown table {}", s.table), offset);
    if (m_.tables[s.table].element != s.type)
      fail(fmt::format("type mismatch: elem segment of {} for a table of {}", to_string(s.type),
                       to_string(m_.tables[s.table].element)),
           offset);
  }
}

void ModuleValidator::data_segment(const DataSegment& s, size_t offset) const {
  if (s.mode == SegmentMode::Active && s.memory >= m_.memories.size())
    fail(fmt::format("unknown memory {}", s.memory), offset);
}

void ModuleValidator::const_instr(const Instr& in) {
  switch (in.op) {
    case Op::I32Const: const_stack_.push_back(ValType::I32); break;
    case Op::I64Const: const_stack_.push_back(ValType::I64); break;
    case Op::F32Const: const_stack_.push_back(ValType::F32); break;
    case Op::F64Const: const_stack_.push_back(ValType::F64); break;
    case Op::V128Const: const_stack_.push_back(ValType::V128); break;
    case Op::RefNull: const_stack_.push_back(in.type); break;
    case Op::RefFunc:
      func_index(in.index, in.offset);
      const_stack_.push_back(ValType::FuncRef);
      break;
    case Op::GlobalGet: {
      // Wasm 2.0: constant expressions see only the imported globals, and only immutable ones.
      if (in.index >= m_.imported_globals) fail(fmt::format("unknown global {}", in.index), in.offset);
      if (m_.global_types[in.index].is_mutable)
        fail("constant expression required: global.get of a mutable global", in.offset);
      const_stack_.push_back(m_.global_types[in.index].type);
      break;
    }
    default:
      fail(fmt::format("constant expression required, found {}", name(in.op)), in.offset);
  }
}

void ModuleValidator::const_end(ValType expected, size_t offset) const {
  if (const_stack_.size() != 1 || const_stack_[0] != expected) {
    std::string got;
    for (ValType t : const_stack_) got += fmt::format("{}{}", got.empty() ? "" : " ", to_string(t));
    fail(fmt::format("type mismatch in constant expression: expected {}, got [{}]", to_string(expected), got),
         offset);
  }
}

}  // namespace wasmrun::wasm
