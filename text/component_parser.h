// Parses the definitions of a component in the text format (component model Explainer.md) and
// encodes the component binary (Binary.md).
//
// One pass: components allow no forward references, so each definition is encoded as it is
// read. Abbreviations expand the way wasm-tools expands them, so numeric indices in tests mean
// the same thing: inline types and inline export aliases become definitions placed just before
// the one using them, inline `(export "name")`s become exports at the end of the component,
// and an `$id` found only in an enclosing scope becomes an `alias outer` placed before its use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "text/binary_writer.h"
#include "text/component_scope.h"
#include "text/token_cursor.h"

namespace wasmrun::text {

class ComponentParser {
 public:
  // The cursor is at the first definition; parsing stops before the ")" closing the component,
  // or at the end of input. id is the component's own `$id`, for outer aliases.
  explicit ComponentParser(TokenCursor& c, std::optional<std::string> id = std::nullopt) : c_(c), id_(std::move(id)) {}

  std::vector<uint8_t> parse();

 private:
  ComponentScope& scope() { return scopes_.back(); }
  // Parses the body of a new scope and returns what it encodes to.
  std::vector<uint8_t> nested(ComponentScope::Kind kind, std::optional<std::string> id, void (ComponentParser::*body)());

  // Definitions (component_parser.cpp). Each is called after its keyword(s) and stops before
  // its closing ")".
  void definitions();
  void definition();
  void core_definition(const Token& at);
  void core_module(const Token& at);
  void core_instance(const Token& at);
  void core_exports(BinaryWriter& out);
  void core_alias_definition(Sort sort, const Token& at);
  void component(const Token& at);
  void instance(const Token& at);
  void inline_exports(BinaryWriter& out);
  void alias(const Token& at);
  uint32_t outer_depth();
  ComponentScope& outer_scope(uint32_t depth);
  void import_(const Token& at);
  void export_(const Token& at);
  void start(const Token& at);
  void func(const Token& at);
  // Adds a definition of `sort` to the current scope, binding id.
  uint32_t define(Sort sort, const Token& at, const std::optional<std::string>& id);
  // `(export "name")*` right after a definition's $id: exports at the end of the component.
  std::vector<std::string> inline_export_names();
  void defer_exports(const std::vector<std::string>& names, Sort sort, uint32_t index);
  bool take_inline_import(std::string& name);
  void emit_import(const std::string& name, std::initializer_list<uint8_t> code, uint32_t type);
  void alias_export_form(Sort sort);
  std::string extern_name(BinaryWriter& out);  // "name" attribute*, encoded as nameattributes

  // References (component_parser.cpp).
  // An index of `sort`; an $id of an enclosing scope gets an outer alias (for the sorts that
  // allow one).
  uint32_t resolve(Sort sort);
  // idx, or `idx "name"+`: an export of an instance, aliased in first.
  uint32_t ref_with_names(Sort sort);
  Sort sort_keyword(bool core_context);  // `func`, `core module`, ... (no parentheses)
  Sort sort_idx(BinaryWriter& out, bool core_context);  // `(sort idx "name"*)`, encoded
  uint32_t sort_ref(Sort expected);                     // `(sort idx "name"*)` of a known sort
  uint32_t core_ref(Sort sort);  // `idx "name"?` | `(core? sort idx "name"?)`
  void emit_alias_export(uint32_t instance, const std::string& name, Sort sort, bool core);
  uint32_t alias_export(uint32_t instance, const std::string& name, Sort sort, bool core);
  bool at_index_after(size_t ahead) const;
  bool at_type_ref() const;  // `(type idx)`

  // Types (component_types.cpp).
  void type_definition(const Token& at);
  void core_type_definition(const Token& at);
  void deftype(BinaryWriter& out, const std::optional<std::string>& id);
  bool at_valtype() const;
  void valtype(BinaryWriter& out);
  void defvaltype(BinaryWriter& out);
  uint32_t emit_type(const BinaryWriter& type);  // an anonymous type definition; its index
  void func_type(BinaryWriter& out);             // `async? (param ...)* (result ...)?`
  void result_list(BinaryWriter& out);
  void labeled_valtypes(BinaryWriter& out, std::string_view keyword);
  std::optional<uint32_t> take_type_ref(Sort sort);  // `(type idx)`
  uint32_t func_type_use();                      // `(type idx)` or an inline function type
  uint32_t component_type_use(ComponentScope::Kind kind);
  uint32_t module_type_use();
  void extern_type(BinaryWriter& out, bool define_id);
  std::vector<uint8_t> module_type(const std::optional<std::string>& id);

  // Canonical definitions (component_canon.cpp).
  void canon(const Token& at);
  void core_func_definition(const Token& at);
  void canon_lift(BinaryWriter& out, std::optional<uint32_t> type, std::optional<std::string>* id);
  void canon_core(const Token& keyword, BinaryWriter& out);
  void canon_options(BinaryWriter& out);
  bool canon_option(BinaryWriter& out);

  TokenCursor& c_;
  std::optional<std::string> id_;
  std::vector<ComponentScope> scopes_;
  int depth_ = 0;
};

}  // namespace wasmrun::text
