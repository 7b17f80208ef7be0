#include "canonical_abi/call.h"

#include <array>

namespace wasmrun::canon {

namespace {

// The parameters stored as a tuple at `ptr` (lower_flat_values with more than MAX_FLAT_PARAMS).
void store_params(Cx& cx, const FuncAbi& abi, std::span<const Val> args, uint32_t ptr) {
  for (size_t i = 0; i < args.size(); ++i) {
    const ValueType& t = *abi.type.params[i].type;
    ptr = align_to(ptr, alignment(t));
    store(cx, args[i], t, ptr);
    ptr += elem_size(t);
  }
}

void load_params(Cx& cx, const FuncAbi& abi, uint32_t ptr, std::vector<Val>& args) {
  for (const auto& p : abi.type.params) {
    ptr = align_to(ptr, alignment(*p.type));
    args.push_back(load(cx, ptr, *p.type));
    ptr += elem_size(*p.type);
  }
}

}  // namespace

Trap async_lift_unsupported() {
  return Trap{TrapCode::AsyncUnsupported,
              "calling an async-lifted function needs the component-model-async runtime (a task scheduler), which is not supported"};
}

TrapOr<void> finish_call(Instance& callee, Instance* caller, CallScope* scope, TrapOr<void> outcome) {
  if (!outcome) {
    drop_scope_borrows(callee, scope);
    callee.may_leave = true;
    // A trap leaves the instances the call entered locked down: the spec never runs leave_to
    // after a trap, so they cannot be entered again (Explainer, component invariant 1). A host
    // value of the wrong type is the host's error, not the guest's, and locks nothing.
    if (outcome.trap().code != TrapCode::TypeMismatch) return outcome;
  }
  set_entered(callee, caller, false);
  return outcome;
}

void drop_scope_borrows(Instance& inst, CallScope* scope) {
  std::vector<uint32_t> stale;
  inst.handles.for_each([&](uint32_t index, const ResourceHandle& h) {
    if (h.type && !h.own && h.borrow_scope == scope) stale.push_back(index);
  });
  for (uint32_t index : stale) inst.handles.remove(index);
}

TrapOr<void> canon_lift(const FuncAbi& abi, const CanonOptions& opts, Instance& callee, Instance* caller,
                        std::span<const Val> args, CoreCallee core, ResultSink on_result) {
  if (args.size() != abi.type.params.size()) {
    return Trap{TrapCode::TypeMismatch, "type mismatch: expected " + std::to_string(abi.type.params.size()) +
                                            " arguments, found " + std::to_string(args.size())};
  }
  if (!may_call(callee, caller)) return Trap{TrapCode::CannotEnter, "cannot enter component instance"};
  if (opts.async) return async_lift_unsupported();
  set_entered(callee, caller, true);
  ImplicitThread thread(callee, abi.type.async);
  CallScope scope;
  auto outcome = catch_trap([&] {
    Cx cx(opts, callee);
    cx.borrow_scope = &scope;
    cx.host_peer = caller == nullptr;

    std::array<FlatValue, kMaxFlatParams> flat_args;
    FlatWriter writer{flat_args};
    if (abi.params_in_memory) {
      uint32_t ptr = cx.allocate(abi.params_align, abi.params_size, Cx::What::Value);
      store_params(cx, abi, args, ptr);
      writer.push(ptr);
    } else {
      for (size_t i = 0; i < args.size(); ++i) lower_flat(cx, args[i], *abi.type.params[i].type, writer);
    }

    std::array<FlatValue, kMaxFlatResults> flat_results{};
    size_t result_count = abi.result_in_memory ? 1 : abi.flat_result.size();
    TrapOr<void> called = core(std::span<const FlatValue>(flat_args.data(), writer.count),
                               std::span<FlatValue>(flat_results.data(), result_count));
    if (!called) raise(called.take_trap());

    std::optional<Val> result;
    if (abi.type.result) {
      cx.refresh_memory();  // the callee may have grown memory
      if (abi.result_in_memory) {
        uint32_t ptr = uint32_t(flat_results[0]);
        cx.check_pointer(ptr, abi.result_align, abi.result_size, Cx::What::Value);
        result = load(cx, ptr, *abi.type.result);
      } else {
        FlatReader reader{std::span<const FlatValue>(flat_results.data(), result_count)};
        result = lift_flat(cx, reader, *abi.type.result);
      }
    }
    if (scope.num_borrows > 0) raise(TrapCode::BorrowsRemain, "borrow handles still remain at the end of the call");
    TrapOr<void> delivered = on_result(std::move(result));
    if (!delivered) raise(delivered.take_trap());

    if (opts.post_return) {
      callee.may_leave = false;
      TrapOr<void> post = opts.post_return(std::span<const FlatValue>(flat_results.data(), result_count));
      callee.may_leave = true;
      if (!post) raise(post.take_trap());
    }
  });
  return finish_call(callee, caller, &scope, std::move(outcome));
}

TrapOr<std::optional<Val>> call_lifted(const FuncAbi& abi, const CanonOptions& opts, Instance& callee,
                                       Instance* caller, std::span<const Val> args, CoreCallee core) {
  std::optional<Val> result;
  auto sink = [&](std::optional<Val> r) -> TrapOr<void> {
    result = std::move(r);
    return {};
  };
  TrapOr<void> done = canon_lift(abi, opts, callee, caller, args, core, sink);
  if (!done) return done.take_trap();
  return result;
}

TrapOr<void> canon_lower(const FuncAbi& abi, const CanonOptions& opts, Instance& caller,
                         std::span<const FlatValue> flat_args, std::span<FlatValue> flat_results,
                         ComponentCallee callee, bool callee_is_host) {
  if (!caller.may_leave) return Trap{TrapCode::CannotLeave, "cannot leave component instance"};
  if (flat_args.size() != abi.lower_param_count() || flat_results.size() < abi.lower_result_count()) {
    return Trap{TrapCode::TypeMismatch, "type mismatch: flat values do not fit the lowered signature"};
  }
  std::vector<uint32_t> lenders;
  auto outcome = catch_trap([&] {
    Cx cx(opts, caller);
    cx.lenders = &lenders;
    cx.host_peer = callee_is_host;

    FlatReader reader{flat_args};
    std::vector<Val> args;
    args.reserve(abi.type.params.size());
    if (abi.params_in_memory) {
      uint32_t ptr = uint32_t(reader.next());
      cx.check_pointer(ptr, abi.params_align, abi.params_size, Cx::What::Value);
      load_params(cx, abi, ptr, args);
    } else {
      for (const auto& p : abi.type.params) args.push_back(lift_flat(cx, reader, *p.type));
    }

    bool resolved = false;
    auto sink = [&](std::optional<Val> result) -> TrapOr<void> {
      return catch_trap([&] {
        resolved = true;
        if (!abi.type.result) return;
        if (!result) raise(TrapCode::TypeMismatch, "type mismatch: the callee returned no result");
        cx.refresh_memory();
        if (abi.result_in_memory) {
          uint32_t ptr = uint32_t(reader.next());
          cx.check_pointer(ptr, abi.result_align, abi.result_size, Cx::What::Value);
          store(cx, *result, *abi.type.result, ptr);
        } else {
          FlatWriter writer{flat_results};
          lower_flat(cx, *result, *abi.type.result, writer);
        }
      });
    };
    TrapOr<void> called = callee(args, sink, caller);
    if (!called) raise(called.take_trap());
    if (!resolved) raise(TrapCode::TypeMismatch, "the callee returned without a result");
  });
  // The call is over: the handles lent to it may be moved or dropped again (deliver_resolve).
  // A lent handle cannot be removed while lent, so each index is still live.
  for (uint32_t index : lenders) {
    (void)catch_trap([&] { --caller.handles.get(index).num_lends; });
  }
  return outcome;
}

}  // namespace wasmrun::canon
