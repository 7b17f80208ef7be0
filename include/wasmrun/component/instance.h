// A component instance and its exported functions (Wasmtime's `component::Instance`, `Func`,
// `TypedFunc`). A call lowers the arguments into the guest, runs it, lifts the result and then
// runs the function's post-return, so the host never sees guest memory that post-return frees.
// An instance lives in the store it was instantiated in: use it while the store lives.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "canonical_abi/typed.h"
#include "wasmrun/component/trap.h"
#include "wasmrun/component/val.h"
#include "wasmrun/expected.h"

namespace wasmrun::vm {
struct ComponentFunc;
struct FuncInstance;
class Store;
}  // namespace wasmrun::vm

namespace wasmrun::component {

namespace detail {

struct InstanceState;  // keeps an instantiation's linker, frames and canonical-ABI instances alive

// What a call of a lifted function needs, resolved once.
struct LiftedFunc {
  const canon::FuncAbi* abi = nullptr;
  const canon::CanonOptions* options = nullptr;
  canon::Instance* instance = nullptr;
  vm::Store* store = nullptr;
  vm::FuncInstance* core = nullptr;
};

TrapOr<void> call_core(const LiftedFunc& f, std::span<const canon::FlatValue> args, std::span<canon::FlatValue> results);

template <class R>
Expected<R> to_expected(TrapOr<R> r) {
  if (!r) return Error::from_trap(r.take_trap());
  if constexpr (std::is_void_v<R>) {
    return {};
  } else {
    return r.take();
  }
}

}  // namespace detail

// An exported function, called with dynamic values.
class Func {
 public:
  // The arguments must have the function's parameter types (a mismatch traps with
  // TrapCode::TypeMismatch); the result, when the function has one. A trap is an Error of kind
  // ErrorKind::Trap (Error::trap: its code, message, frames), a guest's exit one of kind
  // ErrorKind::Exit (Error::exit_status).
  Expected<std::optional<Val>> call(std::span<const Val> args) const;

  // The component function type (its parameters' names and types, its result).
  const FuncType& type() const;

 private:
  friend class Instance;
  std::shared_ptr<detail::InstanceState> state_;
  std::shared_ptr<vm::ComponentFunc> func_;
};

template <class Signature>
class TypedFunc;

// An exported function called with C++ values (canonical_abi/typed.h maps the types), with no
// Val in between: Instance::get_typed_func checks the signature once.
template <class R, class... Args>
class TypedFunc<R(Args...)> {
 public:
  // The result, or an Error of kind ErrorKind::Trap (as Func::call).
  Expected<R> call(const Args&... args) const {
    auto core = [this](std::span<const canon::FlatValue> a, std::span<canon::FlatValue> r) {
      return detail::call_core(lifted_, a, r);
    };
    return detail::to_expected(canon::typed_canon_lift<R, Args...>(*lifted_.abi, *lifted_.options, *lifted_.instance,
                                                                   nullptr, core, args...));
  }
  Expected<R> operator()(const Args&... args) const { return call(args...); }

 private:
  friend class Instance;
  TypedFunc(Func f, detail::LiftedFunc lifted) : func_(std::move(f)), lifted_(lifted) {}
  Func func_;  // keeps the instance alive
  detail::LiftedFunc lifted_;
};

class Instance {
 public:
  // A function exported at the root (`run`), or by an exported instance (`handle` of
  // `wasi:http/incoming-handler@0.2.0`). Versioned instance names are looked up
  // semver-compatibly: asking for `@0.2.0` finds an export `@0.2.10`.
  std::optional<Func> get_func(std::string_view name) const;
  std::optional<Func> get_func(std::string_view instance, std::string_view name) const;

  // The function with its C++ signature checked against its component type.
  template <class Signature>
  Expected<TypedFunc<Signature>> get_typed_func(std::string_view name) const {
    return typed<Signature>(get_func(name), name);
  }
  template <class Signature>
  Expected<TypedFunc<Signature>> get_typed_func(std::string_view instance, std::string_view name) const {
    return typed<Signature>(get_func(instance, name), name);
  }

  // The export names at the root.
  std::vector<std::string> export_names() const;

 private:
  friend class InstancePre;
  friend class Linker;
  explicit Instance(std::shared_ptr<detail::InstanceState> state) : state_(std::move(state)) {}

  template <class Signature>
  static Expected<TypedFunc<Signature>> typed(std::optional<Func> f, std::string_view name) {
    if (!f) return Error{"no exported function `" + std::string(name) + "`"};
    if (!canon::signature_matches<Signature>(f->type())) {
      return Error{"exported function `" + std::string(name) + "` has another type than the C++ signature: " +
                   describe(f->type())};
    }
    auto lifted = lifted_of(*f);
    if (!lifted) return lifted.error();
    return TypedFunc<Signature>(std::move(*f), *lifted);
  }
  static Expected<detail::LiftedFunc> lifted_of(const Func& f);
  static std::string describe(const FuncType& t);

  std::shared_ptr<detail::InstanceState> state_;
};

// Drops an own handle the host received from a guest (a ResourceAny result): runs the
// resource's destructor in the guest that implements it.
Expected<void> resource_drop(const ResourceAny& resource);

}  // namespace wasmrun::component
