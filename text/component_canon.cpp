// Canonical definitions (component Explainer "Canonical Definitions", Binary.md `canon`):
// lift, lower, and the built-ins for resources, tasks, streams, futures, waitable sets,
// threads and error contexts, with their options.
#include <fmt/format.h>

#include "text/component_parser.h"

namespace wasmrun::text {

// (canon lift ... (func $id? type)) | (canon lower ... (core func $id?))
// | (canon builtin ... (core func $id?))
void ComponentParser::canon(const Token& at) {
  const Token& keyword = c_.expect(TokenKind::Keyword, "a canonical definition");
  BinaryWriter out;
  if (keyword.text == "lift") {
    std::optional<std::string> id;
    canon_lift(out, std::nullopt, &id);
    scope().emit(Item::Canon, out);
    define(Sort::Func, at, id);
    return;
  }
  canon_core(keyword, out);
  std::optional<std::string> id;
  if (c_.take_form("core")) {
    c_.expect_keyword("func");
    id = take_id(c_);
    c_.expect_rparen();
  }
  scope().emit(Item::Canon, out);
  define(Sort::CoreFunc, at, id);
}

// (core func $id? (canon ...)) | (core func $id? (alias core export $i "name"))
void ComponentParser::core_func_definition(const Token& at) {
  std::optional<std::string> id = take_id(c_);
  if (c_.take_form("alias")) {
    c_.expect_keyword("core");
    alias_export_form(Sort::CoreFunc);
  } else {
    c_.expect_form("canon");
    const Token& keyword = c_.expect(TokenKind::Keyword, "a canonical definition");
    if (keyword.text == "lift") c_.fail(keyword, "canon lift defines a component function, not a core one");
    BinaryWriter out;
    canon_core(keyword, out);
    c_.expect_rparen();
    scope().emit(Item::Canon, out);
  }
  define(Sort::CoreFunc, at, id);
}

// After `lift`: core-func canonopt*, then (unless the type is known) (func $id? type).
void ComponentParser::canon_lift(BinaryWriter& out, std::optional<uint32_t> type, std::optional<std::string>* id) {
  uint32_t func = core_ref(Sort::CoreFunc);
  BinaryWriter options;
  canon_options(options);
  if (!type) {
    c_.expect_form("func");
    *id = take_id(c_);
    type = func_type_use();
    c_.expect_rparen();
  }
  out.u8(0x00);
  out.u8(0x00);
  out.u32(func);
  out.raw(options);
  out.u32(*type);
}

// A canonical definition that makes a core function: lower or a built-in, after its keyword.
// Codes and immediates come from the shared table (runtime/component/binary_codes.h).
void ComponentParser::canon_core(const Token& keyword, BinaryWriter& out) {
  using component::CanonShape;
  const component::CanonCode* canon = component::canon_by_name(keyword.text);
  if (!canon || canon->shape == CanonShape::Lift)
    c_.fail(keyword, fmt::format("unknown canonical definition {}", describe(keyword)));
  auto type_index = [&] { return c_.at(TokenKind::LParen) ? sort_ref(Sort::Type) : resolve(Sort::Type); };
  auto flag = [&](std::string_view word) { out.u8(c_.take_keyword(word) ? 0x01 : 0x00); };
  out.u8(canon->code);
  switch (canon->shape) {
    case CanonShape::Lift: break;
    case CanonShape::Lower:
      out.u8(0x00);
      out.u32(c_.at(TokenKind::LParen) ? sort_ref(Sort::Func) : ref_with_names(Sort::Func));
      canon_options(out);
      break;
    case CanonShape::Plain: break;
    case CanonShape::Type: out.u32(type_index()); break;
    case CanonShape::TypeOptions: out.u32(type_index()), canon_options(out); break;
    case CanonShape::TypeAsync: out.u32(type_index()), flag("async"); break;
    case CanonShape::Options: canon_options(out); break;
    case CanonShape::Async: flag("async"); break;
    case CanonShape::Cancel: flag("cancellable"); break;
    case CanonShape::Shared: flag("shared"); break;
    case CanonShape::CancelMemory:
      flag("cancellable");
      c_.expect_form("memory");
      out.u32(core_ref(Sort::CoreMemory));
      c_.expect_rparen();
      break;
    case CanonShape::TaskReturn:
      result_list(out);
      canon_options(out);
      break;
    case CanonShape::Context: {
      bool is64 = c_.take_keyword("i64");
      if (!is64) c_.expect_keyword("i32");
      out.u8(is64 ? 0x7e : 0x7f);
      out.u32(c_.u32());
      break;
    }
    case CanonShape::NewIndirect:
      out.u32(core_ref(Sort::CoreType));
      out.u32(core_ref(Sort::CoreTable));
      break;
    case CanonShape::SpawnRef:
    case CanonShape::SpawnIndirect:
      flag("shared");
      out.u32(core_ref(Sort::CoreType));
      if (canon->shape == CanonShape::SpawnIndirect) out.u32(core_ref(Sort::CoreTable));
      break;
  }
}

void ComponentParser::canon_options(BinaryWriter& out) {
  BinaryWriter options;
  uint32_t count = 0;
  while (canon_option(options)) ++count;
  out.u32(count);
  out.raw(options);
}

// canonopt (Binary.md), plus wasm-tools' `(core-type $t)` (0x08) and `gc` (0x09).
bool ComponentParser::canon_option(BinaryWriter& out) {
  if (c_.at(TokenKind::Keyword)) {
    namespace opt = component::canonopt;
    static constexpr std::pair<std::string_view, uint8_t> kWords[] = {
        {"string-encoding=utf8", opt::Utf8}, {"string-encoding=utf16", opt::Utf16},
        {"string-encoding=latin1+utf16", opt::Latin1Utf16}, {"async", opt::Async}, {"gc", opt::Gc},
    };
    for (auto [word, code] : kWords) {
      if (c_.peek().text != word) continue;
      c_.next();
      out.u8(code);
      return true;
    }
    return false;
  }
  namespace opt = component::canonopt;
  static constexpr std::tuple<std::string_view, uint8_t, Sort> kForms[] = {
      {"memory", opt::Memory, Sort::CoreMemory},   {"realloc", opt::Realloc, Sort::CoreFunc},
      {"post-return", opt::PostReturn, Sort::CoreFunc}, {"callback", opt::Callback, Sort::CoreFunc},
      {"core-type", opt::CoreType, Sort::CoreType},
  };
  for (auto [form, code, sort] : kForms) {
    if (!c_.take_form(form)) continue;
    out.u8(code);
    out.u32(core_ref(sort));
    c_.expect_rparen();
    return true;
  }
  return false;
}

// A core item: idx, `idx "name"` (a core instance's export), or `(core? sort idx "name"?)`.
uint32_t ComponentParser::core_ref(Sort sort) {
  if (!c_.at(TokenKind::LParen)) return ref_with_names(sort);
  return sort_ref(sort);
}

}  // namespace wasmrun::text
