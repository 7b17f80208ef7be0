#include "canonical_abi/values.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>

#include "canonical_abi/error_context.h"
#include "canonical_abi/resources.h"
#include "canonical_abi/transcode.h"

namespace wasmrun::canon {

namespace {

using Kind = Val::Kind;

const char* kind_name(Kind k) {
  static constexpr const char* kNames[] = {
      "bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64", "char", "string",
      "list", "record", "tuple", "variant", "enum", "flags", "option", "result", "own", "borrow",
  };
  return kNames[size_t(k)];
}

[[noreturn]] void mismatch(const ValueType& t, const Val& v) {
  raise(TrapCode::TypeMismatch, fmt::format("type mismatch: expected {}, found {} {}", describe(t), kind_name(v.kind()),
                                            v.to_string()));
}

// Passing a stream or future end between instances (CanonicalABI.md lift_stream, lower_stream,
// lift_future, lower_future) belongs to the component-model-async runtime, which we lack.
[[noreturn]] void stream_or_future(const ValueType& t) {
  raise(TrapCode::AsyncUnsupported,
        fmt::format("passing a `{}` value needs the component-model-async runtime, which is not supported", describe(t)));
}

// The Val kind a value of type `t` has.
Kind val_kind(ValueKind k) {
  switch (k) {
    case ValueKind::Bool: return Kind::Bool;
    case ValueKind::S8: return Kind::S8;
    case ValueKind::U8: return Kind::U8;
    case ValueKind::S16: return Kind::S16;
    case ValueKind::U16: return Kind::U16;
    case ValueKind::S32: return Kind::S32;
    case ValueKind::U32: return Kind::U32;
    case ValueKind::S64: return Kind::S64;
    case ValueKind::U64: return Kind::U64;
    case ValueKind::F32: return Kind::F32;
    case ValueKind::F64: return Kind::F64;
    case ValueKind::Char: return Kind::Char;
    case ValueKind::String: return Kind::String;
    case ValueKind::List: case ValueKind::FixedList: case ValueKind::Map: return Kind::List;
    case ValueKind::Record: return Kind::Record;
    case ValueKind::Tuple: return Kind::Tuple;
    case ValueKind::Variant: return Kind::Variant;
    case ValueKind::Enum: return Kind::Enum;
    case ValueKind::Flags: return Kind::Flags;
    case ValueKind::Option: return Kind::Option;
    case ValueKind::Result: return Kind::Result;
    case ValueKind::Own: return Kind::Own;
    case ValueKind::Borrow: return Kind::Borrow;
    case ValueKind::ErrorContext: return Kind::ErrorContext;
    case ValueKind::Stream: case ValueKind::Future: break;  // never a Val: see stream_or_future
  }
  return Kind::Bool;
}

void expect_kind(const ValueType& t, const Val& v) {
  Kind want = val_kind(t.kind);
  bool ok = v.kind() == want || (want == Kind::Borrow && v.kind() == Kind::Own);
  if (!ok) mismatch(t, v);
}

// The case index of a variant-like value, checked against its type.
uint32_t match_case(const ValueType& t, const Val& v) {
  expect_kind(t, v);
  uint32_t index = 0;
  switch (t.kind) {
    case ValueKind::Variant: {
      index = uint32_t(t.cases.size());
      for (uint32_t i = 0; i < t.cases.size(); ++i) {
        if (t.cases[i].name == v.case_name()) index = i;
      }
      if (index == t.cases.size()) mismatch(t, v);
      break;
    }
    case ValueKind::Enum: {
      index = uint32_t(t.names.size());
      for (uint32_t i = 0; i < t.names.size(); ++i) {
        if (t.names[i] == v.case_name()) index = i;
      }
      if (index == t.names.size()) mismatch(t, v);
      break;
    }
    case ValueKind::Option: index = v.is_some() ? 1 : 0; break;
    case ValueKind::Result: index = v.is_ok() ? 0 : 1; break;
    default: break;
  }
  if (v.kind() != Kind::Enum && (case_type(t, index) != nullptr) != v.has_payload()) mismatch(t, v);
  return index;
}

Val make_case(const ValueType& t, uint32_t index, std::optional<Val> payload) {
  switch (t.kind) {
    case ValueKind::Variant: return Val::variant(t.cases[index].name, std::move(payload));
    case ValueKind::Enum: return Val::enumeration(t.names[index]);
    case ValueKind::Option: return Val::option(std::move(payload));
    default: return index == 0 ? Val::ok(std::move(payload)) : Val::err(std::move(payload));
  }
}

uint32_t pack_flags(const ValueType& t, const Val& v) {
  expect_kind(t, v);
  uint32_t bits = 0;
  for (const auto& name : v.set_flags()) {
    size_t i = 0;
    while (i < t.names.size() && t.names[i] != name) ++i;
    if (i == t.names.size()) mismatch(t, v);
    bits |= 1u << i;
  }
  return bits;
}

Val unpack_flags(const ValueType& t, uint32_t bits) {
  std::vector<std::string> set;
  for (size_t i = 0; i < t.names.size(); ++i) {
    if (bits & (1u << i)) set.push_back(t.names[i]);
  }
  return Val::flags(std::move(set));
}

const ResourceType& resource_of(const ValueType& t, const Val& v) {
  expect_kind(t, v);
  if (v.resource().type.get() != t.resource.get()) {
    raise(TrapCode::TypeMismatch, fmt::format("type mismatch: a resource of type `{}` given for `{}`",
                                              v.resource().type ? v.resource().type->name : "?", t.resource->name));
  }
  return *t.resource;
}

Val lift_resource(Cx& cx, uint32_t index, const ValueType& t) {
  if (t.kind == ValueKind::Own) return Val::own({t.resource, lift_own(cx, index, *t.resource), true});
  return Val::borrow({t.resource, lift_borrow(cx, index, *t.resource), false});
}

uint32_t lower_resource(Cx& cx, const Val& v, const ValueType& t) {
  const ResourceType& rt = resource_of(t, v);
  if (t.kind == ValueKind::Own) {
    if (v.kind() != Kind::Own) mismatch(t, v);
    return lower_own(cx, v.resource().rep, rt);
  }
  return lower_borrow(cx, v.resource().rep, rt);
}

Val lift_string(Cx& cx, uint32_t ptr, uint32_t tagged_code_units) {
  StringOrigin origin;
  std::string s = load_string_from_range(cx, ptr, tagged_code_units, &origin);
  return Val::string_from(std::move(s), uint8_t(origin.source), origin.code_units);
}

GuestString lower_string(Cx& cx, const Val& v, const ValueType& t) {
  expect_kind(t, v);
  return store_string_into_range(cx, v.as_string(), {StringSource(v.string_source()), v.string_code_units()});
}

Val load_list_from_range(Cx& cx, uint32_t ptr, uint32_t length, const ValueType& elem) {
  uint64_t size = elem_size(elem);
  if (uint64_t(length) * size > kMaxListByteLength) {
    raise(TrapCode::TooLong, cx.host_peer ? "list pointer/length out of bounds of memory" : "list content out-of-bounds");
  }
  cx.check_pointer(ptr, alignment(elem), length * size, Cx::What::List);
  std::vector<Val> elements;
  elements.reserve(length);
  for (uint32_t i = 0; i < length; ++i) elements.push_back(load(cx, ptr + i * uint32_t(size), elem));
  return Val::list(std::move(elements));
}

bool is_integer(ValueKind k) { return k >= ValueKind::S8 && k <= ValueKind::U64; }

// Lists of integers (list<u8> above all) in one tight loop: their memory layout is the
// little-endian bytes of each value.
template <class T>
void store_integers_as(uint8_t* out, const std::vector<Val>& elements, const ValueType& elem, Kind want) {
  for (const Val& e : elements) {
    if (e.kind() != want) mismatch(elem, e);
    store_le<T>(out, T(e.as_unsigned()));
    out += sizeof(T);
  }
}

void store_integers(Cx& cx, const std::vector<Val>& elements, const ValueType& elem, uint32_t size, uint32_t ptr) {
  Kind want = val_kind(elem.kind);
  uint8_t* out = cx.at(ptr);
  switch (size) {
    case 1: store_integers_as<uint8_t>(out, elements, elem, want); return;
    case 2: store_integers_as<uint16_t>(out, elements, elem, want); return;
    case 4: store_integers_as<uint32_t>(out, elements, elem, want); return;
    default: store_integers_as<uint64_t>(out, elements, elem, want); return;
  }
}

struct GuestList {
  uint32_t ptr, length;
};

GuestList store_list_into_range(Cx& cx, const Val& v, const ValueType& elem) {
  const auto& elements = v.elements();
  uint64_t size = elem_size(elem);
  uint64_t byte_length = elements.size() * size;
  if (byte_length > kMaxListByteLength) raise(TrapCode::TooLong, "list too long to lower");
  uint32_t ptr = cx.allocate(alignment(elem), uint32_t(byte_length), Cx::What::List);
  if (is_integer(elem.kind)) {
    store_integers(cx, elements, elem, uint32_t(size), ptr);
  } else {
    for (size_t i = 0; i < elements.size(); ++i) store(cx, elements[i], elem, ptr + uint32_t(i * size));
  }
  return {ptr, uint32_t(elements.size())};
}

void expect_fields(const ValueType& t, const Val& v) {
  expect_kind(t, v);
  if (v.elements().size() != t.fields.size()) mismatch(t, v);
  if (t.kind == ValueKind::Record) {
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (v.field_names()[i] != t.fields[i].name) mismatch(t, v);
    }
  }
}

Val make_fields(const ValueType& t, std::vector<Val> values) {
  if (t.kind == ValueKind::Tuple) return Val::tuple(std::move(values));
  std::vector<std::pair<std::string, Val>> fields;
  fields.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) fields.emplace_back(t.fields[i].name, std::move(values[i]));
  return Val::record(std::move(fields));
}

}  // namespace

char32_t to_char(uint32_t i) {
  if (i >= 0x110000 || (i >= 0xd800 && i <= 0xdfff)) raise(TrapCode::InvalidChar, "invalid `char` bit pattern");
  return i;
}

void invalid_discriminant(const Cx& cx, uint32_t index, size_t case_count) {
  if (cx.host_peer) raise(TrapCode::InvalidDiscriminant, fmt::format("discriminant {} out of range [0..{})", index, case_count));
  raise(TrapCode::InvalidDiscriminant, "invalid variant discriminant");
}

std::string describe(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::List: return fmt::format("list<{}>", describe(*t.element));
    case ValueKind::FixedList: return fmt::format("list<{}, {}>", describe(*t.element), t.length);
    case ValueKind::Option: return fmt::format("option<{}>", describe(*t.element));
    case ValueKind::Own: return fmt::format("own<{}>", t.resource->name);
    case ValueKind::Borrow: return fmt::format("borrow<{}>", t.resource->name);
    case ValueKind::Map:
      return fmt::format("map<{}, {}>", describe(*t.element->fields[0].type), describe(*t.element->fields[1].type));
    default: return component::to_string(t.kind);
  }
}

Val load(Cx& cx, uint32_t ptr, const ValueType& t) {
  const uint8_t* p = cx.at(ptr);
  switch (t.kind) {
    case ValueKind::Bool: return Val::boolean(*p != 0);
    case ValueKind::U8: return Val::u8(*p);
    case ValueKind::S8: return Val::s8(int8_t(*p));
    case ValueKind::U16: return Val::u16(load_le<uint16_t>(p));
    case ValueKind::S16: return Val::s16(load_le<int16_t>(p));
    case ValueKind::U32: return Val::u32(load_le<uint32_t>(p));
    case ValueKind::S32: return Val::s32(load_le<int32_t>(p));
    case ValueKind::U64: return Val::u64(load_le<uint64_t>(p));
    case ValueKind::S64: return Val::s64(load_le<int64_t>(p));
    case ValueKind::F32: return Val::f32(std::bit_cast<float>(canonical_f32_bits(load_le<uint32_t>(p))));
    case ValueKind::F64: return Val::f64(std::bit_cast<double>(canonical_f64_bits(load_le<uint64_t>(p))));
    case ValueKind::Char: return Val::character(to_char(load_le<uint32_t>(p)));
    case ValueKind::String: return lift_string(cx, load_le<uint32_t>(p), load_le<uint32_t>(p + 4));
    case ValueKind::List:
    case ValueKind::Map: return load_list_from_range(cx, load_le<uint32_t>(p), load_le<uint32_t>(p + 4), *t.element);
    case ValueKind::FixedList: {
      uint32_t size = elem_size(*t.element);
      std::vector<Val> elements;
      elements.reserve(t.length);
      for (uint32_t i = 0; i < t.length; ++i) elements.push_back(load(cx, ptr + i * size, *t.element));
      return Val::list(std::move(elements));
    }
    case ValueKind::Record:
    case ValueKind::Tuple: {
      std::vector<Val> values;
      values.reserve(t.fields.size());
      for (const auto& f : t.fields) {
        ptr = align_to(ptr, alignment(*f.type));
        values.push_back(load(cx, ptr, *f.type));
        ptr += elem_size(*f.type);
      }
      return make_fields(t, std::move(values));
    }
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result: {
      size_t n = case_count(t);
      uint32_t disc_size = discriminant_size(n);
      uint32_t index = disc_size == 1 ? *p : disc_size == 2 ? load_le<uint16_t>(p) : load_le<uint32_t>(p);
      if (index >= n) invalid_discriminant(cx, index, n);
      const ValueType* c = case_type(t, index);
      if (!c) return make_case(t, index, std::nullopt);
      return make_case(t, index, load(cx, align_to(ptr + disc_size, max_case_alignment(t)), *c));
    }
    case ValueKind::Flags: {
      uint32_t size = flags_size(t.names.size());
      uint32_t bits = size == 1 ? *p : size == 2 ? load_le<uint16_t>(p) : load_le<uint32_t>(p);
      return unpack_flags(t, bits);
    }
    case ValueKind::Own:
    case ValueKind::Borrow: return lift_resource(cx, load_le<uint32_t>(p), t);
    case ValueKind::ErrorContext: return Val::error_context(lift_error_context(cx, load_le<uint32_t>(p)));
    case ValueKind::Stream: case ValueKind::Future: stream_or_future(t);
  }
  return {};
}

void store(Cx& cx, const Val& v, const ValueType& t, uint32_t ptr) {
  switch (t.kind) {
    case ValueKind::Bool: case ValueKind::U8: case ValueKind::S8:
      expect_kind(t, v);
      *cx.at(ptr) = uint8_t(v.as_unsigned());
      return;
    case ValueKind::U16: case ValueKind::S16:
      expect_kind(t, v);
      store_le<uint16_t>(cx.at(ptr), uint16_t(v.as_unsigned()));
      return;
    case ValueKind::U32: case ValueKind::S32:
      expect_kind(t, v);
      store_le<uint32_t>(cx.at(ptr), uint32_t(v.as_unsigned()));
      return;
    case ValueKind::U64: case ValueKind::S64:
      expect_kind(t, v);
      store_le<uint64_t>(cx.at(ptr), v.as_unsigned());
      return;
    case ValueKind::F32:
      expect_kind(t, v);
      store_le<uint32_t>(cx.at(ptr), canonical_f32_bits(std::bit_cast<uint32_t>(v.as_f32())));
      return;
    case ValueKind::F64:
      expect_kind(t, v);
      store_le<uint64_t>(cx.at(ptr), canonical_f64_bits(std::bit_cast<uint64_t>(v.as_f64())));
      return;
    case ValueKind::Char:
      expect_kind(t, v);
      store_le<uint32_t>(cx.at(ptr), to_char(v.as_char()));
      return;
    case ValueKind::String: {
      GuestString s = lower_string(cx, v, t);
      store_le<uint32_t>(cx.at(ptr), s.ptr);
      store_le<uint32_t>(cx.at(ptr + 4), s.tagged_code_units);
      return;
    }
    case ValueKind::List:
    case ValueKind::Map: {
      expect_kind(t, v);
      GuestList l = store_list_into_range(cx, v, *t.element);
      store_le<uint32_t>(cx.at(ptr), l.ptr);
      store_le<uint32_t>(cx.at(ptr + 4), l.length);
      return;
    }
    case ValueKind::FixedList: {
      expect_kind(t, v);
      if (v.elements().size() != t.length) mismatch(t, v);
      uint32_t size = elem_size(*t.element);
      for (uint32_t i = 0; i < t.length; ++i) store(cx, v.elements()[i], *t.element, ptr + i * size);
      return;
    }
    case ValueKind::Record:
    case ValueKind::Tuple:
      expect_fields(t, v);
      for (size_t i = 0; i < t.fields.size(); ++i) {
        const ValueType& ft = *t.fields[i].type;
        ptr = align_to(ptr, alignment(ft));
        store(cx, v.elements()[i], ft, ptr);
        ptr += elem_size(ft);
      }
      return;
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result: {
      uint32_t index = match_case(t, v);
      uint32_t disc_size = discriminant_size(case_count(t));
      uint8_t* p = cx.at(ptr);
      if (disc_size == 1) {
        *p = uint8_t(index);
      } else if (disc_size == 2) {
        store_le<uint16_t>(p, uint16_t(index));
      } else {
        store_le<uint32_t>(p, index);
      }
      if (const ValueType* c = case_type(t, index)) store(cx, v.payload(), *c, align_to(ptr + disc_size, max_case_alignment(t)));
      return;
    }
    case ValueKind::Flags: {
      uint32_t bits = pack_flags(t, v);
      uint32_t size = flags_size(t.names.size());
      uint8_t* p = cx.at(ptr);
      if (size == 1) {
        *p = uint8_t(bits);
      } else if (size == 2) {
        store_le<uint16_t>(p, uint16_t(bits));
      } else {
        store_le<uint32_t>(p, bits);
      }
      return;
    }
    case ValueKind::Own:
    case ValueKind::Borrow: {
      uint32_t index = lower_resource(cx, v, t);
      store_le<uint32_t>(cx.at(ptr), index);
      return;
    }
    case ValueKind::ErrorContext:
      expect_kind(t, v);
      store_le<uint32_t>(cx.at(ptr), lower_error_context(cx, v.error_context()));
      return;
    case ValueKind::Stream: case ValueKind::Future: stream_or_future(t);
  }
}

Val lift_flat(Cx& cx, FlatReader& in, const ValueType& t) {
  switch (t.kind) {
    case ValueKind::Bool: return Val::boolean(uint32_t(in.next()) != 0);
    case ValueKind::U8: return Val::u8(uint8_t(in.next()));
    case ValueKind::S8: return Val::s8(int8_t(in.next()));
    case ValueKind::U16: return Val::u16(uint16_t(in.next()));
    case ValueKind::S16: return Val::s16(int16_t(in.next()));
    case ValueKind::U32: return Val::u32(uint32_t(in.next()));
    case ValueKind::S32: return Val::s32(int32_t(in.next()));
    case ValueKind::U64: return Val::u64(in.next());
    case ValueKind::S64: return Val::s64(int64_t(in.next()));
    case ValueKind::F32: return Val::f32(std::bit_cast<float>(canonical_f32_bits(uint32_t(in.next()))));
    case ValueKind::F64: return Val::f64(std::bit_cast<double>(canonical_f64_bits(in.next())));
    case ValueKind::Char: return Val::character(to_char(uint32_t(in.next())));
    case ValueKind::String: {
      uint32_t ptr = uint32_t(in.next());
      return lift_string(cx, ptr, uint32_t(in.next()));
    }
    case ValueKind::List:
    case ValueKind::Map: {
      uint32_t ptr = uint32_t(in.next());
      return load_list_from_range(cx, ptr, uint32_t(in.next()), *t.element);
    }
    case ValueKind::FixedList: {
      std::vector<Val> elements;
      elements.reserve(t.length);
      for (uint32_t i = 0; i < t.length; ++i) elements.push_back(lift_flat(cx, in, *t.element));
      return Val::list(std::move(elements));
    }
    case ValueKind::Record:
    case ValueKind::Tuple: {
      std::vector<Val> values;
      values.reserve(t.fields.size());
      for (const auto& f : t.fields) values.push_back(lift_flat(cx, in, *f.type));
      return make_fields(t, std::move(values));
    }
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result: {
      size_t payload_count = flat_count(t) - 1;
      uint32_t index = uint32_t(in.next());
      if (index >= case_count(t)) invalid_discriminant(cx, index, case_count(t));
      size_t end = in.next_index + payload_count;
      std::optional<Val> payload;
      if (const ValueType* c = case_type(t, index)) payload = lift_flat(cx, in, *c);
      in.next_index = end;  // skip the joined slots this case does not use
      return make_case(t, index, std::move(payload));
    }
    case ValueKind::Flags: return unpack_flags(t, uint32_t(in.next()));
    case ValueKind::Own:
    case ValueKind::Borrow: return lift_resource(cx, uint32_t(in.next()), t);
    case ValueKind::ErrorContext: return Val::error_context(lift_error_context(cx, uint32_t(in.next())));
    case ValueKind::Stream: case ValueKind::Future: stream_or_future(t);
  }
  return {};
}

void lower_flat(Cx& cx, const Val& v, const ValueType& t, FlatWriter& out) {
  switch (t.kind) {
    case ValueKind::Bool: case ValueKind::U8: case ValueKind::S8: case ValueKind::U16: case ValueKind::S16:
    case ValueKind::U32: case ValueKind::S32:
      expect_kind(t, v);
      out.push(uint32_t(v.as_unsigned()));  // signed values wrap to their 32-bit pattern
      return;
    case ValueKind::U64: case ValueKind::S64:
      expect_kind(t, v);
      out.push(v.as_unsigned());
      return;
    case ValueKind::F32:
      expect_kind(t, v);
      out.push(canonical_f32_bits(std::bit_cast<uint32_t>(v.as_f32())));
      return;
    case ValueKind::F64:
      expect_kind(t, v);
      out.push(canonical_f64_bits(std::bit_cast<uint64_t>(v.as_f64())));
      return;
    case ValueKind::Char:
      expect_kind(t, v);
      out.push(to_char(v.as_char()));
      return;
    case ValueKind::String: {
      GuestString s = lower_string(cx, v, t);
      out.push(s.ptr);
      out.push(s.tagged_code_units);
      return;
    }
    case ValueKind::List:
    case ValueKind::Map: {
      expect_kind(t, v);
      GuestList l = store_list_into_range(cx, v, *t.element);
      out.push(l.ptr);
      out.push(l.length);
      return;
    }
    case ValueKind::FixedList:
      expect_kind(t, v);
      if (v.elements().size() != t.length) mismatch(t, v);
      for (const Val& e : v.elements()) lower_flat(cx, e, *t.element, out);
      return;
    case ValueKind::Record:
    case ValueKind::Tuple:
      expect_fields(t, v);
      for (size_t i = 0; i < t.fields.size(); ++i) lower_flat(cx, v.elements()[i], *t.fields[i].type, out);
      return;
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result: {
      uint32_t index = match_case(t, v);
      size_t end = out.count + flat_count(t);
      out.push(index);
      if (const ValueType* c = case_type(t, index)) lower_flat(cx, v.payload(), *c, out);
      while (out.count < end) out.push(0);  // the joined slots this case does not use
      return;
    }
    case ValueKind::Flags: out.push(pack_flags(t, v)); return;
    case ValueKind::Own:
    case ValueKind::Borrow: out.push(lower_resource(cx, v, t)); return;
    case ValueKind::ErrorContext:
      expect_kind(t, v);
      out.push(lower_error_context(cx, v.error_context()));
      return;
    case ValueKind::Stream: case ValueKind::Future: stream_or_future(t);
  }
}

}  // namespace wasmrun::canon
