// Typed calls: a C++ signature checked against a component function type, `canon lift` from
// C++ arguments to a C++ result, and `canon lower` into a C++ callable, on the protocol of
// call.h with no Val in between.
#pragma once

#include "canonical_abi/typed_values.h"

namespace wasmrun::canon {

template <class Signature>
struct TypedSignature;

// Whether a C++ signature R(Args...) is the component function type `f` (void: no result).
template <class R, class... Args>
struct TypedSignature<R(Args...)> {
  static bool matches(const FuncType& f) {
    if (f.params.size() != sizeof...(Args)) return false;
    bool params = [&]<size_t... I>(std::index_sequence<I...>) {
      return (Traits<Args>::matches(*f.params[I].type) && ...);
    }(std::index_sequence_for<Args...>());
    if (!params) return false;
    if constexpr (std::is_void_v<R>) {
      return f.result == nullptr;
    } else {
      return f.result && Traits<R>::matches(*f.result);
    }
  }
};

template <class Signature>
bool signature_matches(const FuncType& f) {
  return TypedSignature<Signature>::matches(f);
}

namespace typed_detail {

template <class T>
struct Unwrap {
  using type = T;
};
template <class T>
struct Unwrap<TrapOr<T>> {
  using type = T;
};

}  // namespace typed_detail

// `canon lift` from C++: calls core function `core` of `callee` with C++ arguments and returns
// the result as R (void: none); the protocol of canon_lift. R must own its data (std::string,
// not std::string_view): post-return may free the guest's copy.
template <class R, class... Args>
TrapOr<R> typed_canon_lift(const FuncAbi& abi, const CanonOptions& opts, Instance& callee, Instance* caller,
                           CoreCallee core, const Args&... args) {
  if (!may_call(callee, caller)) return Trap{TrapCode::CannotEnter, "cannot enter component instance"};
  if (opts.async) return async_lift_unsupported();
  set_entered(callee, caller, true);
  ImplicitThread thread(callee, abi.type.async);
  CallScope scope;
  auto outcome = catch_trap([&]() -> std::conditional_t<std::is_void_v<R>, void, R> {
    Cx cx(opts, callee);
    cx.borrow_scope = &scope;
    cx.host_peer = caller == nullptr;
    const auto& params = abi.type.params;

    std::array<FlatValue, kMaxFlatParams> flat_args;
    FlatWriter writer{flat_args};
    if (abi.params_in_memory) {
      uint32_t base = cx.allocate(abi.params_align, abi.params_size, Cx::What::Value);
      uint32_t ptr = base;
      [&]<size_t... I>(std::index_sequence<I...>) {
        ((ptr = align_to(ptr, alignment(*params[I].type)), Traits<Args>::store(cx, *params[I].type, args, ptr),
          ptr += elem_size(*params[I].type)),
         ...);
      }(std::index_sequence_for<Args...>());
      writer.push(base);
    } else {
      [&]<size_t... I>(std::index_sequence<I...>) {
        (Traits<Args>::lower_flat(cx, *params[I].type, args, writer), ...);
      }(std::index_sequence_for<Args...>());
    }

    std::array<FlatValue, kMaxFlatResults> flat_results{};
    size_t result_count = abi.result_in_memory ? 1 : abi.flat_result.size();
    std::span<const FlatValue> results(flat_results.data(), result_count);
    TrapOr<void> called = core(std::span<const FlatValue>(flat_args.data(), writer.count),
                               std::span<FlatValue>(flat_results.data(), result_count));
    if (!called) raise(called.take_trap());
    auto finish = [&] {
      if (scope.num_borrows > 0) raise(TrapCode::BorrowsRemain, "borrow handles still remain at the end of the call");
      if (opts.post_return) {
        callee.may_leave = false;
        TrapOr<void> post = opts.post_return(results);
        callee.may_leave = true;
        if (!post) raise(post.take_trap());
      }
    };
    if constexpr (std::is_void_v<R>) {
      finish();
    } else {
      cx.refresh_memory();
      R result = [&] {
        if (abi.result_in_memory) {
          uint32_t ptr = uint32_t(flat_results[0]);
          cx.check_pointer(ptr, abi.result_align, abi.result_size, Cx::What::Value);
          return Traits<R>::load(cx, *abi.type.result, ptr);
        }
        FlatReader reader{results};
        return Traits<R>::lift_flat(cx, *abi.type.result, reader);
      }();
      finish();
      return result;
    }
  });
  if constexpr (std::is_void_v<R>) {
    return finish_call(callee, caller, &scope, std::move(outcome));
  } else {
    if (outcome) {
      (void)finish_call(callee, caller, &scope, {});
      return outcome;
    }
    return finish_call(callee, caller, &scope, outcome.take_trap()).take_trap();
  }
}

// `canon lower` into C++: core code of `caller` calls `f`, a callable taking Args and returning
// R or TrapOr<R>, bound to the component type of `abi` (check signature_matches first).
template <class Signature>
struct TypedLower;

template <class R, class... Args>
struct TypedLower<R(Args...)> {
  template <class F>
  static TrapOr<void> call(const FuncAbi& abi, const CanonOptions& opts, Instance& caller,
                           std::span<const FlatValue> flat_args, std::span<FlatValue> flat_results, F&& f,
                           bool callee_is_host = true) {
    if (!caller.may_leave) return Trap{TrapCode::CannotLeave, "cannot leave component instance"};
    if (flat_args.size() != abi.lower_param_count() || flat_results.size() < abi.lower_result_count()) {
      return Trap{TrapCode::TypeMismatch, "type mismatch: flat values do not fit the lowered signature"};
    }
    std::vector<uint32_t> lenders;
    auto outcome = catch_trap([&] {
      Cx cx(opts, caller);
      cx.lenders = &lenders;
      cx.host_peer = callee_is_host;
      const auto& params = abi.type.params;
      FlatReader reader{flat_args};
      using Tuple = std::tuple<std::remove_cvref_t<Args>...>;
      Tuple args = [&] {
        if (abi.params_in_memory) {
          uint32_t ptr = uint32_t(reader.next());
          cx.check_pointer(ptr, abi.params_align, abi.params_size, Cx::What::Value);
          return Traits<Tuple>::load(cx, abi.params_tuple, ptr);
        }
        return [&]<size_t... I>(std::index_sequence<I...>) {
          return Tuple{Traits<Args>::lift_flat(cx, *params[I].type, reader)...};
        }(std::index_sequence_for<Args...>());
      }();
      auto invoke = [&]() -> decltype(auto) { return std::apply(f, std::move(args)); };
      using Returned = decltype(invoke());
      using Value = typename typed_detail::Unwrap<Returned>::type;
      if constexpr (std::is_void_v<Returned>) {
        invoke();
      } else if constexpr (std::is_same_v<Returned, TrapOr<Value>>) {
        Returned r = invoke();
        if (!r) raise(r.take_trap());
        if constexpr (!std::is_void_v<Value>) lower_result(cx, abi, reader, flat_results, *r);
      } else {
        lower_result(cx, abi, reader, flat_results, invoke());
      }
    });
    for (uint32_t index : lenders) {
      (void)catch_trap([&] { --caller.handles.get(index).num_lends; });
    }
    return outcome;
  }

 private:
  template <class V>
  static void lower_result(Cx& cx, const FuncAbi& abi, FlatReader& reader, std::span<FlatValue> flat_results,
                           const V& value) {
    cx.refresh_memory();
    if (abi.result_in_memory) {
      uint32_t ptr = uint32_t(reader.next());
      cx.check_pointer(ptr, abi.result_align, abi.result_size, Cx::What::Value);
      Traits<R>::store(cx, *abi.type.result, value, ptr);
    } else {
      FlatWriter writer{flat_results};
      Traits<R>::lower_flat(cx, *abi.type.result, value, writer);
    }
  }
};

}  // namespace wasmrun::canon
