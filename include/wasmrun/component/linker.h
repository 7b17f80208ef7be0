// The host side of a component's imports (Wasmtime's `component::Linker`): host functions and
// resource types, at the root or in named instances, that satisfy the imports of the components
// instantiated with it.
//
//   wasmrun::component::Linker linker(engine);
//   auto streams = linker.instance("wasi:io/streams@0.2.12");
//   streams.resource<OutputStream>("output-stream", [&](Resource<OutputStream> r) { table.remove(r); });
//   streams.func_wrap("[method]output-stream.blocking-write-and-flush",
//                     [&](Borrow<OutputStream> self, std::vector<uint8_t> bytes) -> Result<std::monostate, StreamError> {...});
//   auto pre = linker.instantiate_pre(component).take();  // imports resolved once
//   auto instance = pre.instantiate(store).take();        // then cheap, any number of times
//
// Host functions belong to no store; one that takes `Store&` as its first parameter is given the
// store of the instance calling it (and so that store's data). Their C++ parameter and result types map to component types
// at compile time (include/wasmrun/component/types.h lists the mapping; records, variants, enums
// and flags through a canon::ComponentTraits specialisation); the mapping is checked against the
// component's import type when a component is linked, and values are lowered straight from and to
// guest memory. A host function may return TrapOr<R> or Expected<R> to trap (an Error that is a
// guest's exit, Error::exit_status, ends the calling guest as an exit).
//
// Imports are matched by name; a versioned interface name also matches semver-compatibly, as in
// Wasmtime: an instance defined as `wasi:io/streams@0.2.12` satisfies an import of
// `wasi:io/streams@0.2.0` ... `@0.2.12`.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include "wasmrun/component/component.h"
#include "wasmrun/component/instance.h"
#include "wasmrun/store.h"

namespace wasmrun {
class Module;            // wasmrun/module.h
class PoolingAllocator;  // wasmrun/instance_pre.h
}

namespace wasmrun::component {

// A host function over dynamic values: the arguments, and the result when the function has one.
using HostFunction = std::function<TrapOr<std::optional<Val>>(std::span<const Val> args)>;

namespace detail {

struct LinkerNode;
struct Resolved;
struct HostResources;  // a linker's resource types, by the C++ type they stand for

// A host function before the component type it is imported as is known.
struct HostFunc {
  bool (*matches)(const FuncType&) = nullptr;  // typed: whether the C++ signature is that type
  std::function<TrapOr<void>(const canon::FuncAbi&, const canon::CanonOptions&, canon::Instance& caller,
                             std::span<const canon::FlatValue> args, std::span<canon::FlatValue> results)>
      lowered;
  HostFunction dynamic;
};

template <class T>
struct ParamOf {
  using type = std::remove_cvref_t<T>;
};
template <>
struct ParamOf<std::string_view> {  // lifted as a std::string, viewed by the callable
  using type = std::string;
};

template <class T>
struct ResultOf {
  using type = T;
};
template <class T>
struct ResultOf<TrapOr<T>> {
  using type = T;
};
template <class T>
struct ResultOf<Expected<T>> {
  using type = T;
};

template <class T>
inline constexpr bool kIsExpected = false;
template <class T>
inline constexpr bool kIsExpected<Expected<T>> = true;

// An Error of a host function as the trap it raises; a guest's exit (Error::exit_status) stays one.
inline Trap host_trap(const Error& e) { return e.trap ? *e.trap : Trap{TrapCode::HostError, e.message}; }

// A callable returning Expected<R>, as core host functions do, made one returning TrapOr<R>.
template <class F>
auto trapping(F f) {
  return [f = std::move(f)](auto&&... args) mutable -> decltype(auto) {
    using Returned = decltype(f(std::forward<decltype(args)>(args)...));
    if constexpr (kIsExpected<Returned>) {
      using V = typename ResultOf<Returned>::type;
      Returned r = f(std::forward<decltype(args)>(args)...);
      if (!r) return TrapOr<V>(host_trap(r.error()));
      if constexpr (std::is_void_v<V>) {
        return TrapOr<V>();
      } else {
        return TrapOr<V>(r.take());
      }
    } else {
      return f(std::forward<decltype(args)>(args)...);
    }
  };
}

// The component signature of a callable: R(Args...) with TrapOr<R> unwrapped, the parameters by
// value, and a leading `Store&` (the caller's store, not a component value) left out.
template <class F>
struct SignatureOf : SignatureOf<decltype(&std::remove_cvref_t<F>::operator())> {};
template <class R, class... A>
struct SignatureOf<R (*)(A...)> {
  using type = typename ResultOf<R>::type(typename ParamOf<A>::type...);
};
template <class R, class... A>
struct SignatureOf<R (*)(Store&, A...)> {
  using type = typename ResultOf<R>::type(typename ParamOf<A>::type...);
};
template <class C, class R, class... A>
struct SignatureOf<R (C::*)(A...)> : SignatureOf<R (*)(A...)> {};
template <class C, class R, class... A>
struct SignatureOf<R (C::*)(A...) const> : SignatureOf<R (*)(A...)> {};

// Whether a host callable for `Signature` takes the caller's store first.
template <class F, class Signature>
struct TakesStore;
template <class F, class R, class... A>
struct TakesStore<F, R(A...)> : std::bool_constant<std::is_invocable_v<F&, Store&, A...>> {};

// The store a calling component instance lives in (null when it has none).
Store* store_of(const canon::Instance& caller);

}  // namespace detail

class LinkerInstance {
 public:
  // A host function with the component signature `Signature` (what bindings generated from WIT
  // use), or the callable's own signature.
  template <class Signature, class F>
  Expected<void> func_wrap(std::string name, F f) {
    detail::HostFunc h;
    h.matches = &canon::signature_matches<Signature>;
    h.lowered = [f = detail::trapping(std::move(f))](const canon::FuncAbi& abi, const canon::CanonOptions& opts, canon::Instance& caller,
                                   std::span<const canon::FlatValue> args,
                                   std::span<canon::FlatValue> results) mutable -> TrapOr<void> {
      if constexpr (detail::TakesStore<F, Signature>::value) {
        Store* store = detail::store_of(caller);
        if (!store) return Trap{TrapCode::HostError, "the host function takes a store, and its caller has none"};
        auto with_store = [&](auto&&... a) -> decltype(auto) { return f(*store, std::forward<decltype(a)>(a)...); };
        return canon::TypedLower<Signature>::call(abi, opts, caller, args, results, with_store);
      } else {
        return canon::TypedLower<Signature>::call(abi, opts, caller, args, results, f);
      }
    };
    return define_func(std::move(name), std::move(h));
  }
  template <class F>
  Expected<void> func_wrap(std::string name, F f) {
    return func_wrap<typename detail::SignatureOf<F>::type>(std::move(name), std::move(f));
  }

  // A host function of any type, over Vals (Wasmtime's func_new).
  Expected<void> func_new(std::string name, HostFunction f);

  // A host resource type named `name` standing for the C++ type T: Resource<T> and Borrow<T> in
  // host signatures are handles of it. `dtor`, called with the representation when a guest drops
  // an own handle, is a callable taking Resource<T> and returning void or TrapOr<void>. As
  // Wasmtime's ResourceType::host::<T>(), the C++ type is the resource type: defining T again on
  // the same linker (under another name, or in another instance) defines the same resource type,
  // whose destructor stays the first definition's.
  template <class T, class Dtor>
  Expected<void> resource(std::string name, Dtor dtor) {
    return define_resource(std::move(name), &kResourceTag<T>, [dtor = std::move(dtor)](uint32_t rep) mutable -> TrapOr<void> {
      if constexpr (std::is_void_v<std::invoke_result_t<Dtor&, Resource<T>>>) {
        dtor(Resource<T>{rep});
        return {};
      } else {
        return dtor(Resource<T>{rep});
      }
    });
  }
  template <class T>
  Expected<void> resource(std::string name) {
    return define_resource(std::move(name), &kResourceTag<T>, nullptr);
  }

  // A core module, for components that import one (`(import "m" (core module ...))`); the
  // instantiation checks its imports and exports against the import's module type.
  Expected<void> module(std::string name, const wasmrun::Module& module);

  // The nested instance `name`, created on first use (a function or resource defined under the
  // same name before is replaced by it).
  LinkerInstance instance(std::string name);

 private:
  friend class Linker;
  template <class T>
  static inline char kResourceTag = 0;  // its address names T (not const: constants may share one)

  LinkerInstance(detail::LinkerNode* node, detail::HostResources* resources) : node_(node), resources_(resources) {}
  Expected<void> define_func(std::string name, detail::HostFunc f);
  Expected<void> define_resource(std::string name, const void* cpp_type, std::function<TrapOr<void>(uint32_t rep)> dtor);

  detail::LinkerNode* node_;
  detail::HostResources* resources_;
};

// A component with its imports resolved against a linker, once; instantiate() then only creates
// the instance (Wasmtime's InstancePre).
class InstancePre {
 public:
  Expected<Instance> instantiate(Store& store) const;
  const wasmrun::Component& component() const;

 private:
  friend class Linker;
  explicit InstancePre(std::shared_ptr<const detail::Resolved> r) : resolved_(std::move(r)) {}
  std::shared_ptr<const detail::Resolved> resolved_;
};

class Linker {
 public:
  explicit Linker(const Engine& engine);
  ~Linker();
  Linker(Linker&&) noexcept;
  Linker& operator=(Linker&&) noexcept;

  LinkerInstance root();
  // root().instance(name)
  LinkerInstance instance(std::string name) { return root().instance(std::move(name)); }

  // Defines `name` at the root as the exports of a component instance, replacing what `name`
  // named before (as Wasmtime's `wast` runner registers instances, with shadowing allowed): a
  // component importing `name` gets its functions, resource types, instances and modules, checked
  // against the import's type. They live in the instance's store, so a component linked with
  // them must be instantiated in that store.
  Expected<void> define_instance(std::string name, const Instance& instance);

  // Defines each function the component imports and the linker lacks as one that traps with
  // "unknown import: `NAME` has not been defined", and each such resource type as a host resource
  // without destructor (Wasmtime's define_unknown_imports_as_traps).
  Expected<void> define_unknown_imports_as_traps(const wasmrun::Component& component);

  // Resolves every import of the component: a missing import, or one whose type differs from
  // what the linker defines, is an error naming it. Each core module of the component gets an
  // instance template once (memory images, lazy tables), so instantiate() costs microseconds;
  // with `pool`, core instances take its slots (every slot in use: is_pool_exhausted).
  Expected<InstancePre> instantiate_pre(const wasmrun::Component& component,
                                        const PoolingAllocator* pool = nullptr) const;
  Expected<Instance> instantiate(Store& store, const wasmrun::Component& component) const;

 private:
  Expected<detail::Resolved> resolve(const wasmrun::Component& component) const;

  Engine engine_;
  std::unique_ptr<detail::LinkerNode> root_;
  std::unique_ptr<detail::HostResources> resources_;
};

}  // namespace wasmrun::component
