// Component types (component Explainer "Type Definitions", Binary.md): value types, function,
// component, instance and resource types, extern types, and core module types.
#include <fmt/format.h>

#include "text/component_parser.h"

namespace wasmrun::text {
namespace {

std::optional<uint8_t> primitive(const TokenCursor& c) {
  if (!c.at(TokenKind::Keyword)) return std::nullopt;
  for (const component::PrimitiveCode& p : component::kPrimitives)
    if (p.name == c.peek().text) return p.code;
  return std::nullopt;
}

constexpr std::string_view kDefinedForms[] = {"record", "variant", "list",  "tuple",  "flags", "enum",
                                              "option", "result",  "own",   "borrow", "stream", "future",
                                              "map"};

}  // namespace

// (type $id? (export "n")* deftype)
void ComponentParser::type_definition(const Token& at) {
  std::optional<std::string> id = take_id(c_);
  std::vector<std::string> exports = inline_export_names();
  BinaryWriter out;
  deftype(out, id);
  scope().emit(Item::Type, out);
  defer_exports(exports, Sort::Type, define(Sort::Type, at, id));
}

// (core type $id? (module ...)) | (core type $id? subtype)
void ComponentParser::core_type_definition(const Token& at) {
  size_t start = c_.position();
  std::optional<std::string> id = take_id(c_);
  if (c_.take_form("module")) {
    BinaryWriter out;
    out.raw(module_type(id));
    c_.expect_rparen();
    scope().emit(Item::CoreType, out);
    define(Sort::CoreType, at, id);
    return;
  }
  c_.seek(start);
  BinaryWriter out;
  CoreTypeParser(c_, scope().core_types()).core_type_definition(out);
  scope().emit(Item::CoreType, out);
}

void ComponentParser::deftype(BinaryWriter& out, const std::optional<std::string>& id) {
  if (auto code = primitive(c_)) {
    c_.next();
    out.u8(*code);
    return;
  }
  if (c_.take_form("resource")) {
    // (resource (rep i32|i64) (dtor funcidx)?)
    out.u8(0x3f);
    c_.expect_form("rep");
    bool is64 = c_.take_keyword("i64");
    if (!is64) c_.expect_keyword("i32");
    out.u8(is64 ? 0x7e : 0x7f);
    c_.expect_rparen();
    if (c_.take_form("dtor")) {
      out.u8(0x01);
      out.u32(core_ref(Sort::CoreFunc));
      c_.expect_rparen();
    } else {
      out.u8(0x00);
    }
    c_.expect_rparen();
  } else if (c_.take_form("func")) {
    func_type(out);
    c_.expect_rparen();
  } else if (c_.take_form("component")) {
    out.u8(0x41);
    out.raw(nested(ComponentScope::Kind::ComponentType, id, &ComponentParser::definitions));
    c_.expect_rparen();
  } else if (c_.take_form("instance")) {
    out.u8(0x42);
    out.raw(nested(ComponentScope::Kind::InstanceType, id, &ComponentParser::definitions));
    c_.expect_rparen();
  } else {
    defvaltype(out);
  }
}

bool ComponentParser::at_valtype() const {
  if (primitive(c_) || at_index(c_)) return true;
  std::string_view k = c_.form_keyword();
  for (std::string_view form : kDefinedForms)
    if (k == form) return true;
  return false;
}

// valtype: a primitive, a type index, or an inline defined type (defined first, then indexed).
void ComponentParser::valtype(BinaryWriter& out) {
  if (auto code = primitive(c_)) {
    c_.next();
    out.u8(*code);
  } else if (at_index(c_)) {
    out.s64(resolve(Sort::Type));  // a nonnegative s33, beside the negative type codes
  } else if (c_.at(TokenKind::LParen)) {
    BinaryWriter type;
    defvaltype(type);
    out.s64(emit_type(type));
  } else {
    c_.expected("a value type");
  }
}

// The compound defvaltypes, `(record ...)`, `(list ...)`, ... (Binary.md `defvaltype`).
void ComponentParser::defvaltype(BinaryWriter& out) {
  DepthGuard guard(depth_, c_);
  c_.expect_lparen();
  const Token& keyword = c_.expect(TokenKind::Keyword, "a type");
  std::string_view k = keyword.text;
  auto optional_valtype = [&](bool present) {
    if (!present) return out.u8(0x00);
    out.u8(0x01);
    valtype(out);
  };
  auto labels = [&](uint8_t code) {
    out.u8(code);
    std::vector<std::string> names;
    while (c_.at_string()) names.push_back(c_.name());
    out.u32(uint32_t(names.size()));
    for (const std::string& name : names) out.sized(name);
  };
  if (k == "record") {
    out.u8(0x72);
    labeled_valtypes(out, "field");
  } else if (k == "variant") {
    BinaryWriter cases;
    uint32_t count = 0;
    while (c_.take_form("case")) {
      take_id(c_);
      cases.sized(c_.name());
      if (at_valtype()) {
        cases.u8(0x01);
        valtype(cases);
      } else {
        cases.u8(0x00);
      }
      cases.u8(0x00);
      c_.expect_rparen();
      ++count;
    }
    out.u8(0x71);
    out.u32(count);
    out.raw(cases);
  } else if (k == "list") {
    BinaryWriter element;
    valtype(element);
    if (c_.at(TokenKind::Number)) {
      out.u8(0x67);
      out.raw(element);
      out.u32(c_.u32());
    } else {
      out.u8(0x70);
      out.raw(element);
    }
  } else if (k == "tuple") {
    BinaryWriter types;
    uint32_t count = 0;
    while (!c_.at_rparen()) {
      valtype(types);
      ++count;
    }
    out.u8(0x6f);
    out.u32(count);
    out.raw(types);
  } else if (k == "flags") {
    labels(0x6e);
  } else if (k == "enum") {
    labels(0x6d);
  } else if (k == "option") {
    out.u8(0x6b);
    valtype(out);
  } else if (k == "result") {
    out.u8(0x6a);
    optional_valtype(at_valtype());
    bool error = c_.take_form("error");
    optional_valtype(error);
    if (error) c_.expect_rparen();
  } else if (k == "own" || k == "borrow") {
    out.u8(k == "own" ? 0x69 : 0x68);
    out.u32(resolve(Sort::Type));
  } else if (k == "stream" || k == "future") {
    out.u8(k == "stream" ? 0x66 : 0x65);
    optional_valtype(!c_.at_rparen());
  } else if (k == "map") {
    out.u8(0x63);
    valtype(out);
    valtype(out);
  } else {
    c_.fail(keyword, fmt::format("unknown type {}", describe(keyword)));
  }
  c_.expect_rparen();
}

uint32_t ComponentParser::emit_type(const BinaryWriter& type) {
  scope().emit(Item::Type, type);
  return define(Sort::Type, c_.peek(), std::nullopt);
}

// functype after `func`: async? (param "label" valtype)* (result valtype)?
void ComponentParser::func_type(BinaryWriter& out) {
  bool is_async = c_.take_keyword("async");
  out.u8(is_async ? 0x43 : 0x40);
  labeled_valtypes(out, "param");
  result_list(out);
}

// `(keyword "label" valtype)*` as a vector of (label, valtype): record fields, function params.
void ComponentParser::labeled_valtypes(BinaryWriter& out, std::string_view keyword) {
  BinaryWriter items;
  uint32_t count = 0;
  while (c_.take_form(keyword)) {
    items.sized(c_.name());
    valtype(items);
    c_.expect_rparen();
    ++count;
  }
  out.u32(count);
  out.raw(items);
}

// `(result valtype)?` as a resultlist: 0x00 t, or 0x01 0x00 for none.
void ComponentParser::result_list(BinaryWriter& out) {
  if (c_.take_form("result")) {
    out.u8(0x00);
    valtype(out);
    c_.expect_rparen();
  } else {
    out.u8(0x01);
    out.u8(0x00);
  }
}

bool ComponentParser::at_type_ref() const {
  return c_.at_form("type") && at_index_after(2) && c_.peek(3).kind == TokenKind::RParen;
}

std::optional<uint32_t> ComponentParser::take_type_ref(Sort sort) {
  if (!at_type_ref()) return std::nullopt;
  c_.next(), c_.next();
  uint32_t index = resolve(sort);
  c_.expect_rparen();
  return index;
}

uint32_t ComponentParser::func_type_use() {
  if (auto index = take_type_ref(Sort::Type)) return *index;
  BinaryWriter type;
  func_type(type);
  return emit_type(type);
}

uint32_t ComponentParser::component_type_use(ComponentScope::Kind kind) {
  if (auto index = take_type_ref(Sort::Type)) return *index;
  BinaryWriter type;
  type.u8(kind == ComponentScope::Kind::ComponentType ? 0x41 : 0x42);
  type.raw(nested(kind, std::nullopt, &ComponentParser::definitions));
  return emit_type(type);
}

uint32_t ComponentParser::module_type_use() {
  if (auto index = take_type_ref(Sort::CoreType)) return *index;
  BinaryWriter type;
  type.raw(module_type(std::nullopt));
  scope().emit(Item::CoreType, type);
  return define(Sort::CoreType, c_.peek(), std::nullopt);
}

// externtype, binding its $id: (func $f type) | (component $c type) | (instance $i type)
// | (core module $m type) | (type $t (eq idx)|(sub resource)) | (value $v valtype|(eq idx))
void ComponentParser::extern_type(BinaryWriter& out, bool define_id) {
  const Token& at = c_.peek();
  c_.expect_lparen();
  const Token& keyword = c_.expect(TokenKind::Keyword, "an extern type");
  std::string_view k = keyword.text;
  Sort sort;
  std::optional<std::string> id;
  if (k == "core") {
    c_.expect_keyword("module");
    id = take_id(c_);
    sort = Sort::CoreModule;
    uint32_t type = module_type_use();
    out.u8(0x00);
    out.u8(0x11);
    out.u32(type);
  } else if (k == "func") {
    id = take_id(c_);
    sort = Sort::Func;
    uint32_t type = func_type_use();
    out.u8(0x01);
    out.u32(type);
  } else if (k == "component" || k == "instance") {
    id = take_id(c_);
    bool is_component = k == "component";
    sort = is_component ? Sort::Component : Sort::Instance;
    uint32_t type = component_type_use(is_component ? ComponentScope::Kind::ComponentType
                                                    : ComponentScope::Kind::InstanceType);
    out.u8(is_component ? 0x04 : 0x05);
    out.u32(type);
  } else if (k == "type") {
    id = take_id(c_);
    sort = Sort::Type;
    out.u8(0x03);
    if (c_.take_form("eq")) {
      out.u8(0x00);
      out.u32(resolve(Sort::Type));
    } else {
      c_.expect_form("sub");
      c_.expect_keyword("resource");
      out.u8(0x01);
    }
    c_.expect_rparen();
  } else if (k == "value") {
    id = take_id(c_);
    sort = Sort::Value;
    out.u8(0x02);
    if (c_.take_form("eq")) {
      out.u8(0x00);
      out.u32(resolve(Sort::Value));
      c_.expect_rparen();
    } else {
      out.u8(0x01);
      valtype(out);
    }
  } else {
    c_.fail(keyword, fmt::format("unknown extern type {}", describe(keyword)));
  }
  c_.expect_rparen();
  if (define_id) define(sort, at, id);
}

// A core module type (Binary.md `core:moduletype`): 0x50 and its declarations. Inline function
// types of imports and exports become type declarations before them, unless an explicit
// function type declaration of the same signature precedes (the latest is used, as in
// wasm-tools).
std::vector<uint8_t> ComponentParser::module_type(const std::optional<std::string>& id) {
  DepthGuard guard(depth_, c_);
  scopes_.emplace_back(ComponentScope::Kind::ModuleType, id);
  CoreTypeSpace& types = scope().core_types();
  CoreTypeParser type_parser(c_, types);
  std::vector<std::pair<FuncSig, uint32_t>> signatures;
  BinaryWriter decls;
  uint32_t count = 0;

  auto type_use = [&](BinaryWriter& out) {
    if (c_.take_form("type")) {
      out.u32(types.names.resolve(c_, "type"));
      c_.expect_rparen();
      return;
    }
    FuncSig sig;
    type_parser.params(sig.params, nullptr);
    type_parser.results(sig.results);
    for (auto it = signatures.rbegin(); it != signatures.rend(); ++it) {
      if (it->first == sig) return out.u32(it->second);
    }
    decls.u8(0x01);
    encode(decls, sig);
    ++count;
    TypeInfo info;
    info.kind = TypeInfo::Kind::Func;
    info.sig = sig;
    info.plain_func = true;
    out.u32(types.add(info));
  };
  // core:externtype as in imports: (func $id? type) | (table ...) | (memory ...) | (global ...) | (tag ...)
  auto extern_type = [&](BinaryWriter& out) {
    c_.expect_lparen();
    const Token& keyword = c_.expect(TokenKind::Keyword, "an extern type");
    take_id(c_);
    std::string_view k = keyword.text;
    if (k == "func") out.u8(0x00), type_use(out);
    else if (k == "table") out.u8(0x01), type_parser.table_type(out);
    else if (k == "memory") out.u8(0x02), type_parser.memory_type(out);
    else if (k == "global") out.u8(0x03), type_parser.global_type(out);
    else if (k == "tag") out.u8(0x04), out.u8(0x00), type_use(out);
    else c_.fail(keyword, fmt::format("unknown extern type {}", describe(keyword)));
    c_.expect_rparen();
  };

  while (c_.at(TokenKind::LParen)) {
    const Token& at = c_.peek();
    std::string_view k = c_.form_keyword();
    BinaryWriter decl;
    if (k == "import" || k == "export") {
      c_.next(), c_.next();
      decl.u8(k == "import" ? 0x00 : 0x03);
      decl.sized(c_.name());
      if (k == "import") decl.sized(c_.name());
      extern_type(decl);
      c_.expect_rparen();
    } else if (k == "type" || k == "rec") {
      size_t first = types.infos.size();
      decl.u8(0x01);
      type_parser.rectype(decl, false, true);
      for (size_t i = first; i < types.infos.size(); ++i)
        if (types.infos[i].kind == TypeInfo::Kind::Func) signatures.emplace_back(types.infos[i].sig, uint32_t(i));
    } else if (k == "alias") {
      // (alias outer $scope idx (type $id?)): core:alias 0x10 0x01 ct idx
      c_.next(), c_.next();
      c_.expect_keyword("outer");
      uint32_t depth = outer_depth();
      uint32_t index = outer_scope(depth).core_types().names.resolve(c_, "type");
      c_.expect_form("type");
      std::optional<std::string> alias_id = take_id(c_);
      c_.expect_rparen();
      c_.expect_rparen();
      decl.u8(0x02);
      decl.u8(0x10);
      decl.u8(0x01);
      decl.u32(depth);
      decl.u32(index);
      types.names.add(c_, at, alias_id, "type");
      types.infos.emplace_back();
    } else {
      c_.next();
      c_.fail(fmt::format("unknown module type declaration {}", describe(c_.peek())));
    }
    decls.raw(decl);
    ++count;
  }
  scopes_.pop_back();
  BinaryWriter out;
  out.u8(0x50);
  out.u32(count);
  out.raw(decls);
  return out.take();
}

}  // namespace wasmrun::text
