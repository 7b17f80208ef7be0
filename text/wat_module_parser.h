// Parses the fields of a core module in the text format (3.0 §6.6, every abbreviation) and
// encodes the module binary (§5.5).
//
// Two passes over the tokens: the first numbers every definition of every index space (so
// fields may refer to later ones by $id) and checks that imports come first; the second parses
// each field and encodes it into its section. Explicit types are encoded between the passes;
// inline type uses that match no plain function type append new types in order of appearance.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/wasm/opcodes.h"
#include "text/binary_writer.h"
#include "text/core_types.h"
#include "text/index_space.h"
#include "text/token_cursor.h"

namespace wasmrun::text {

class ModuleParser {
 public:
  // The cursor is at the first field; parsing stops before the ")" closing the module, or at the
  // end of input for a module written as bare fields.
  explicit ModuleParser(TokenCursor& c) : c_(c), type_parser_(c, types_) {}

  std::vector<uint8_t> parse();

 private:
  // A growing section: its entry count and encoded entries.
  struct Section {
    uint32_t count = 0;
    BinaryWriter body;
  };
  // Locals and labels while encoding a function body (or none, in a constant expression).
  struct FunctionContext {
    IndexSpace locals;
    std::vector<std::optional<std::string>> labels;  // innermost last
  };
  enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };

  // First pass (wat_module_scan.cpp).
  void scan_fields();
  void scan_definition(std::string_view kind, IndexSpace& space, const Token& at);
  void scan_import();
  void check_import_order(const Token& at);
  void parse_type_fields();

  // Fields (wat_module_fields.cpp).
  void field();
  void func_field();
  void table_field();
  void memory_field();
  void global_field();
  void tag_field();
  void import_field();
  void export_field();
  void start_field();
  void elem_field();
  void data_field();
  // Inline `(export "name")*` after a definition's $id; `(import "m" "n")` when present.
  bool definition_start(ExternKind kind, uint32_t index, const std::function<void(BinaryWriter&)>& type);
  void inline_exports(ExternKind kind, uint32_t index);
  bool inline_import(std::string& module, std::string& name);
  void import_entry(const std::string& module, const std::string& name, ExternKind kind, const BinaryWriter& desc);
  // Element lists: `func x*` (func_indices) or `reftype elemexpr*`.
  struct ElemList {
    bool func_indices = true;
    ValType type;
    uint32_t count = 0;
    BinaryWriter items;  // LEB128 indices, or expressions each ending in `end`
  };
  ElemList elem_list(bool bare_indices_allowed);
  void elem_expressions(ElemList& list);
  void encode_active_elem(uint32_t table, const BinaryWriter& offset, ElemList& list);
  void encode_data(std::optional<uint32_t> memory, const BinaryWriter& offset, const std::string& bytes);

  // Type uses (wat_module_fields.cpp): `(type x)? (param ...)* (result ...)*` → a type index.
  struct TypeUse {
    uint32_t index = 0;
    FuncSig sig;
    std::vector<std::optional<std::string>> param_ids;
  };
  TypeUse type_use(bool names_allowed);
  uint32_t plain_type_index(const FuncSig& sig);

  // Instructions (wat_instructions.cpp).
  void expr(BinaryWriter& out, FunctionContext& f);  // instructions, then `end`
  void instrs(BinaryWriter& out, FunctionContext& f);
  void folded(BinaryWriter& out, FunctionContext& f);
  void plain(BinaryWriter& out, FunctionContext& f);
  void block(BinaryWriter& out, FunctionContext& f);
  void folded_block(BinaryWriter& out, FunctionContext& f);
  void else_branch(BinaryWriter& out, FunctionContext& f);
  void block_type(BinaryWriter& out);
  void push_label(FunctionContext& f);
  void end_label(FunctionContext& f, const std::optional<std::string>& label);
  void catch_clauses(BinaryWriter& out, FunctionContext& f);
  uint32_t label(FunctionContext& f);
  void immediates(BinaryWriter& out, FunctionContext& f, wasm::Op op);
  void memarg(BinaryWriter& out, uint32_t natural_align, bool memory_allowed);
  void v128_const(BinaryWriter& out);
  void index_pair(BinaryWriter& out, const IndexSpace& space, std::string_view kind);
  uint32_t field_index(uint32_t type_index);
  bool at_two_indices() const;

  TokenCursor& c_;
  size_t first_field_ = 0;
  int depth_ = 0;

  CoreTypeSpace types_;
  CoreTypeParser type_parser_;
  IndexSpace funcs_, tables_, memories_, globals_, tags_, elems_, datas_;
  std::optional<std::string> definition_seen_;  // the first non-import definition's kind
  // Second pass: how many functions, tables, ... (imports included) precede the current field.
  struct Seen {
    uint32_t func = 0, table = 0, memory = 0, global = 0, tag = 0;
  } seen_;

  Section type_section_, import_section_, function_section_, table_section_, memory_section_,
      tag_section_, global_section_, export_section_, elem_section_, code_section_, data_section_;
  std::optional<uint32_t> start_;
  bool uses_data_count_ = false;  // an instruction names a data segment (§5.5.13)
};

}  // namespace wasmrun::text
