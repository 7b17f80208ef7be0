// The typed canonical ABI for the embedder's own records, variants, enums and flags: a
// ComponentTraits specialisation derives from RecordTraits, VariantTraits, EnumTraits or
// FlagsTraits (the WIT binding generator writes them).
#pragma once

#include "canonical_abi/typed_values.h"

namespace wasmrun::canon {

template <class T, class M>
struct FieldDef {
  const char* name;
  M T::*member;
};
template <class T, class M>
constexpr FieldDef<T, M> field(const char* name, M T::*member) {
  return {name, member};
}

// A record: `Fields` is a constexpr tuple of field(...) in the record's order:
//   struct Point { int32_t x, y; };
//   inline constexpr auto kPointFields = std::tuple(field("x", &Point::x), field("y", &Point::y));
//   template <> struct ComponentTraits<Point> : RecordTraits<Point, kPointFields> {};
template <class T, const auto& Fields>
struct RecordTraits {
  static constexpr size_t kCount = std::tuple_size_v<std::remove_cvref_t<decltype(Fields)>>;
  static constexpr auto kIndices = std::make_index_sequence<kCount>();
  template <size_t I>
  using Member = std::remove_cvref_t<decltype(std::declval<T&>().*(std::get<I>(Fields).member))>;

  static bool matches(const ValueType& t) {
    if (t.kind != ValueKind::Record || t.fields.size() != kCount) return false;
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return ((t.fields[I].name == std::get<I>(Fields).name && Traits<Member<I>>::matches(*t.fields[I].type)) && ...);
    }(kIndices);
  }
  static void lower_flat(Cx& cx, const ValueType& t, const T& v, FlatWriter& out) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      (Traits<Member<I>>::lower_flat(cx, *t.fields[I].type, v.*(std::get<I>(Fields).member), out), ...);
    }(kIndices);
  }
  static T lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    T out{};
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((out.*(std::get<I>(Fields).member) = Traits<Member<I>>::lift_flat(cx, *t.fields[I].type, in)), ...);
    }(kIndices);
    return out;
  }
  static void store(Cx& cx, const ValueType& t, const T& v, uint32_t ptr) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((ptr = align_to(ptr, alignment(*t.fields[I].type)),
        Traits<Member<I>>::store(cx, *t.fields[I].type, v.*(std::get<I>(Fields).member), ptr),
        ptr += elem_size(*t.fields[I].type)),
       ...);
    }(kIndices);
  }
  static T load(Cx& cx, const ValueType& t, uint32_t ptr) {
    T out{};
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((ptr = align_to(ptr, alignment(*t.fields[I].type)),
        out.*(std::get<I>(Fields).member) = Traits<Member<I>>::load(cx, *t.fields[I].type, ptr),
        ptr += elem_size(*t.fields[I].type)),
       ...);
    }(kIndices);
    return out;
  }
};

// A variant: T holds a std::variant V (or is one) whose alternatives are the case payloads in
// case order, std::monostate for a case without payload; `Names` the case names:
//   struct Shape { std::variant<float, std::monostate> v; };  (or: a type derived from the variant)
//   inline constexpr std::array<const char*, 2> kShapeCases = {"circle", "none"};
//   template <> struct ComponentTraits<Shape> : VariantTraits<Shape, &Shape::v, kShapeCases> {};
template <class T, auto Member, const auto& Names>
struct VariantTraits {
  using V = std::remove_cvref_t<decltype(std::declval<T&>().*Member)>;
  static constexpr size_t kCount = std::variant_size_v<V>;
  static_assert(std::size(Names) == kCount, "one name per alternative");
  static constexpr auto kIndices = std::make_index_sequence<kCount>();
  template <size_t I>
  using Payload = std::variant_alternative_t<I, V>;

  static bool matches(const ValueType& t) {
    if (t.kind != ValueKind::Variant || t.cases.size() != kCount) return false;
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return ((t.cases[I].name == Names[I] && typed_detail::payload_matches<Payload<I>>(t.cases[I].type.get())) && ...);
    }(kIndices);
  }
  static void lower_flat(Cx& cx, const ValueType& t, const T& v, FlatWriter& out) {
    std::visit([&](const auto& payload) { typed_detail::lower_flat_case(cx, t, uint32_t((v.*Member).index()), payload, out); },
               v.*Member);
  }
  static void store(Cx& cx, const ValueType& t, const T& v, uint32_t ptr) {
    std::visit([&](const auto& payload) { typed_detail::store_case(cx, t, uint32_t((v.*Member).index()), payload, ptr); },
               v.*Member);
  }
  template <class Make>
  static T make(uint32_t index, Make&& payload_of) {
    T out{};
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((index == I ? (void)((out.*Member).template emplace<I>(payload_of.template operator()<I>())) : (void)0), ...);
    }(kIndices);
    return out;
  }
  static T lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    size_t end = in.next_index + flat_count(t);
    uint32_t index = typed_detail::lift_flat_discriminant(cx, t, in);
    return make(index, [&]<size_t I>() { return typed_detail::lift_flat_payload<Payload<I>>(cx, t, I, in, end); });
  }
  static T load(Cx& cx, const ValueType& t, uint32_t ptr) {
    uint32_t index = typed_detail::load_discriminant(cx, t, ptr);
    return make(index, [&]<size_t I>() { return typed_detail::load_payload<Payload<I>>(cx, t, I, ptr); });
  }
};

// An enum: E's values are the case indices 0..N-1, `Names` the case names.
template <class E, const auto& Names>
struct EnumTraits {
  static constexpr size_t kCount = std::size(Names);
  static bool matches(const ValueType& t) {
    if (t.kind != ValueKind::Enum || t.names.size() != kCount) return false;
    for (size_t i = 0; i < kCount; ++i) {
      if (t.names[i] != Names[i]) return false;
    }
    return true;
  }
  static E checked(const Cx& cx, uint32_t index) {
    if (index >= kCount) invalid_discriminant(cx, index, kCount);
    return E(index);
  }
  static void lower_flat(Cx&, const ValueType&, E v, FlatWriter& out) { out.push(uint32_t(v)); }
  static E lift_flat(Cx& cx, const ValueType&, FlatReader& in) { return checked(cx, uint32_t(in.next())); }
  static void store(Cx& cx, const ValueType& t, E v, uint32_t ptr) {
    typed_detail::store_discriminant(cx, t, ptr, uint32_t(v));
  }
  static E load(Cx& cx, const ValueType& t, uint32_t ptr) { return E(typed_detail::load_discriminant(cx, t, ptr)); }
};

// Flags: T converts to and from uint32_t with bit i for flag i; `Names` the flag names.
template <class T, const auto& Names>
struct FlagsTraits {
  static constexpr size_t kCount = std::size(Names);
  static_assert(kCount > 0 && kCount <= 32);
  static constexpr uint32_t kMask = kCount == 32 ? ~0u : (1u << kCount) - 1;
  static bool matches(const ValueType& t) {
    if (t.kind != ValueKind::Flags || t.names.size() != kCount) return false;
    for (size_t i = 0; i < kCount; ++i) {
      if (t.names[i] != Names[i]) return false;
    }
    return true;
  }
  static void lower_flat(Cx&, const ValueType&, T v, FlatWriter& out) { out.push(uint32_t(v) & kMask); }
  static T lift_flat(Cx&, const ValueType&, FlatReader& in) { return T(uint32_t(in.next()) & kMask); }
  static void store(Cx& cx, const ValueType&, T v, uint32_t ptr) {
    uint32_t bits = uint32_t(v) & kMask;
    if constexpr (kCount <= 8) {
      *cx.at(ptr) = uint8_t(bits);
    } else if constexpr (kCount <= 16) {
      store_le<uint16_t>(cx.at(ptr), uint16_t(bits));
    } else {
      store_le<uint32_t>(cx.at(ptr), bits);
    }
  }
  static T load(Cx& cx, const ValueType&, uint32_t ptr) {
    uint32_t bits;
    if constexpr (kCount <= 8) {
      bits = *cx.at(ptr);
    } else if constexpr (kCount <= 16) {
      bits = load_le<uint16_t>(cx.at(ptr));
    } else {
      bits = load_le<uint32_t>(cx.at(ptr));
    }
    return T(bits & kMask);
  }
};

}  // namespace wasmrun::canon
