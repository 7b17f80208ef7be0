// Module-level validation rules (core spec §3.4): index spaces, limits, constant expressions,
// imports, exports, start, segments. The decoder calls these as it reads each entity, so a module
// is validated in the same pass that decodes it.
#pragma once

#include <string_view>
#include <unordered_set>

#include "runtime/decode/instruction_reader.h"
#include "runtime/wasm/module.h"

namespace wasmrun::wasm {

class ModuleValidator {
 public:
  // multi_memory: Wasm 3.0 allows any number of memories; off, Wasm 2.0's one.
  explicit ModuleValidator(const Module& module, bool multi_memory = true) : m_(module), multi_memory_(multi_memory) {}

  void type_index(uint32_t index, size_t offset) const;
  void table_type(const TableType& t, size_t offset) const;
  void memory_type(const MemoryType& t, size_t offset) const;
  void memory_count(size_t offset) const;
  void export_entry(const Export& e, size_t offset);
  void start(uint32_t func_index, size_t offset) const;
  void elem_segment(const ElemSegment& s, size_t offset) const;
  void data_segment(const DataSegment& s, size_t offset) const;
  void func_index(uint32_t index, size_t offset) const;

  // Constant expressions (§3.3.10): call const_instr for each instruction before `end`, then
  // const_end with the type the expression must produce.
  void const_begin() { const_stack_.clear(); }
  void const_instr(const Instr& in);
  void const_end(ValType expected, size_t offset) const;

  [[noreturn]] static void fail(std::string message, size_t offset);

 private:
  void extern_index(ExternKind kind, uint32_t index, size_t offset) const;

  const Module& m_;
  bool multi_memory_;
  std::unordered_set<std::string_view> export_names_;
  std::vector<ValType> const_stack_;
};

}  // namespace wasmrun::wasm
