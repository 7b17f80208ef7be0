#include "text/core_types.h"

#include <string_view>

namespace wasmrun::text {
namespace {

struct Named {
  std::string_view name;
  uint8_t code;
};

// Abstract heap types (3.0 §5.3.3) ...
constexpr Named kAbstractHeapTypes[] = {
    {"func", 0x70},   {"extern", 0x6F}, {"any", 0x6E},    {"eq", 0x6D},
    {"i31", 0x6C},    {"struct", 0x6B}, {"array", 0x6A},  {"exn", 0x69},
    {"noexn", 0x74},  {"nofunc", 0x73}, {"noextern", 0x72}, {"none", 0x71},
};

// ... and the shorthands for nullable references to them, which share the codes.
constexpr Named kRefShorthands[] = {
    {"funcref", 0x70},  {"externref", 0x6F},   {"anyref", 0x6E},      {"eqref", 0x6D},
    {"i31ref", 0x6C},   {"structref", 0x6B},   {"arrayref", 0x6A},    {"exnref", 0x69},
    {"nullexnref", 0x74}, {"nullfuncref", 0x73}, {"nullexternref", 0x72}, {"nullref", 0x71},
};

constexpr Named kNumTypes[] = {
    {"i32", code::I32}, {"i64", code::I64}, {"f32", code::F32}, {"f64", code::F64}, {"v128", code::V128},
};

template <size_t N>
std::optional<uint8_t> lookup(const Named (&table)[N], std::string_view name) {
  for (const Named& n : table)
    if (n.name == name) return n.code;
  return std::nullopt;
}

}  // namespace

HeapType ValType::heap_type() const {
  if (code == code::Ref || code == code::RefNull) return heap;
  HeapType h;
  h.code = code;
  return h;
}

void encode(BinaryWriter& out, const HeapType& t) {
  if (t.indexed) out.s64(int64_t(t.index));  // a positive s33 (§5.3.3)
  else out.u8(t.code);
}

void encode(BinaryWriter& out, const ValType& t) {
  out.u8(t.code);
  if (t.code == code::Ref || t.code == code::RefNull) encode(out, t.heap);
}

void encode(BinaryWriter& out, const FuncSig& sig) {
  out.u8(code::Func);
  out.u32(uint32_t(sig.params.size()));
  for (const ValType& t : sig.params) encode(out, t);
  out.u32(uint32_t(sig.results.size()));
  for (const ValType& t : sig.results) encode(out, t);
}

std::optional<uint32_t> CoreTypeSpace::find_plain(const FuncSig& sig) const {
  for (uint32_t i = 0; i < infos.size(); ++i)
    if (infos[i].plain_func && infos[i].sig == sig) return i;
  return std::nullopt;
}

bool CoreTypeParser::at_valtype() const {
  if (c_.at_form("ref")) return true;
  if (!c_.at(TokenKind::Keyword)) return false;
  std::string_view k = c_.peek().text;
  return lookup(kNumTypes, k) || lookup(kRefShorthands, k);
}

bool CoreTypeParser::at_reftype() const {
  return c_.at_form("ref") || (c_.at(TokenKind::Keyword) && lookup(kRefShorthands, c_.peek().text));
}

ValType CoreTypeParser::valtype() {
  if (c_.at(TokenKind::Keyword)) {
    if (auto num = lookup(kNumTypes, c_.peek().text)) {
      c_.next();
      return ValType{*num, {}};
    }
  }
  if (!at_reftype()) c_.expected("a value type");
  return reftype();
}

ValType CoreTypeParser::reftype() {
  if (c_.at(TokenKind::Keyword)) {
    if (auto shorthand = lookup(kRefShorthands, c_.peek().text)) {
      c_.next();
      return ValType{*shorthand, {}};
    }
  }
  if (!c_.at_form("ref")) c_.expected("a reference type");
  c_.next(), c_.next();
  bool nullable = c_.take_keyword("null");
  HeapType heap = heaptype();
  c_.expect_rparen();
  if (nullable && !heap.indexed) return ValType{heap.code, {}};
  return ValType{nullable ? code::RefNull : code::Ref, heap};
}

HeapType CoreTypeParser::heaptype() {
  HeapType h;
  if (c_.at(TokenKind::Keyword)) {
    auto abstract = lookup(kAbstractHeapTypes, c_.peek().text);
    if (!abstract) c_.expected("a heap type");
    c_.next();
    h.code = *abstract;
    return h;
  }
  if (!at_index(c_)) c_.expected("a heap type");
  h.indexed = true;
  h.index = types_.names.resolve(c_, "type");
  return h;
}

void CoreTypeParser::params(std::vector<ValType>& out, std::vector<std::optional<std::string>>* ids) {
  while (c_.at_form("param")) {
    c_.next(), c_.next();
    if (c_.at_id()) {
      std::string id = c_.id();
      out.push_back(valtype());
      if (ids) ids->push_back(std::move(id));
    } else {
      while (!c_.at_rparen()) {
        out.push_back(valtype());
        if (ids) ids->push_back(std::nullopt);
      }
    }
    c_.expect_rparen();
  }
}

void CoreTypeParser::results(std::vector<ValType>& out) {
  while (c_.at_form("result")) {
    c_.next(), c_.next();
    while (!c_.at_rparen()) out.push_back(valtype());
    c_.expect_rparen();
  }
}

void CoreTypeParser::rectype(BinaryWriter& out, bool names_known, bool component_level) {
  if (c_.take_form("rec")) {
    rec_group(out, names_known);
    c_.expect_rparen();
    return;
  }
  if (!names_known) {
    // A type may refer to itself: name it first.
    size_t start = c_.position();
    c_.expect_form("type");
    const Token& at = c_.peek();
    types_.names.add(c_, at, take_id(c_), "type");
    c_.seek(start);
  }
  typedef_(out, true, component_level);
}

void CoreTypeParser::rec_group(BinaryWriter& out, bool names_known) {
  if (!names_known) {
    // The types of a group may refer to each other: name them all first.
    size_t start = c_.position();
    while (c_.take_form("type")) {
      const Token& at = c_.peek();
      types_.names.add(c_, at, take_id(c_), "type");
      c_.skip_to_close();
      c_.expect_rparen();
    }
    c_.seek(start);
  }
  BinaryWriter group;
  uint32_t count = 0;
  while (!c_.at_rparen()) {
    typedef_(group, false, false);
    ++count;
  }
  out.u8(code::Rec);
  out.u32(count);
  out.raw(group);
}

// (type $id? subtype)
void CoreTypeParser::typedef_(BinaryWriter& out, bool alone, bool component_level) {
  c_.expect_form("type");
  take_id(c_);
  subtype(out, alone, component_level);
  c_.expect_rparen();
}

void CoreTypeParser::core_type_definition(BinaryWriter& out) {
  const Token& at = c_.peek();
  types_.names.add(c_, at, take_id(c_), "core type");
  subtype(out, true, true);
}

// (sub final? x* comptype) | comptype
void CoreTypeParser::subtype(BinaryWriter& out, bool alone, bool component_level) {
  TypeInfo info;
  bool final = true;
  std::vector<uint32_t> supers;
  bool explicit_sub = c_.take_form("sub");
  if (explicit_sub) {
    final = c_.take_keyword("final");
    while (at_index(c_)) supers.push_back(types_.names.resolve(c_, "type"));
  }
  BinaryWriter composite;
  comptype(composite, info);
  if (explicit_sub) c_.expect_rparen();

  if (!final || !supers.empty()) {
    if (!final && component_level && alone) out.u8(0x00);
    out.u8(final ? code::SubFinal : code::Sub);
    out.u32(uint32_t(supers.size()));
    for (uint32_t s : supers) out.u32(s);
  }
  out.raw(composite);
  info.plain_func = info.kind == TypeInfo::Kind::Func && final && supers.empty() && alone;
  types_.infos.push_back(std::move(info));
}

bool CoreTypeParser::take_address_type() {
  if (c_.take_keyword("i64")) return true;
  c_.take_keyword("i32");
  return false;
}

void CoreTypeParser::limits(BinaryWriter& out, bool is64) {
  uint64_t min = c_.u64();
  std::optional<uint64_t> max;
  if (c_.at(TokenKind::Number)) max = c_.u64();
  out.u8(uint8_t((max ? 0x01 : 0) | (is64 ? 0x04 : 0)));
  out.u64(min);
  if (max) out.u64(*max);
}

void CoreTypeParser::table_type(BinaryWriter& out) {
  bool is64 = take_address_type();
  BinaryWriter lim;
  limits(lim, is64);
  encode(out, reftype());
  out.raw(lim);
}

void CoreTypeParser::memory_type(BinaryWriter& out) {
  bool is64 = take_address_type();
  BinaryWriter lim;
  limits(lim, is64);
  std::vector<uint8_t> bytes = lim.take();
  if (c_.take_keyword("shared")) bytes[0] |= 0x02;  // threads proposal (flag bit 1, §5.3.7)
  out.raw(bytes);
}

void CoreTypeParser::global_type(BinaryWriter& out) {
  bool is_mutable = c_.take_form("mut");
  encode(out, valtype());
  if (is_mutable) c_.expect_rparen();
  out.u8(is_mutable ? 1 : 0);
}

void CoreTypeParser::comptype(BinaryWriter& out, TypeInfo& info) {
  if (c_.take_form("func")) {
    info.kind = TypeInfo::Kind::Func;
    params(info.sig.params, nullptr);
    results(info.sig.results);
    c_.expect_rparen();
    encode(out, info.sig);
    return;
  }
  if (c_.take_form("struct")) {
    info.kind = TypeInfo::Kind::Struct;
    BinaryWriter fields;
    uint32_t count = 0;
    while (c_.take_form("field")) {
      if (c_.at_id()) {
        const Token& at = c_.peek();
        std::string id = c_.id();
        if (!info.field_names.emplace(id, count).second) c_.fail(at, "duplicate field $" + id);
        fieldtype(fields);
        ++count;
      } else {
        while (!c_.at_rparen()) {
          fieldtype(fields);
          ++count;
        }
      }
      c_.expect_rparen();
    }
    c_.expect_rparen();
    out.u8(code::Struct);
    out.u32(count);
    out.raw(fields);
    return;
  }
  if (c_.take_form("array")) {
    info.kind = TypeInfo::Kind::Array;
    out.u8(code::Array);
    fieldtype(out);
    c_.expect_rparen();
    return;
  }
  c_.expected("a function, struct or array type");
}

void CoreTypeParser::fieldtype(BinaryWriter& out) {
  if (c_.take_form("mut")) {
    storagetype(out);
    c_.expect_rparen();
    out.u8(1);
    return;
  }
  storagetype(out);
  out.u8(0);
}

void CoreTypeParser::storagetype(BinaryWriter& out) {
  if (c_.take_keyword("i8")) return out.u8(code::I8);
  if (c_.take_keyword("i16")) return out.u8(code::I16);
  encode(out, valtype());
}

}  // namespace wasmrun::text
