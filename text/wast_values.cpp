#include "text/wast_values.h"

#include <fmt/format.h>

#include <cstring>

#include "text/utf8.h"

namespace wasmrun::text {
namespace {

using Kind = WastValue::Kind;
using CKind = ComponentValue::Kind;

bool is_core_only(std::string_view k) {
  return k == "i32.const" || k == "i64.const" || k == "v128.const" || k.starts_with("ref.");
}

// The integer component types: keyword prefix, kind, bit width.
struct IntegerKind {
  std::string_view keyword;
  CKind kind;
  unsigned bits;
};
constexpr IntegerKind kIntegers[] = {
    {"s8.const", CKind::S8, 8},    {"u8.const", CKind::U8, 8},    {"s16.const", CKind::S16, 16},
    {"u16.const", CKind::U16, 16}, {"s32.const", CKind::S32, 32}, {"u32.const", CKind::U32, 32},
    {"s64.const", CKind::S64, 64}, {"u64.const", CKind::U64, 64},
};

// The hierarchy a `ref.null` heap type belongs to.
std::optional<Kind> null_kind(std::string_view heap) {
  if (heap == "func" || heap == "nofunc") return Kind::FuncRef;
  if (heap == "extern" || heap == "noextern") return Kind::ExternRef;
  if (heap == "exn" || heap == "noexn") return Kind::ExnRef;
  if (heap == "any" || heap == "eq" || heap == "i31" || heap == "struct" || heap == "array" || heap == "none")
    return Kind::AnyRef;
  return std::nullopt;
}

}  // namespace

WastValue WastValueParser::value(bool component, bool result) {
  DepthGuard guard(depth_, c_);
  c_.expect_lparen();
  if (!c_.at(TokenKind::Keyword)) c_.expected("a value");
  std::string_view keyword = c_.peek().text;
  WastValue v;
  if (keyword == "either" && result) {
    c_.next();
    v.kind = Kind::Either;
    do v.alternatives.push_back(value(component, result));
    while (c_.at(TokenKind::LParen));
  } else if (is_core_only(keyword) || (!component && (keyword == "f32.const" || keyword == "f64.const"))) {
    c_.next();
    v = keyword.starts_with("ref.") ? reference(keyword, result) : core(keyword, result);
  } else {
    v.kind = Kind::Component;
    v.component = std::make_shared<ComponentValue>(component_body());
  }
  c_.expect_rparen();
  return v;
}

WastValue WastValueParser::core(std::string_view keyword, bool result) {
  WastValue v;
  auto nan = [&](WastValue& target) {
    if (!result || !c_.at(TokenKind::Keyword)) return false;
    std::string_view t = c_.peek().text;
    if (t != "nan:canonical" && t != "nan:arithmetic") return false;
    target.nan = t == "nan:canonical" ? NanPattern::Canonical : NanPattern::Arithmetic;
    c_.next();
    return true;
  };
  if (keyword == "i32.const") {
    v.kind = Kind::I32;
    v.bits = c_.integer(32);
  } else if (keyword == "i64.const") {
    v.kind = Kind::I64;
    v.bits = c_.integer(64);
  } else if (keyword == "f32.const") {
    v.kind = Kind::F32;
    if (!nan(v)) v.bits = c_.f32();
  } else if (keyword == "f64.const") {
    v.kind = Kind::F64;
    if (!nan(v)) v.bits = c_.f64();
  } else {
    v.kind = Kind::V128;
    v128(v, result);
  }
  return v;
}

void WastValueParser::v128(WastValue& v, bool result) {
  const Token& shape = c_.expect(TokenKind::Keyword, "a vector shape");
  auto lanes = [&](LaneShape s, int count, int width, auto read) {
    v.shape = s;
    for (int i = 0; i < count; ++i) {
      uint64_t bits = read(i);
      std::memcpy(v.v128 + i * width, &bits, size_t(width));  // little-endian lanes
    }
  };
  auto float_lane = [&](bool is64) {
    return [&, is64](int i) -> uint64_t {
      if (result && c_.at(TokenKind::Keyword) &&
          (c_.peek().text == "nan:canonical" || c_.peek().text == "nan:arithmetic")) {
        v.lane_nan[i] = c_.next().text == "nan:canonical" ? NanPattern::Canonical : NanPattern::Arithmetic;
        return 0;
      }
      return is64 ? c_.f64() : c_.f32();
    };
  };
  std::string_view s = shape.text;
  if (s == "i8x16") lanes(LaneShape::I8x16, 16, 1, [&](int) { return c_.integer(8); });
  else if (s == "i16x8") lanes(LaneShape::I16x8, 8, 2, [&](int) { return c_.integer(16); });
  else if (s == "i32x4") lanes(LaneShape::I32x4, 4, 4, [&](int) { return c_.integer(32); });
  else if (s == "i64x2") lanes(LaneShape::I64x2, 2, 8, [&](int) { return c_.integer(64); });
  else if (s == "f32x4") lanes(LaneShape::F32x4, 4, 4, float_lane(false));
  else if (s == "f64x2") lanes(LaneShape::F64x2, 2, 8, float_lane(true));
  else c_.fail(shape, fmt::format("unknown vector shape {}", describe(shape)));
}

WastValue WastValueParser::reference(std::string_view keyword, bool result) {
  WastValue v;
  std::string_view kind = keyword.substr(4);
  if (kind == "null") {
    v.is_null = true;
    v.kind = Kind::NullRef;
    if (c_.at(TokenKind::Keyword)) {
      const Token& heap = c_.next();
      auto hierarchy = null_kind(heap.text);
      if (!hierarchy) c_.fail(heap, fmt::format("unknown heap type {}", describe(heap)));
      v.kind = *hierarchy;
    } else if (!result || c_.at_id() || c_.at(TokenKind::Number)) {
      if (!c_.at_id() && !c_.at(TokenKind::Number)) c_.expected("a heap type");
      c_.next();  // a concrete type: only its hierarchy's null, which any null pattern matches
    }
    return v;
  }
  static constexpr std::pair<std::string_view, Kind> kKinds[] = {
      {"func", Kind::FuncRef}, {"extern", Kind::ExternRef}, {"host", Kind::HostRef}, {"any", Kind::AnyRef},
      {"eq", Kind::EqRef},     {"i31", Kind::I31Ref},       {"struct", Kind::StructRef},
      {"array", Kind::ArrayRef}, {"exn", Kind::ExnRef},
  };
  for (auto& [name, k] : kKinds) {
    if (kind != name) continue;
    v.kind = k;
    if (c_.at(TokenKind::Number)) v.ref = c_.u32();
    else if (result) v.any_ref = true;
    else c_.expected("a reference number");
    return v;
  }
  c_.fail(fmt::format("unknown reference value \"{}\"", keyword));
}

ComponentValue WastValueParser::component_value() {
  DepthGuard guard(depth_, c_);
  c_.expect_lparen();
  ComponentValue v = component_body();
  c_.expect_rparen();
  return v;
}

ComponentValue WastValueParser::component_body() {
  const Token& keyword = c_.expect(TokenKind::Keyword, "a value");
  std::string_view k = keyword.text;
  ComponentValue v;
  for (const IntegerKind& i : kIntegers) {
    if (k != i.keyword) continue;
    v.kind = i.kind;
    v.bits = c_.integer(i.bits);
    return v;
  }
  if (k == "bool.const") {
    v.kind = CKind::Bool;
    if (c_.take_keyword("true")) v.bits = 1;
    else if (!c_.take_keyword("false")) c_.expected("true or false");
  } else if (k == "f32.const") {
    v.kind = CKind::F32;
    v.bits = c_.f32();
  } else if (k == "f64.const") {
    v.kind = CKind::F64;
    v.bits = c_.f64();
  } else if (k == "char.const") {
    v.kind = CKind::Char;
    const Token& at = c_.peek();
    std::string s = c_.name();
    size_t pos = 0;
    auto code_point = s.empty() ? std::nullopt : decode_utf8(s, pos);
    if (!code_point || pos != s.size()) c_.fail(at, "expected exactly one character");
    v.bits = *code_point;
  } else if (k == "str.const") {
    v.kind = CKind::String;
    v.text = c_.name();
  } else if (k == "list.const" || k == "tuple.const") {
    v.kind = k == "list.const" ? CKind::List : CKind::Tuple;
    while (c_.at(TokenKind::LParen)) v.items.push_back(component_value());
  } else if (k == "record.const") {
    v.kind = CKind::Record;
    while (c_.take_form("field")) {
      DepthGuard guard(depth_, c_);
      v.labels.push_back(c_.name());
      v.items.push_back(component_body());
      c_.expect_rparen();
    }
  } else if (k == "variant.const") {
    v.kind = CKind::Variant;
    v.text = c_.name();
    if (c_.at(TokenKind::LParen)) v.items.push_back(component_value());
  } else if (k == "enum.const") {
    v.kind = CKind::Enum;
    v.text = c_.name();
  } else if (k == "option.none" || k == "option.some") {
    v.kind = CKind::Option;
    v.present = k == "option.some";
    if (v.present) v.items.push_back(component_value());
  } else if (k == "result.ok" || k == "result.err") {
    v.kind = CKind::Result;
    v.present = k == "result.ok";
    if (c_.at(TokenKind::LParen)) v.items.push_back(component_value());
  } else if (k == "flags.const") {
    v.kind = CKind::Flags;
    while (c_.at_string()) v.labels.push_back(c_.name());
  } else {
    c_.fail(keyword, fmt::format("unknown value {}", describe(keyword)));
  }
  return v;
}

}  // namespace wasmrun::text
