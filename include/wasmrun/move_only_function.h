// A callable wrapper that, unlike std::function, accepts move-only callables (a lambda owning a
// std::unique_ptr, for instance). C++23's std::move_only_function does this job, but wasmrun's
// public headers are C++20 and libstdc++ 12 offers it only under -std=c++23; this is the small
// subset the API needs.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace wasmrun {

template <class Signature>
class MoveOnlyFunction;

template <class R, class... A>
class MoveOnlyFunction<R(A...)> {
 public:
  MoveOnlyFunction() = default;
  MoveOnlyFunction(std::nullptr_t) {}

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, MoveOnlyFunction> && std::is_invocable_r_v<R, D&, A...>>>
  MoveOnlyFunction(F&& f) : callable_(std::make_unique<Holder<D>>(std::forward<F>(f))) {}

  MoveOnlyFunction(MoveOnlyFunction&&) noexcept = default;
  MoveOnlyFunction& operator=(MoveOnlyFunction&&) noexcept = default;

  explicit operator bool() const { return callable_ != nullptr; }

  // Calls the callable, which must be set.
  R operator()(A... args) { return callable_->call(std::forward<A>(args)...); }

 private:
  struct Callable {
    virtual ~Callable() = default;
    virtual R call(A... args) = 0;
  };
  template <class F>
  struct Holder final : Callable {
    template <class G>
    explicit Holder(G&& g) : f(std::forward<G>(g)) {}
    R call(A... args) override { return std::invoke(f, std::forward<A>(args)...); }
    F f;
  };
  std::unique_ptr<Callable> callable_;
};

}  // namespace wasmrun
