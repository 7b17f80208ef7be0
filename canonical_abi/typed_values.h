// The typed canonical ABI (DESIGN §8), standard and vocabulary types: ComponentTraits<T> maps
// a C++ type to a component type at compile time and lifts and lowers its values directly
// between C++ objects and flat values or linear memory, with no Val in between. The runtime
// component type is passed along (checked once with matches() when a function is bound) for
// what C++ types cannot say: resource identities and layouts.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "canonical_abi/call.h"
#include "canonical_abi/resources.h"
#include "canonical_abi/transcode.h"
#include "canonical_abi/values.h"
#include "wasmrun/component/types.h"

namespace wasmrun::canon {

using component::Borrow;
using component::Resource;
using component::ResourceAny;
using component::Result;

// Each specialisation has, for a component type `t` that matches():
//   static bool matches(const ValueType& t);
//   static void lower_flat(Cx&, const ValueType& t, const T& v, FlatWriter& out);
//   static T lift_flat(Cx&, const ValueType& t, FlatReader& in);
//   static void store(Cx&, const ValueType& t, const T& v, uint32_t ptr);
//   static T load(Cx&, const ValueType& t, uint32_t ptr);
template <class T, class = void>
struct ComponentTraits;

template <class T>
using Traits = ComponentTraits<std::remove_cvref_t<T>>;

namespace typed_detail {

template <class T, ValueKind K>
struct Integer {
  static bool matches(const ValueType& t) { return t.kind == K; }
  static void lower_flat(Cx&, const ValueType&, T v, FlatWriter& out) {
    if constexpr (sizeof(T) == 8) {
      out.push(uint64_t(v));
    } else {
      out.push(uint32_t(int64_t(v)));  // signed values as their 32-bit pattern
    }
  }
  static T lift_flat(Cx&, const ValueType&, FlatReader& in) { return T(in.next()); }
  static void store(Cx& cx, const ValueType&, T v, uint32_t ptr) { store_le<T>(cx.at(ptr), v); }
  static T load(Cx& cx, const ValueType&, uint32_t ptr) { return load_le<T>(cx.at(ptr)); }
};

inline uint32_t load_discriminant(Cx& cx, const ValueType& t, uint32_t ptr) {
  size_t n = case_count(t);
  uint32_t size = discriminant_size(n);
  const uint8_t* p = cx.at(ptr);
  uint32_t index = size == 1 ? *p : size == 2 ? load_le<uint16_t>(p) : load_le<uint32_t>(p);
  if (index >= n) invalid_discriminant(cx, index, n);
  return index;
}

inline void store_discriminant(Cx& cx, const ValueType& t, uint32_t ptr, uint32_t index) {
  uint32_t size = discriminant_size(case_count(t));
  uint8_t* p = cx.at(ptr);
  if (size == 1) {
    *p = uint8_t(index);
  } else if (size == 2) {
    store_le<uint16_t>(p, uint16_t(index));
  } else {
    store_le<uint32_t>(p, index);
  }
}

inline uint32_t payload_ptr(const ValueType& t, uint32_t ptr) {
  return align_to(ptr + discriminant_size(case_count(t)), max_case_alignment(t));
}

inline uint32_t lift_flat_discriminant(const Cx& cx, const ValueType& t, FlatReader& in) {
  uint32_t index = uint32_t(in.next());
  if (index >= case_count(t)) invalid_discriminant(cx, index, case_count(t));
  return index;
}

// A case payload of type P (std::monostate: none) against the case's component type.
template <class P>
bool payload_matches(const ValueType* t) {
  if constexpr (std::is_same_v<P, std::monostate>) {
    return t == nullptr;
  } else {
    return t && Traits<P>::matches(*t);
  }
}

// Lowers a case: discriminant, payload, zeros for the joined slots the case does not use.
template <class P>
void lower_flat_case(Cx& cx, const ValueType& t, uint32_t index, const P& payload, FlatWriter& out) {
  size_t end = out.count + flat_count(t);
  out.push(index);
  if constexpr (!std::is_same_v<P, std::monostate>) Traits<P>::lower_flat(cx, *case_type(t, index), payload, out);
  while (out.count < end) out.push(0);
}

template <class P>
P lift_flat_payload(Cx& cx, const ValueType& t, uint32_t index, FlatReader& in, size_t end) {
  P payload{};
  if constexpr (!std::is_same_v<P, std::monostate>) payload = Traits<P>::lift_flat(cx, *case_type(t, index), in);
  in.next_index = end;
  return payload;
}

template <class P>
void store_case(Cx& cx, const ValueType& t, uint32_t index, const P& payload, uint32_t ptr) {
  store_discriminant(cx, t, ptr, index);
  if constexpr (!std::is_same_v<P, std::monostate>) Traits<P>::store(cx, *case_type(t, index), payload, payload_ptr(t, ptr));
}

template <class P>
P load_payload(Cx& cx, const ValueType& t, uint32_t index, uint32_t ptr) {
  if constexpr (std::is_same_v<P, std::monostate>) {
    return {};
  } else {
    return Traits<P>::load(cx, *case_type(t, index), payload_ptr(t, ptr));
  }
}

// Integer lists are copied with memcpy (their memory layout is the C++ one); others element
// by element.
template <class T>
constexpr bool kMemcpyElement = std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char32_t>;

}  // namespace typed_detail

template <> struct ComponentTraits<int8_t> : typed_detail::Integer<int8_t, ValueKind::S8> {};
template <> struct ComponentTraits<uint8_t> : typed_detail::Integer<uint8_t, ValueKind::U8> {};
template <> struct ComponentTraits<int16_t> : typed_detail::Integer<int16_t, ValueKind::S16> {};
template <> struct ComponentTraits<uint16_t> : typed_detail::Integer<uint16_t, ValueKind::U16> {};
template <> struct ComponentTraits<int32_t> : typed_detail::Integer<int32_t, ValueKind::S32> {};
template <> struct ComponentTraits<uint32_t> : typed_detail::Integer<uint32_t, ValueKind::U32> {};
template <> struct ComponentTraits<int64_t> : typed_detail::Integer<int64_t, ValueKind::S64> {};
template <> struct ComponentTraits<uint64_t> : typed_detail::Integer<uint64_t, ValueKind::U64> {};

template <>
struct ComponentTraits<bool> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::Bool; }
  static void lower_flat(Cx&, const ValueType&, bool v, FlatWriter& out) { out.push(v ? 1 : 0); }
  static bool lift_flat(Cx&, const ValueType&, FlatReader& in) { return uint32_t(in.next()) != 0; }
  static void store(Cx& cx, const ValueType&, bool v, uint32_t ptr) { *cx.at(ptr) = v ? 1 : 0; }
  static bool load(Cx& cx, const ValueType&, uint32_t ptr) { return *cx.at(ptr) != 0; }
};

template <>
struct ComponentTraits<float> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::F32; }
  static void lower_flat(Cx&, const ValueType&, float v, FlatWriter& out) {
    out.push(canonical_f32_bits(std::bit_cast<uint32_t>(v)));
  }
  static float lift_flat(Cx&, const ValueType&, FlatReader& in) {
    return std::bit_cast<float>(canonical_f32_bits(uint32_t(in.next())));
  }
  static void store(Cx& cx, const ValueType&, float v, uint32_t ptr) {
    store_le<uint32_t>(cx.at(ptr), canonical_f32_bits(std::bit_cast<uint32_t>(v)));
  }
  static float load(Cx& cx, const ValueType&, uint32_t ptr) {
    return std::bit_cast<float>(canonical_f32_bits(load_le<uint32_t>(cx.at(ptr))));
  }
};

template <>
struct ComponentTraits<double> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::F64; }
  static void lower_flat(Cx&, const ValueType&, double v, FlatWriter& out) {
    out.push(canonical_f64_bits(std::bit_cast<uint64_t>(v)));
  }
  static double lift_flat(Cx&, const ValueType&, FlatReader& in) {
    return std::bit_cast<double>(canonical_f64_bits(in.next()));
  }
  static void store(Cx& cx, const ValueType&, double v, uint32_t ptr) {
    store_le<uint64_t>(cx.at(ptr), canonical_f64_bits(std::bit_cast<uint64_t>(v)));
  }
  static double load(Cx& cx, const ValueType&, uint32_t ptr) {
    return std::bit_cast<double>(canonical_f64_bits(load_le<uint64_t>(cx.at(ptr))));
  }
};

template <>
struct ComponentTraits<char32_t> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::Char; }
  static void lower_flat(Cx&, const ValueType&, char32_t v, FlatWriter& out) { out.push(to_char(v)); }
  static char32_t lift_flat(Cx&, const ValueType&, FlatReader& in) { return to_char(uint32_t(in.next())); }
  static void store(Cx& cx, const ValueType&, char32_t v, uint32_t ptr) { store_le<uint32_t>(cx.at(ptr), to_char(v)); }
  static char32_t load(Cx& cx, const ValueType&, uint32_t ptr) { return to_char(load_le<uint32_t>(cx.at(ptr))); }
};

// Strings from the host are UTF-8; they are lowered as the spec lowers a utf8 string. Lifted as
// a std::string_view (an argument of a typed host function) a utf8 string is not copied: the
// view points into linear memory and is valid until the host function returns, provided it
// does not call back into the guest; strings in other encodings are decoded into storage the
// call owns.
template <>
struct ComponentTraits<std::string_view> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::String; }
  static std::string_view lift(Cx& cx, uint32_t ptr, uint32_t tagged_code_units) {
    if (cx.opts.string_encoding == StringEncoding::Utf8) {
      if (tagged_code_units > kMaxStringByteLength) {
        raise(TrapCode::TooLong, cx.host_peer ? "string pointer/length out of bounds of memory" : "string content out-of-bounds");
      }
      cx.check_pointer(ptr, 1, tagged_code_units, Cx::What::String);
      std::string_view bytes(reinterpret_cast<const char*>(cx.at(ptr)), tagged_code_units);
      if (std::string error = utf8_error(bytes); !error.empty()) raise(TrapCode::InvalidString, std::move(error));
      return bytes;
    }
    cx.decoded_strings.push_back(std::make_unique<std::string>(load_string_from_range(cx, ptr, tagged_code_units, nullptr)));
    return *cx.decoded_strings.back();
  }
  static std::string_view lift_flat(Cx& cx, const ValueType&, FlatReader& in) {
    uint32_t ptr = uint32_t(in.next());
    return lift(cx, ptr, uint32_t(in.next()));
  }
  static std::string_view load(Cx& cx, const ValueType&, uint32_t ptr) {
    return lift(cx, load_le<uint32_t>(cx.at(ptr)), load_le<uint32_t>(cx.at(ptr + 4)));
  }
  static GuestString lower(Cx& cx, std::string_view v) {
    return store_string_into_range(cx, v, {StringSource::Utf8, uint32_t(v.size())});
  }
  static void lower_flat(Cx& cx, const ValueType&, std::string_view v, FlatWriter& out) {
    GuestString s = lower(cx, v);
    out.push(s.ptr);
    out.push(s.tagged_code_units);
  }
  static void store(Cx& cx, const ValueType&, std::string_view v, uint32_t ptr) {
    GuestString s = lower(cx, v);
    store_le<uint32_t>(cx.at(ptr), s.ptr);
    store_le<uint32_t>(cx.at(ptr + 4), s.tagged_code_units);
  }
};

template <>
struct ComponentTraits<std::string> : ComponentTraits<std::string_view> {
  static std::string lift_flat(Cx& cx, const ValueType&, FlatReader& in) {
    uint32_t ptr = uint32_t(in.next());
    return load_string_from_range(cx, ptr, uint32_t(in.next()), nullptr);
  }
  static std::string load(Cx& cx, const ValueType&, uint32_t ptr) {
    return load_string_from_range(cx, load_le<uint32_t>(cx.at(ptr)), load_le<uint32_t>(cx.at(ptr + 4)), nullptr);
  }
};

template <class T>
struct ComponentTraits<std::vector<T>> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::List && Traits<T>::matches(*t.element); }

  static std::pair<uint32_t, uint32_t> lower(Cx& cx, const ValueType& t, const std::vector<T>& v) {
    const ValueType& et = *t.element;
    uint64_t size = elem_size(et);
    uint64_t byte_length = v.size() * size;
    if (byte_length > kMaxListByteLength) raise(TrapCode::TooLong, "list too long to lower");
    uint32_t ptr = cx.allocate(alignment(et), uint32_t(byte_length), Cx::What::List);
    if constexpr (typed_detail::kMemcpyElement<T>) {
      if (byte_length) std::memcpy(cx.at(ptr), v.data(), byte_length);
    } else {
      for (size_t i = 0; i < v.size(); ++i) Traits<T>::store(cx, et, v[i], ptr + uint32_t(i * size));
    }
    return {ptr, uint32_t(v.size())};
  }
  static std::vector<T> lift(Cx& cx, const ValueType& t, uint32_t ptr, uint32_t length) {
    const ValueType& et = *t.element;
    uint64_t size = elem_size(et);
    if (length * size > kMaxListByteLength) {
      raise(TrapCode::TooLong, cx.host_peer ? "list pointer/length out of bounds of memory" : "list content out-of-bounds");
    }
    cx.check_pointer(ptr, alignment(et), length * size, Cx::What::List);
    std::vector<T> out;
    if constexpr (typed_detail::kMemcpyElement<T>) {
      out.resize(length);
      if (length) std::memcpy(out.data(), cx.at(ptr), length * size);
    } else {
      out.reserve(length);
      for (uint32_t i = 0; i < length; ++i) out.push_back(Traits<T>::load(cx, et, ptr + uint32_t(i * size)));
    }
    return out;
  }
  static void lower_flat(Cx& cx, const ValueType& t, const std::vector<T>& v, FlatWriter& out) {
    auto [ptr, length] = lower(cx, t, v);
    out.push(ptr);
    out.push(length);
  }
  static std::vector<T> lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    uint32_t ptr = uint32_t(in.next());
    return lift(cx, t, ptr, uint32_t(in.next()));
  }
  static void store(Cx& cx, const ValueType& t, const std::vector<T>& v, uint32_t ptr) {
    auto [begin, length] = lower(cx, t, v);
    store_le<uint32_t>(cx.at(ptr), begin);
    store_le<uint32_t>(cx.at(ptr + 4), length);
  }
  static std::vector<T> load(Cx& cx, const ValueType& t, uint32_t ptr) {
    return lift(cx, t, load_le<uint32_t>(cx.at(ptr)), load_le<uint32_t>(cx.at(ptr + 4)));
  }
};

template <class T, size_t N>
struct ComponentTraits<std::array<T, N>> {
  static bool matches(const ValueType& t) {
    return t.kind == ValueKind::FixedList && t.length == N && Traits<T>::matches(*t.element);
  }
  static void lower_flat(Cx& cx, const ValueType& t, const std::array<T, N>& v, FlatWriter& out) {
    for (const T& e : v) Traits<T>::lower_flat(cx, *t.element, e, out);
  }
  static std::array<T, N> lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    std::array<T, N> out;
    for (T& e : out) e = Traits<T>::lift_flat(cx, *t.element, in);
    return out;
  }
  static void store(Cx& cx, const ValueType& t, const std::array<T, N>& v, uint32_t ptr) {
    uint32_t size = elem_size(*t.element);
    for (size_t i = 0; i < N; ++i) Traits<T>::store(cx, *t.element, v[i], ptr + uint32_t(i) * size);
  }
  static std::array<T, N> load(Cx& cx, const ValueType& t, uint32_t ptr) {
    uint32_t size = elem_size(*t.element);
    std::array<T, N> out;
    for (size_t i = 0; i < N; ++i) out[i] = Traits<T>::load(cx, *t.element, ptr + uint32_t(i) * size);
    return out;
  }
};

template <class T>
struct ComponentTraits<std::optional<T>> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::Option && Traits<T>::matches(*t.element); }
  static void lower_flat(Cx& cx, const ValueType& t, const std::optional<T>& v, FlatWriter& out) {
    if (v) {
      typed_detail::lower_flat_case(cx, t, 1, *v, out);
    } else {
      typed_detail::lower_flat_case(cx, t, 0, std::monostate{}, out);
    }
  }
  static std::optional<T> lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    size_t end = in.next_index + flat_count(t);
    uint32_t index = typed_detail::lift_flat_discriminant(cx, t, in);
    if (index == 0) {
      in.next_index = end;
      return std::nullopt;
    }
    return typed_detail::lift_flat_payload<T>(cx, t, 1, in, end);
  }
  static void store(Cx& cx, const ValueType& t, const std::optional<T>& v, uint32_t ptr) {
    if (v) {
      typed_detail::store_case(cx, t, 1, *v, ptr);
    } else {
      typed_detail::store_case(cx, t, 0, std::monostate{}, ptr);
    }
  }
  static std::optional<T> load(Cx& cx, const ValueType& t, uint32_t ptr) {
    if (typed_detail::load_discriminant(cx, t, ptr) == 0) return std::nullopt;
    return typed_detail::load_payload<T>(cx, t, 1, ptr);
  }
};

template <class T, class E>
struct ComponentTraits<Result<T, E>> {
  using R = Result<T, E>;
  static bool matches(const ValueType& t) {
    return t.kind == ValueKind::Result && typed_detail::payload_matches<T>(t.ok.get()) &&
           typed_detail::payload_matches<E>(t.err.get());
  }
  static void lower_flat(Cx& cx, const ValueType& t, const R& v, FlatWriter& out) {
    if (v.is_ok()) {
      typed_detail::lower_flat_case(cx, t, 0, v.value(), out);
    } else {
      typed_detail::lower_flat_case(cx, t, 1, v.error(), out);
    }
  }
  static R lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    size_t end = in.next_index + flat_count(t);
    if (typed_detail::lift_flat_discriminant(cx, t, in) == 0) return R::ok(typed_detail::lift_flat_payload<T>(cx, t, 0, in, end));
    return R::err(typed_detail::lift_flat_payload<E>(cx, t, 1, in, end));
  }
  static void store(Cx& cx, const ValueType& t, const R& v, uint32_t ptr) {
    if (v.is_ok()) {
      typed_detail::store_case(cx, t, 0, v.value(), ptr);
    } else {
      typed_detail::store_case(cx, t, 1, v.error(), ptr);
    }
  }
  static R load(Cx& cx, const ValueType& t, uint32_t ptr) {
    if (typed_detail::load_discriminant(cx, t, ptr) == 0) return R::ok(typed_detail::load_payload<T>(cx, t, 0, ptr));
    return R::err(typed_detail::load_payload<E>(cx, t, 1, ptr));
  }
};

template <class... Ts>
struct ComponentTraits<std::tuple<Ts...>> {
  using Tuple = std::tuple<Ts...>;
  static constexpr auto kIndices = std::index_sequence_for<Ts...>();

  static bool matches(const ValueType& t) {
    if (t.kind != ValueKind::Tuple || t.fields.size() != sizeof...(Ts)) return false;
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return (Traits<Ts>::matches(*t.fields[I].type) && ...);
    }(kIndices);
  }
  static void lower_flat(Cx& cx, const ValueType& t, const Tuple& v, FlatWriter& out) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      (Traits<Ts>::lower_flat(cx, *t.fields[I].type, std::get<I>(v), out), ...);
    }(kIndices);
  }
  static Tuple lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return Tuple{Traits<Ts>::lift_flat(cx, *t.fields[I].type, in)...};  // braces: in order
    }(kIndices);
  }
  static void store(Cx& cx, const ValueType& t, const Tuple& v, uint32_t ptr) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((ptr = align_to(ptr, alignment(*t.fields[I].type)), Traits<Ts>::store(cx, *t.fields[I].type, std::get<I>(v), ptr),
        ptr += elem_size(*t.fields[I].type)),
       ...);
    }(kIndices);
  }
  static Tuple load(Cx& cx, const ValueType& t, uint32_t ptr) {
    std::array<uint32_t, sizeof...(Ts)> offsets{};
    for (size_t i = 0; i < t.fields.size(); ++i) {
      ptr = align_to(ptr, alignment(*t.fields[i].type));
      offsets[i] = ptr;
      ptr += elem_size(*t.fields[i].type);
    }
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return Tuple{Traits<Ts>::load(cx, *t.fields[I].type, offsets[I])...};
    }(kIndices);
  }
};

template <class R>
struct ComponentTraits<Resource<R>> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::Own; }
  static void lower_flat(Cx& cx, const ValueType& t, Resource<R> v, FlatWriter& out) {
    out.push(lower_own(cx, v.rep, *t.resource));
  }
  static Resource<R> lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    return {lift_own(cx, uint32_t(in.next()), *t.resource)};
  }
  static void store(Cx& cx, const ValueType& t, Resource<R> v, uint32_t ptr) {
    store_le<uint32_t>(cx.at(ptr), lower_own(cx, v.rep, *t.resource));
  }
  static Resource<R> load(Cx& cx, const ValueType& t, uint32_t ptr) {
    return {lift_own(cx, load_le<uint32_t>(cx.at(ptr)), *t.resource)};
  }
};

template <class R>
struct ComponentTraits<Borrow<R>> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::Borrow; }
  static void lower_flat(Cx& cx, const ValueType& t, Borrow<R> v, FlatWriter& out) {
    out.push(lower_borrow(cx, v.rep, *t.resource));
  }
  static Borrow<R> lift_flat(Cx& cx, const ValueType& t, FlatReader& in) {
    return {lift_borrow(cx, uint32_t(in.next()), *t.resource)};
  }
  static void store(Cx& cx, const ValueType& t, Borrow<R> v, uint32_t ptr) {
    store_le<uint32_t>(cx.at(ptr), lower_borrow(cx, v.rep, *t.resource));
  }
  static Borrow<R> load(Cx& cx, const ValueType& t, uint32_t ptr) {
    return {lift_borrow(cx, load_le<uint32_t>(cx.at(ptr)), *t.resource)};
  }
};

template <>
struct ComponentTraits<ResourceAny> {
  static bool matches(const ValueType& t) { return t.kind == ValueKind::Own || t.kind == ValueKind::Borrow; }
  static uint32_t lower(Cx& cx, const ValueType& t, const ResourceAny& v) {
    if (v.type.get() != t.resource.get()) {
      raise(TrapCode::TypeMismatch, "type mismatch: a resource of another type given for `" + t.resource->name + "`");
    }
    if (t.kind == ValueKind::Borrow) return lower_borrow(cx, v.rep, *t.resource);
    if (!v.own) raise(TrapCode::TypeMismatch, "type mismatch: a borrowed resource given for own<" + t.resource->name + ">");
    return lower_own(cx, v.rep, *t.resource);
  }
  static ResourceAny lift(Cx& cx, const ValueType& t, uint32_t index) {
    if (t.kind == ValueKind::Own) return {t.resource, lift_own(cx, index, *t.resource), true};
    return {t.resource, lift_borrow(cx, index, *t.resource), false};
  }
  static void lower_flat(Cx& cx, const ValueType& t, const ResourceAny& v, FlatWriter& out) { out.push(lower(cx, t, v)); }
  static ResourceAny lift_flat(Cx& cx, const ValueType& t, FlatReader& in) { return lift(cx, t, uint32_t(in.next())); }
  static void store(Cx& cx, const ValueType& t, const ResourceAny& v, uint32_t ptr) {
    store_le<uint32_t>(cx.at(ptr), lower(cx, t, v));
  }
  static ResourceAny load(Cx& cx, const ValueType& t, uint32_t ptr) { return lift(cx, t, load_le<uint32_t>(cx.at(ptr))); }
};

}  // namespace wasmrun::canon
