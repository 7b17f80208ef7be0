// Compile-time mapping between C++ signatures and wasm function types (DESIGN §8): host functions
// from plain callables, and typed calls into wasm.
//
//   C++                       wasm
//   int32_t, uint32_t, bool   i32 (a bool reads any non-zero i32 as true, and writes 0 or 1)
//   int64_t, uint64_t         i64
//   float, double             f32, f64
//   V128                      v128
//   void / T / std::tuple<T...>   no result / one result / several results
//
// A host callable may return Expected<R> to trap with a message, and may take `Caller&` first.
// It may be move-only (it is kept in a MoveOnlyFunction).
#pragma once

#include <tuple>
#include <type_traits>
#include <utility>

#include "wasmrun/externs.h"

namespace wasmrun {

namespace detail {

template <class T>
struct WasmTypeOf;
template <> struct WasmTypeOf<int32_t> { static constexpr ValType value = ValType::I32; };
template <> struct WasmTypeOf<uint32_t> { static constexpr ValType value = ValType::I32; };
template <> struct WasmTypeOf<bool> { static constexpr ValType value = ValType::I32; };
template <> struct WasmTypeOf<int64_t> { static constexpr ValType value = ValType::I64; };
template <> struct WasmTypeOf<uint64_t> { static constexpr ValType value = ValType::I64; };
template <> struct WasmTypeOf<float> { static constexpr ValType value = ValType::F32; };
template <> struct WasmTypeOf<double> { static constexpr ValType value = ValType::F64; };
template <> struct WasmTypeOf<V128> { static constexpr ValType value = ValType::V128; };

// Results as a tuple of wasm values.
template <class R>
struct ResultsOf {
  using Tuple = std::tuple<R>;
  static Tuple as_tuple(R r) { return Tuple{r}; }
  static R from_tuple(Tuple t) { return std::get<0>(t); }
};
template <>
struct ResultsOf<void> {
  using Tuple = std::tuple<>;
};
template <class... T>
struct ResultsOf<std::tuple<T...>> {
  using Tuple = std::tuple<T...>;
  static Tuple as_tuple(Tuple t) { return t; }
  static Tuple from_tuple(Tuple t) { return t; }
};

template <class Tuple, size_t... I>
std::vector<ValType> types_of(std::index_sequence<I...>) {
  return {WasmTypeOf<std::tuple_element_t<I, Tuple>>::value...};
}
template <class Tuple>
std::vector<ValType> types_of() {
  return types_of<Tuple>(std::make_index_sequence<std::tuple_size_v<Tuple>>());
}

// One value from or to its slot; a bool travels as an i32.
template <class T>
T get_value(const RawValue& slot) {
  if constexpr (std::is_same_v<T, bool>) return slot.get<int32_t>() != 0;
  else return slot.get<T>();
}
template <class T>
void set_value(RawValue& slot, T v) {
  if constexpr (std::is_same_v<T, bool>) slot.set(int32_t(v));
  else slot.set(v);
}

template <class Tuple, size_t... I>
Tuple load(std::span<RawValue> values, std::index_sequence<I...>) {
  return Tuple{get_value<std::tuple_element_t<I, Tuple>>(values[I])...};
}
template <class Tuple>
Tuple load(std::span<RawValue> values) {
  return load<Tuple>(values, std::make_index_sequence<std::tuple_size_v<Tuple>>());
}
template <class Tuple>
void store(std::span<RawValue> values, const Tuple& t) {
  std::apply([&](const auto&... v) {
    size_t i = 0;
    (set_value(values[i++], v), ...);
  }, t);
}

// A host callable's result type, with Expected<T> unwrapped to T.
template <class T>
struct Unwrap {
  using type = T;
  static constexpr bool is_expected = false;
};
template <class T>
struct Unwrap<Expected<T>> {
  using type = T;
  static constexpr bool is_expected = true;
};

// The call signature of a callable: lambdas, function objects, function pointers.
template <class F>
struct Signature : Signature<decltype(&F::operator())> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...) const> {
  using Result = R;
  using Args = std::tuple<A...>;
};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...)> : Signature<R (C::*)(A...) const> {};
template <class R, class... A>
struct Signature<R (*)(A...)> {
  using Result = R;
  using Args = std::tuple<A...>;
};

template <class Args>
struct DropCaller {
  using Wasm = Args;
  static constexpr bool takes_caller = false;
};
template <class... A>
struct DropCaller<std::tuple<Caller&, A...>> {
  using Wasm = std::tuple<A...>;
  static constexpr bool takes_caller = true;
};

Expected<void> check_signature(const FuncType& actual, const FuncType& wanted);

// The wasm type of a host callable, and the HostFunction that calls it.
template <class F>
std::pair<FuncType, HostFunction> host_function_of(F&& f) {
  using Sig = detail::Signature<std::decay_t<F>>;
  using Params = typename detail::DropCaller<typename Sig::Args>::Wasm;
  constexpr bool takes_caller = detail::DropCaller<typename Sig::Args>::takes_caller;
  using Returned = typename Sig::Result;
  using Value = typename detail::Unwrap<Returned>::type;
  using Results = detail::ResultsOf<Value>;
  FuncType type{detail::types_of<Params>(), detail::types_of<typename Results::Tuple>()};
  HostFunction host = [f = std::forward<F>(f)](Caller& caller, std::span<RawValue> values) mutable -> Expected<void> {
    Params args = load<Params>(values);
    auto invoke = [&]() -> decltype(auto) {
      if constexpr (takes_caller) return std::apply([&](auto&&... a) -> decltype(auto) { return f(caller, a...); }, args);
      else return std::apply(f, args);
    };
    if constexpr (Unwrap<Returned>::is_expected) {
      auto r = invoke();
      if (!r) return r.error();
      if constexpr (!std::is_void_v<Value>) store(values, Results::as_tuple(r.take()));
    } else if constexpr (std::is_void_v<Returned>) {
      invoke();
    } else {
      store(values, Results::as_tuple(invoke()));
    }
    return {};
  };
  return {std::move(type), std::move(host)};
}

}  // namespace detail

template <class F>
Expected<Func> Func::wrap(Store& store, F&& f) {
  auto [type, host] = detail::host_function_of(std::forward<F>(f));
  return create(store, type, std::move(host));
}

// A wasm function with a known C++ signature: calls convert arguments and results directly.
template <class R, class... A>
class TypedFunc<R(A...)> {
 public:
  explicit TypedFunc(Func f) : func_(f) {}

  Expected<R> operator()(A... args) const {
    using Results = detail::ResultsOf<R>;
    constexpr size_t slots = std::max<size_t>({sizeof...(A), std::tuple_size_v<typename Results::Tuple>, 1});
    RawValue values[slots];
    detail::store(std::span<RawValue>(values, slots), std::tuple<A...>(args...));
    if (auto ok = func_.call_raw({values, slots}); !ok) return ok.error();
    if constexpr (std::is_void_v<R>) return {};
    else return Results::from_tuple(detail::load<typename Results::Tuple>({values, slots}));
  }

  const Func& func() const { return func_; }

 private:
  Func func_;
};

template <class Signature>
Expected<TypedFunc<Signature>> Func::typed() const {
  using Sig = detail::Signature<Signature*>;
  FuncType wanted{detail::types_of<typename Sig::Args>(),
                  detail::types_of<typename detail::ResultsOf<typename Sig::Result>::Tuple>()};
  if (auto ok = detail::check_signature(type(), wanted); !ok) return ok.error();
  return TypedFunc<Signature>(*this);
}

}  // namespace wasmrun
