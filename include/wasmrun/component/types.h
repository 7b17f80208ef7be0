// C++ types for component values on the typed path (DESIGN §8), beside the standard ones:
//
//   C++                                 component type
//   bool, int8_t..uint64_t              bool, s8..u64
//   float, double                       f32, f64
//   char32_t                            char
//   std::string, std::string_view       string (a lifted view points into linear memory: see typed.h)
//   std::vector<T>, std::array<T, N>    list<T>, list<T, N>
//   std::optional<T>                    option<T>
//   Result<T, E>                        result<T, E> (std::monostate: no payload)
//   std::tuple<T...>                    tuple<T...>
//   Resource<T>, Borrow<T>              own<R>, borrow<R> of a resource R the C++ type T stands for
//   ResourceAny                         own<R> or borrow<R> of any resource
//   records, variants, enums, flags     through a ComponentTraits specialisation (canonical_abi/typed.h)
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <variant>

namespace wasmrun::component {

template <class T, class E>
class Result {
 public:
  static Result ok(T value) { return Result(std::in_place_index<0>, std::move(value)); }
  static Result err(E error) { return Result(std::in_place_index<1>, std::move(error)); }

  bool is_ok() const { return state_.index() == 0; }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  E& error() { return std::get<1>(state_); }
  const E& error() const { return std::get<1>(state_); }

  bool operator==(const Result&) const = default;

 private:
  template <size_t I, class V>
  Result(std::in_place_index_t<I> i, V&& v) : state_(i, std::forward<V>(v)) {}
  std::variant<T, E> state_;
};

// Handles of a resource as representations: an own handle moves with the value, a borrow is
// valid during the call it was passed to. T only names the resource for type safety.
template <class T>
struct Resource {
  uint32_t rep = 0;
  bool operator==(const Resource&) const = default;
};

template <class T>
struct Borrow {
  uint32_t rep = 0;
  bool operator==(const Borrow&) const = default;
};

}  // namespace wasmrun::component
