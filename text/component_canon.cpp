// Canonical definitions (component Explainer "Canonical Definitions", Binary.md `canon`):
// lift, lower, and the built-ins for resources, tasks, streams, futures, waitable sets,
// threads and error contexts, with their options.
#include <fmt/format.h>

#include "text/component_parser.h"

namespace wasmrun::text {
namespace {

// Built-ins whose immediates follow one pattern, by opcode.
enum class Shape : uint8_t {
  Plain,        // no immediates
  Type,         // typeidx
  TypeOptions,  // typeidx canonopt*
  TypeAsync,    // typeidx async?
  Options,      // canonopt*
  Async,        // async?
  Cancel,       // cancellable?
  CancelMemory, // cancellable? (memory m)
  Shared,       // shared?
};

struct Builtin {
  std::string_view name;
  uint8_t code;
  Shape shape;
};

constexpr Builtin kBuiltins[] = {
    {"resource.new", 0x02, Shape::Type},
    {"resource.drop", 0x03, Shape::Type},
    {"resource.rep", 0x04, Shape::Type},
    {"task.cancel", 0x05, Shape::Plain},
    {"subtask.cancel", 0x06, Shape::Async},
    {"thread.yield", 0x0c, Shape::Cancel},
    {"subtask.drop", 0x0d, Shape::Plain},
    {"stream.new", 0x0e, Shape::Type},
    {"stream.read", 0x0f, Shape::TypeOptions},
    {"stream.write", 0x10, Shape::TypeOptions},
    {"stream.cancel-read", 0x11, Shape::TypeAsync},
    {"stream.cancel-write", 0x12, Shape::TypeAsync},
    {"stream.drop-readable", 0x13, Shape::Type},
    {"stream.drop-writable", 0x14, Shape::Type},
    {"future.new", 0x15, Shape::Type},
    {"future.read", 0x16, Shape::TypeOptions},
    {"future.write", 0x17, Shape::TypeOptions},
    {"future.cancel-read", 0x18, Shape::TypeAsync},
    {"future.cancel-write", 0x19, Shape::TypeAsync},
    {"future.drop-readable", 0x1a, Shape::Type},
    {"future.drop-writable", 0x1b, Shape::Type},
    {"error-context.new", 0x1c, Shape::Options},
    {"error-context.debug-message", 0x1d, Shape::Options},
    {"error-context.drop", 0x1e, Shape::Plain},
    {"waitable-set.new", 0x1f, Shape::Plain},
    {"waitable-set.wait", 0x20, Shape::CancelMemory},
    {"waitable-set.poll", 0x21, Shape::CancelMemory},
    {"waitable-set.drop", 0x22, Shape::Plain},
    {"waitable.join", 0x23, Shape::Plain},
    {"backpressure.inc", 0x24, Shape::Plain},
    {"backpressure.dec", 0x25, Shape::Plain},
    {"thread.index", 0x26, Shape::Plain},
    {"thread.resume-later", 0x28, Shape::Plain},
    {"thread.suspend", 0x29, Shape::Cancel},
    {"thread.suspend-then-resume", 0x2a, Shape::Cancel},
    {"thread.yield-then-resume", 0x2b, Shape::Cancel},
    {"thread.suspend-then-promote", 0x2c, Shape::Cancel},
    {"thread.yield-then-promote", 0x2d, Shape::Cancel},
    {"thread.available-parallelism", 0x42, Shape::Shared},
};

}  // namespace

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
void ComponentParser::canon_core(const Token& keyword, BinaryWriter& out) {
  std::string_view k = keyword.text;
  auto type_index = [&] { return c_.at(TokenKind::LParen) ? sort_ref(Sort::Type) : resolve(Sort::Type); };
  auto flag = [&](std::string_view word) { out.u8(c_.take_keyword(word) ? 0x01 : 0x00); };
  if (k == "lower") {
    uint32_t func = c_.at(TokenKind::LParen) ? sort_ref(Sort::Func) : ref_with_names(Sort::Func);
    out.u8(0x01);
    out.u8(0x00);
    out.u32(func);
    canon_options(out);
    return;
  }
  if (k == "task.return") {
    out.u8(0x09);
    result_list(out);
    canon_options(out);
    return;
  }
  if (k == "context.get" || k == "context.set") {
    out.u8(k == "context.get" ? 0x0a : 0x0b);
    bool is64 = c_.take_keyword("i64");
    if (!is64) c_.expect_keyword("i32");
    out.u8(is64 ? 0x7e : 0x7f);
    out.u32(c_.u32());
    return;
  }
  if (k == "thread.new-indirect") {
    out.u8(0x27);
    out.u32(core_ref(Sort::CoreType));
    out.u32(core_ref(Sort::CoreTable));
    return;
  }
  if (k == "thread.spawn-ref" || k == "thread.spawn-indirect") {
    bool indirect = k == "thread.spawn-indirect";
    out.u8(indirect ? 0x41 : 0x40);
    flag("shared");
    out.u32(core_ref(Sort::CoreType));
    if (indirect) out.u32(core_ref(Sort::CoreTable));
    return;
  }
  for (const Builtin& b : kBuiltins) {
    if (b.name != k) continue;
    out.u8(b.code);
    switch (b.shape) {
      case Shape::Plain: break;
      case Shape::Type: out.u32(type_index()); break;
      case Shape::TypeOptions: out.u32(type_index()), canon_options(out); break;
      case Shape::TypeAsync: out.u32(type_index()), flag("async"); break;
      case Shape::Options: canon_options(out); break;
      case Shape::Async: flag("async"); break;
      case Shape::Cancel: flag("cancellable"); break;
      case Shape::Shared: flag("shared"); break;
      case Shape::CancelMemory:
        flag("cancellable");
        c_.expect_form("memory");
        out.u32(core_ref(Sort::CoreMemory));
        c_.expect_rparen();
        break;
    }
    return;
  }
  c_.fail(keyword, fmt::format("unknown canonical definition {}", describe(keyword)));
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
    static constexpr std::pair<std::string_view, uint8_t> kWords[] = {
        {"string-encoding=utf8", 0x00}, {"string-encoding=utf16", 0x01},
        {"string-encoding=latin1+utf16", 0x02}, {"async", 0x06}, {"gc", 0x09},
    };
    for (auto [word, code] : kWords) {
      if (c_.peek().text != word) continue;
      c_.next();
      out.u8(code);
      return true;
    }
    return false;
  }
  static constexpr std::tuple<std::string_view, uint8_t, Sort> kForms[] = {
      {"memory", 0x03, Sort::CoreMemory},   {"realloc", 0x04, Sort::CoreFunc},
      {"post-return", 0x05, Sort::CoreFunc}, {"callback", 0x07, Sort::CoreFunc},
      {"core-type", 0x08, Sort::CoreType},
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
