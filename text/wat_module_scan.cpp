// The first pass of ModuleParser: numbering definitions and checking field order.
#include <fmt/format.h>

#include "text/wat_module_parser.h"

namespace wasmrun::text {

void ModuleParser::scan_fields() {
  while (c_.at(TokenKind::LParen)) {
    const Token& open = c_.peek();
    std::string_view kind = c_.form_keyword();
    size_t start = c_.position();
    if (kind == "type") {
      c_.next(), c_.next();
      const Token& at = c_.peek();
      types_.names.add(c_, at, take_id(c_), "type");
    } else if (kind == "rec") {
      c_.next(), c_.next();
      while (c_.take_form("type")) {
        const Token& at = c_.peek();
        types_.names.add(c_, at, take_id(c_), "type");
        c_.skip_to_close();
        c_.expect_rparen();
      }
    } else if (kind == "func") {
      scan_definition("function", funcs_, open);
    } else if (kind == "table") {
      scan_definition("table", tables_, open);
    } else if (kind == "memory") {
      scan_definition("memory", memories_, open);
    } else if (kind == "global") {
      scan_definition("global", globals_, open);
    } else if (kind == "tag") {
      scan_definition("tag", tags_, open);
    } else if (kind == "import") {
      scan_import();
    } else if (kind == "elem" || kind == "data") {
      c_.next(), c_.next();
      const Token& at = c_.peek();
      (kind == "elem" ? elems_ : datas_).add(c_, at, take_id(c_), kind == "elem" ? "elem" : "data");
    } else if (kind != "export" && kind != "start") {
      c_.next();
      c_.fail(fmt::format("unknown module field {}", describe(c_.peek())));
    }
    c_.seek(start);
    c_.skip_form();
  }
  if (!c_.at_rparen() && !c_.at(TokenKind::End)) c_.expected("a module field");
}

// (func|table|memory|global|tag $id? (export ...)* (import ...)? ...): an import when the
// inline import is there. Inline `(elem ...)` in a table and `(data ...)` in a memory define a
// segment too.
void ModuleParser::scan_definition(std::string_view kind, IndexSpace& space, const Token& at) {
  c_.next(), c_.next();
  const Token& id_at = c_.peek();
  space.add(c_, id_at, take_id(c_), kind);
  while (c_.at_form("export")) c_.skip_form();
  if (c_.at_form("import")) {
    check_import_order(at);
    return;
  }
  if (!definition_seen_) definition_seen_ = std::string(kind);
  while (!c_.at_rparen() && !c_.at(TokenKind::End)) {
    if (kind == "table" && c_.at_form("elem")) elems_.add();
    if (kind == "memory" && c_.at_form("data")) datas_.add();
    c_.skip_form();
  }
}

// (import "module" "name" (func|table|memory|global|tag $id? ...))
void ModuleParser::scan_import() {
  const Token& at = c_.peek();
  c_.next(), c_.next();
  check_import_order(at);
  c_.expect(TokenKind::String, "a module name");
  c_.expect(TokenKind::String, "an import name");
  c_.expect_lparen();
  const Token& kind = c_.expect(TokenKind::Keyword, "an import kind");
  const Token& id_at = c_.peek();
  std::optional<std::string> id = take_id(c_);
  if (kind.text == "func") funcs_.add(c_, id_at, id, "function");
  else if (kind.text == "table") tables_.add(c_, id_at, id, "table");
  else if (kind.text == "memory") memories_.add(c_, id_at, id, "memory");
  else if (kind.text == "global") globals_.add(c_, id_at, id, "global");
  else if (kind.text == "tag") tags_.add(c_, id_at, id, "tag");
  else c_.fail(kind, fmt::format("unknown import kind {}", describe(kind)));
}

// Imports precede every definition of functions, tables, memories, globals and tags
// (3.0 §6.6.13, `ordered`).
void ModuleParser::check_import_order(const Token& at) {
  if (definition_seen_) c_.fail(at, fmt::format("import after {}", *definition_seen_));
}

void ModuleParser::parse_type_fields() {
  while (c_.at(TokenKind::LParen)) {
    std::string_view kind = c_.form_keyword();
    if (kind == "type" || kind == "rec") {
      type_parser_.rectype(type_section_.body, true, false);
      ++type_section_.count;
    } else {
      c_.skip_form();
    }
  }
}

}  // namespace wasmrun::text
