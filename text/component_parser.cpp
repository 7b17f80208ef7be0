// Component definitions and references (component Explainer: component, instance, alias,
// import and export definitions).
#include "text/component_parser.h"

#include <fmt/format.h>

#include "text/wat_module_parser.h"

namespace wasmrun::text {

std::vector<uint8_t> ComponentParser::parse() {
  return nested(ComponentScope::Kind::Component, id_, &ComponentParser::definitions);
}

std::vector<uint8_t> ComponentParser::nested(ComponentScope::Kind kind, std::optional<std::string> id,
                                             void (ComponentParser::*body)()) {
  DepthGuard guard(depth_, c_);
  scopes_.emplace_back(kind, std::move(id));
  (this->*body)();
  std::vector<uint8_t> bytes = scope().finish();
  scopes_.pop_back();
  return bytes;
}

void ComponentParser::definitions() {
  while (c_.at(TokenKind::LParen)) definition();
  if (!c_.at_rparen() && !c_.at(TokenKind::End)) c_.expected("a component definition");
}

void ComponentParser::definition() {
  const Token& at = c_.peek();
  c_.expect_lparen();
  const Token& keyword = c_.expect(TokenKind::Keyword, "a component definition");
  std::string_view k = keyword.text;
  bool in_type = scope().kind() != ComponentScope::Kind::Component;
  if (in_type && k != "import" && k != "export" && k != "type" && k != "alias" &&
      !(k == "core" && c_.at_keyword("type")))
    c_.fail(keyword, fmt::format("{} is not allowed in a type", describe(keyword)));
  if (k == "core") core_definition(at);
  else if (k == "component") component(at);
  else if (k == "instance") instance(at);
  else if (k == "alias") alias(at);
  else if (k == "type") type_definition(at);
  else if (k == "canon") canon(at);
  else if (k == "start") start(at);
  else if (k == "import") import_(at);
  else if (k == "export") export_(at);
  else if (k == "func") func(at);
  else c_.fail(keyword, fmt::format("unknown component definition {}", describe(keyword)));
  c_.expect_rparen();
}

void ComponentParser::core_definition(const Token& at) {
  const Token& keyword = c_.expect(TokenKind::Keyword, "a core definition");
  std::string_view k = keyword.text;
  if (k == "module") core_module(at);
  else if (k == "instance") core_instance(at);
  else if (k == "type") core_type_definition(at);
  else if (k == "rec") {
    BinaryWriter out;
    CoreTypeParser(c_, scope().core_types()).rec_group(out, false);
    scope().emit(Item::CoreType, out);
  } else if (k == "func") core_func_definition(at);
  else if (k == "memory") core_alias_definition(Sort::CoreMemory, at);
  else if (k == "table") core_alias_definition(Sort::CoreTable, at);
  else if (k == "global") core_alias_definition(Sort::CoreGlobal, at);
  else if (k == "tag") core_alias_definition(Sort::CoreTag, at);
  else c_.fail(keyword, fmt::format("unknown core definition {}", describe(keyword)));
}

uint32_t ComponentParser::define(Sort sort, const Token& at, const std::optional<std::string>& id) {
  uint32_t index = scope().space(sort).add(c_, at, id, sort_name(sort));
  if (sort == Sort::CoreType) scope().core_types().infos.resize(index + 1);
  return index;
}

std::vector<std::string> ComponentParser::inline_export_names() {
  std::vector<std::string> names;
  while (c_.at_form("export") && c_.peek(2).kind == TokenKind::String && c_.peek(3).kind == TokenKind::RParen) {
    c_.next(), c_.next();
    names.push_back(c_.name());
    c_.expect_rparen();
  }
  return names;
}

void ComponentParser::defer_exports(const std::vector<std::string>& names, Sort sort, uint32_t index) {
  for (const std::string& name : names) {
    if (scope().kind() != ComponentScope::Kind::Component) c_.fail("inline exports are allowed only in components");
    BinaryWriter e;
    e.u8(0x00);
    e.sized(name);
    encode_sort(e, sort);
    e.u32(index);
    e.u8(0x00);  // no type ascription
    scope().defer_export(sort, std::move(e));
  }
}

// `(import "name")` right after a definition's $id and exports (not an import definition inside a
// nested component, which has an extern type after the name).
bool ComponentParser::take_inline_import(std::string& name) {
  if (!c_.at_form("import") || c_.peek(2).kind != TokenKind::String || c_.peek(3).kind != TokenKind::RParen)
    return false;
  c_.next(), c_.next();
  name = c_.name();
  c_.expect_rparen();
  return true;
}

// An import by an inline `(import "name")`: of a definition whose extern type is `code` (Binary.md
// `externtype`) with a type index.
void ComponentParser::emit_import(const std::string& name, std::initializer_list<uint8_t> code, uint32_t type) {
  BinaryWriter w;
  w.u8(0x00);
  w.sized(name);
  for (uint8_t b : code) w.u8(b);
  w.u32(type);
  scope().emit(Item::Import, w);
}

// (core module $id? (export "n")* fields...) | (core module $id? (export "n")* (import "n") type)
void ComponentParser::core_module(const Token& at) {
  std::optional<std::string> id = take_id(c_);
  std::vector<std::string> exports = inline_export_names();
  std::string import_name;
  if (take_inline_import(import_name)) {
    emit_import(import_name, {0x00, 0x11}, module_type_use());
  } else {
    if (!scope().allows(Item::CoreModule)) c_.fail(at, "a core module is not allowed here");
    BinaryWriter module;
    module.raw(ModuleParser(c_).parse());
    scope().emit(Item::CoreModule, module);
  }
  defer_exports(exports, Sort::CoreModule, define(Sort::CoreModule, at, id));
}

// (core instance $id? (instantiate $m (with "name" (instance ...))*)) | (core instance $id? export*)
void ComponentParser::core_instance(const Token& at) {
  std::optional<std::string> id = take_id(c_);
  BinaryWriter out;
  if (c_.take_form("instantiate")) {
    uint32_t module = c_.at(TokenKind::LParen) ? sort_ref(Sort::CoreModule) : resolve(Sort::CoreModule);
    BinaryWriter args;
    uint32_t count = 0;
    while (c_.take_form("with")) {
      std::string name = c_.name();
      c_.expect_form("instance");
      uint32_t instance;
      if (at_index(c_)) {
        instance = resolve(Sort::CoreInstance);
      } else {
        // (with "name" (instance (export ...)*)): an instance of those exports, defined first.
        BinaryWriter bundle;
        bundle.u8(0x01);
        core_exports(bundle);
        scope().emit(Item::CoreInstance, bundle);
        instance = define(Sort::CoreInstance, at, std::nullopt);
      }
      c_.expect_rparen();
      c_.expect_rparen();
      args.sized(name);
      args.u8(0x12);
      args.u32(instance);
      ++count;
    }
    c_.expect_rparen();
    out.u8(0x00);
    out.u32(module);
    out.u32(count);
    out.raw(args);
  } else {
    out.u8(0x01);
    core_exports(out);
  }
  scope().emit(Item::CoreInstance, out);
  define(Sort::CoreInstance, at, id);
}

// (export "name" (sort idx))* of a core instance, as a vector of core:inlineexport.
void ComponentParser::core_exports(BinaryWriter& out) {
  BinaryWriter exports;
  uint32_t count = 0;
  while (c_.take_form("export")) {
    exports.sized(c_.name());
    c_.expect_lparen();
    c_.take_keyword("core");
    Sort sort = sort_keyword(true);
    encode_core_sort(exports, sort);
    exports.u32(ref_with_names(sort));
    c_.expect_rparen();
    c_.expect_rparen();
    ++count;
  }
  out.u32(count);
  out.raw(exports);
}

// (core memory|table|global|tag $id? (alias core export $i "name"))
void ComponentParser::core_alias_definition(Sort sort, const Token& at) {
  std::optional<std::string> id = take_id(c_);
  c_.expect_form("alias");
  c_.expect_keyword("core");
  alias_export_form(sort);
  define(sort, at, id);
}

// The rest of `(alias core? export $i "name")` after `core`: an alias of sort `sort`.
void ComponentParser::alias_export_form(Sort sort) {
  c_.expect_keyword("export");
  bool core = is_core(sort);
  uint32_t instance = resolve(core ? Sort::CoreInstance : Sort::Instance);
  std::string name = c_.name();
  c_.expect_rparen();
  emit_alias_export(instance, name, sort, core);
}

void ComponentParser::emit_alias_export(uint32_t instance, const std::string& name, Sort sort, bool core) {
  BinaryWriter a;
  encode_sort(a, sort);
  a.u8(core ? 0x01 : 0x00);
  a.u32(instance);
  a.sized(name);
  scope().emit(Item::Alias, a);
}

uint32_t ComponentParser::alias_export(uint32_t instance, const std::string& name, Sort sort, bool core) {
  emit_alias_export(instance, name, sort, core);
  return scope().space(sort).add();
}

// (component $id? (export "n")* definitions...) | (component $id? (export "n")* (import "n") type)
void ComponentParser::component(const Token& at) {
  std::optional<std::string> id = take_id(c_);
  std::vector<std::string> exports = inline_export_names();
  std::string import_name;
  if (take_inline_import(import_name)) {
    emit_import(import_name, {0x04}, component_type_use(ComponentScope::Kind::ComponentType));
  } else {
    if (!scope().allows(Item::Component)) c_.fail(at, "a component is not allowed here");
    BinaryWriter nested_component;
    nested_component.raw(nested(ComponentScope::Kind::Component, id, &ComponentParser::definitions));
    scope().emit(Item::Component, nested_component);
  }
  defer_exports(exports, Sort::Component, define(Sort::Component, at, id));
}

// (instance $id? (export "n")* (instantiate $c (with "name" item)*)) | (instance ... export*)
// | (instance ... (import "n") type)
void ComponentParser::instance(const Token& at) {
  std::optional<std::string> id = take_id(c_);
  std::vector<std::string> exports = inline_export_names();
  std::string import_name;
  if (take_inline_import(import_name)) {
    emit_import(import_name, {0x05}, component_type_use(ComponentScope::Kind::InstanceType));
    defer_exports(exports, Sort::Instance, define(Sort::Instance, at, id));
    return;
  }
  BinaryWriter out;
  if (c_.take_form("instantiate")) {
    uint32_t component = c_.at(TokenKind::LParen) ? sort_ref(Sort::Component) : resolve(Sort::Component);
    BinaryWriter args;
    uint32_t count = 0;
    while (c_.take_form("with")) {
      args.sized(c_.name());
      if (c_.at_form("instance") && !at_index_after(2)) {
        // (with "name" (instance (export ...)*)): an instance of those exports, defined first.
        c_.next(), c_.next();
        BinaryWriter bundle;
        bundle.u8(0x01);
        inline_exports(bundle);
        c_.expect_rparen();
        scope().emit(Item::Instance, bundle);
        encode_sort(args, Sort::Instance);
        args.u32(define(Sort::Instance, at, std::nullopt));
      } else {
        sort_idx(args, false);
      }
      c_.expect_rparen();
      ++count;
    }
    c_.expect_rparen();
    out.u8(0x00);
    out.u32(component);
    out.u32(count);
    out.raw(args);
  } else {
    out.u8(0x01);
    inline_exports(out);
  }
  scope().emit(Item::Instance, out);
  defer_exports(exports, Sort::Instance, define(Sort::Instance, at, id));
}

// (export "name" attribute* (sort idx))* of an instance, as a vector of inlineexport.
void ComponentParser::inline_exports(BinaryWriter& out) {
  BinaryWriter exports;
  uint32_t count = 0;
  while (c_.take_form("export")) {
    extern_name(exports);
    sort_idx(exports, false);
    c_.expect_rparen();
    ++count;
  }
  out.u32(count);
  out.raw(exports);
}

// (alias export $i "name" (sort $id?)) | (alias core export $i "name" (core sort $id?))
// | (alias outer $scope idx (sort $id?))
void ComponentParser::alias(const Token& at) {
  BinaryWriter a;
  if (c_.take_keyword("outer")) {
    uint32_t depth = outer_depth();
    const size_t index_at = c_.position();
    if (!at_index(c_)) c_.expected("an index");
    c_.next();
    c_.expect_lparen();
    Sort sort = sort_keyword(false);
    std::optional<std::string> id = take_id(c_);
    c_.expect_rparen();
    size_t end = c_.position();
    c_.seek(index_at);
    uint32_t index = outer_scope(depth).space(sort).resolve(c_, sort_name(sort));
    c_.seek(end);
    if (scope().kind() == ComponentScope::Kind::ModuleType) c_.fail(at, "unexpected alias");
    encode_sort(a, sort);
    a.u8(0x02);
    a.u32(depth);
    a.u32(index);
    scope().emit(Item::Alias, a);
    define(sort, at, id);
    return;
  }
  bool core = c_.take_keyword("core");
  c_.expect_keyword("export");
  uint32_t instance = resolve(core ? Sort::CoreInstance : Sort::Instance);
  std::string name = c_.name();
  c_.expect_lparen();
  if (core) c_.expect_keyword("core");
  Sort sort = core ? sort_keyword(true) : sort_keyword(false);
  std::optional<std::string> id = take_id(c_);
  c_.expect_rparen();
  emit_alias_export(instance, name, sort, core);
  define(sort, at, id);
}

// The first index of an outer alias: how many scopes out, by number or by the scope's $id.
uint32_t ComponentParser::outer_depth() {
  const Token& at = c_.peek();
  if (!c_.at_id()) return c_.u32();  // may be out of range: validation says so
  std::string name = c_.id();
  for (size_t depth = 0; depth < scopes_.size(); ++depth)
    if (scopes_[scopes_.size() - 1 - depth].id() == name) return uint32_t(depth);
  c_.fail(at, fmt::format("unknown outer scope ${}", name));
}

// The scope `depth` levels out, to look a name up in. A numeric index needs no scope, so an out
// of range count only fails here, when a name must be found.
ComponentScope& ComponentParser::outer_scope(uint32_t depth) {
  if (depth >= scopes_.size() && c_.at_id()) c_.fail(fmt::format("outer count {} is too large", depth));
  return scopes_[depth >= scopes_.size() ? 0 : scopes_.size() - 1 - depth];
}

// (import "name" attribute* externtype)
void ComponentParser::import_(const Token& at) {
  if (!scope().allows(Item::Import)) c_.fail(at, "an import is not allowed here");
  BinaryWriter out;
  extern_name(out);
  extern_type(out, true);
  scope().emit(Item::Import, out);
}

// (export $id? "name" attribute* (sort idx) externtype?); in a type: (export "name" externtype)
void ComponentParser::export_(const Token& at) {
  BinaryWriter out;
  if (scope().kind() != ComponentScope::Kind::Component) {
    extern_name(out);
    extern_type(out, true);
    scope().emit(Item::Export, out);
    return;
  }
  std::optional<std::string> id = take_id(c_);
  extern_name(out);
  Sort sort = sort_idx(out, false);
  if (c_.at(TokenKind::LParen)) {
    out.u8(0x01);
    extern_type(out, false);
  } else {
    out.u8(0x00);
  }
  scope().emit(Item::Export, out);
  define(sort, at, id);
}

// "name" followed by attributes: (implements "..."), (versionsuffix "..."), (external-id "...")
std::string ComponentParser::extern_name(BinaryWriter& out) {
  std::string name = c_.name();
  static constexpr std::string_view kAttributes[] = {"implements", "versionsuffix", "external-id"};
  BinaryWriter attributes;
  uint32_t count = 0;
  bool seen[3] = {};
  for (;;) {
    uint8_t tag = 0;
    while (tag < 3 && !c_.at_form(kAttributes[tag])) ++tag;
    if (tag == 3) break;
    c_.next();
    if (seen[tag]) c_.fail(fmt::format("unexpected token: a second {} attribute", kAttributes[tag]));
    seen[tag] = true;
    c_.next();
    attributes.u8(tag);
    attributes.sized(c_.name());
    c_.expect_rparen();
    ++count;
  }
  out.u8(count ? 0x02 : 0x00);
  out.sized(name);
  if (count) {
    out.u32(count);
    out.raw(attributes);
  }
  return name;
}

// (start $f (value $v)* (result (value $id?))*)
void ComponentParser::start(const Token& at) {
  BinaryWriter out;
  out.u32(resolve(Sort::Func));
  BinaryWriter args;
  uint32_t count = 0;
  while (c_.take_form("value")) {
    args.u32(resolve(Sort::Value));
    c_.expect_rparen();
    ++count;
  }
  out.u32(count);
  out.raw(args);
  std::vector<std::optional<std::string>> results;
  while (c_.take_form("result")) {
    c_.expect_form("value");
    results.push_back(take_id(c_));
    c_.expect_rparen();
    c_.expect_rparen();
  }
  out.u32(uint32_t(results.size()));
  scope().emit(Item::Start, out);
  for (const auto& id : results) define(Sort::Value, at, id);
}

// (func $id? (export "n")* (import "n") type) | (func ... type (canon lift ...))
// | (func ... (alias export $i "name"))
void ComponentParser::func(const Token& at) {
  std::optional<std::string> id = take_id(c_);
  std::vector<std::string> exports = inline_export_names();
  std::string import_name;
  if (take_inline_import(import_name)) {
    emit_import(import_name, {0x01}, func_type_use());
  } else if (c_.take_form("alias")) {
    alias_export_form(Sort::Func);
  } else {
    uint32_t type = func_type_use();
    c_.expect_form("canon");
    c_.expect_keyword("lift");
    BinaryWriter out;
    canon_lift(out, type, nullptr);
    c_.expect_rparen();
    scope().emit(Item::Canon, out);
  }
  defer_exports(exports, Sort::Func, define(Sort::Func, at, id));
}

bool ComponentParser::at_index_after(size_t ahead) const {
  const Token& t = c_.peek(ahead);
  return t.kind == TokenKind::Id || t.kind == TokenKind::Number;
}

uint32_t ComponentParser::resolve(Sort sort) {
  if (!c_.at_id()) {
    if (!c_.at(TokenKind::Number)) c_.expected(fmt::format("a {} index", sort_name(sort)));
    return c_.u32();
  }
  const Token& at = c_.peek();
  size_t start = c_.position();
  std::string name = c_.id();
  if (auto index = scope().space(sort).find(name)) return *index;
  // Found in an enclosing scope: alias it in (Explainer "Alias Definitions").
  for (size_t depth = 1; depth < scopes_.size(); ++depth) {
    auto index = scopes_[scopes_.size() - 1 - depth].space(sort).find(name);
    if (!index) continue;
    if (sort != Sort::CoreModule && sort != Sort::CoreType && sort != Sort::Type && sort != Sort::Component)
      c_.fail(at, fmt::format("outer {} ${} cannot be aliased", sort_name(sort), name));
    if (scope().kind() == ComponentScope::Kind::ModuleType) break;
    BinaryWriter a;
    encode_sort(a, sort);
    a.u8(0x02);
    a.u32(uint32_t(depth));
    a.u32(*index);
    scope().emit(Item::Alias, a);
    return define(sort, at, name);
  }
  c_.seek(start);
  return scope().space(sort).resolve(c_, sort_name(sort));
}

// idx, or `idx "name"+`: exports of an instance, aliased in one by one.
uint32_t ComponentParser::ref_with_names(Sort sort) {
  if (!(at_index(c_) && c_.peek(1).kind == TokenKind::String)) return resolve(sort);
  if (sort <= Sort::CoreTag) {  // what core instances export
    uint32_t instance = resolve(Sort::CoreInstance);
    return alias_export(instance, c_.name(), sort, true);
  }
  uint32_t instance = resolve(Sort::Instance);
  for (;;) {
    std::string name = c_.name();
    if (!c_.at_string()) return alias_export(instance, name, sort, false);
    instance = alias_export(instance, name, Sort::Instance, false);
  }
}

Sort ComponentParser::sort_keyword(bool core_context) {
  const Token& keyword = c_.expect(TokenKind::Keyword, "a sort");
  std::string_view k = keyword.text;
  if (k == "core") return sort_keyword(true);
  if (core_context) {
    if (k == "func") return Sort::CoreFunc;
    if (k == "table") return Sort::CoreTable;
    if (k == "memory") return Sort::CoreMemory;
    if (k == "global") return Sort::CoreGlobal;
    if (k == "tag") return Sort::CoreTag;
    if (k == "type") return Sort::CoreType;
    if (k == "module") return Sort::CoreModule;
    if (k == "instance") return Sort::CoreInstance;
  } else {
    if (k == "func") return Sort::Func;
    if (k == "value") return Sort::Value;
    if (k == "type") return Sort::Type;
    if (k == "component") return Sort::Component;
    if (k == "instance") return Sort::Instance;
  }
  c_.fail(keyword, fmt::format("unknown sort {}", describe(keyword)));
}

// (sort idx "name"*), encoded as a sortidx.
Sort ComponentParser::sort_idx(BinaryWriter& out, bool core_context) {
  c_.expect_lparen();
  Sort sort = sort_keyword(core_context);
  uint32_t index = ref_with_names(sort);
  c_.expect_rparen();
  encode_sort(out, sort);
  out.u32(index);
  return sort;
}

// (sort idx "name"*) of a known sort; `core` is optional before core sorts.
uint32_t ComponentParser::sort_ref(Sort expected) {
  c_.expect_lparen();
  const Token& at = c_.peek();
  Sort sort = sort_keyword(is_core(expected));
  if (sort != expected) c_.fail(at, fmt::format("expected a {} reference", sort_name(expected)));
  uint32_t index = ref_with_names(sort);
  c_.expect_rparen();
  return index;
}

}  // namespace wasmrun::text
