// The synchronous call protocol (CanonicalABI.md `canon lift`, `canon lower`) as functions over
// an abstract call: the core callee, realloc and post-return are callbacks, linear memory is the
// options' view of it. Nothing here knows the VM.
#pragma once

#include <optional>
#include <span>

#include "canonical_abi/context.h"
#include "canonical_abi/function_ref.h"
#include "canonical_abi/values.h"

namespace wasmrun::canon {

// A core function: reads the flat arguments, writes the flat results (as many as its core
// signature has). A trap in it comes back as a Trap (kind CoreTrap).
using CoreCallee = FunctionRef<TrapOr<void>(std::span<const FlatValue> args, std::span<FlatValue> results)>;

// Receives a function's result once it is lifted, before the callee's post-return runs (the
// order of Task.return_ and post-return). Called exactly once per successful call, with
// nullopt for a function without result.
using ResultSink = FunctionRef<TrapOr<void>(std::optional<Val> result)>;

// `canon lift`: calls the core function `core` of instance `callee` from `caller` (null: the
// host) with component-level `args`. Traps when `callee` may not be called (may_call), lowers the
// arguments into the callee (flat, or through realloc into memory), calls `core`, lifts its
// result into `on_result`, checks that every borrow lent to the callee was dropped, then runs
// post-return. A trap leaves the entered instances locked down (may_enter stays false, as in
// the spec, where a trap never reaches leave_to), except a TypeMismatch of host values; borrows
// lent to the trapped call are removed either way.
TrapOr<void> canon_lift(const FuncAbi& abi, const CanonOptions& opts, Instance& callee, Instance* caller,
                        std::span<const Val> args, CoreCallee core, ResultSink on_result);

// The trap of calling a function lifted with the `async` option: its task needs the
// component-model-async runtime.
Trap async_lift_unsupported();

// The end of a lifted call, trapped or not: borrows of a trapped call removed, the entered
// instances left (or locked down after a trap). Shared by canon_lift and typed_canon_lift.
TrapOr<void> finish_call(Instance& callee, Instance* caller, CallScope* scope, TrapOr<void> outcome);
// Removes the borrows still lent to a trapped call, so no handle points at its finished scope.
void drop_scope_borrows(Instance& inst, CallScope* scope);

// The same for a caller that wants the result as a value.
TrapOr<std::optional<Val>> call_lifted(const FuncAbi& abi, const CanonOptions& opts, Instance& callee, Instance* caller,
                                       std::span<const Val> args, CoreCallee core);

// A component-level function as `canon lower` calls it: the lifted arguments (which it may move
// from), the sink for its result, and the instance calling it. A lifted function of another
// component implements this with canon_lift(..., caller, ...).
using ComponentCallee = FunctionRef<TrapOr<void>(std::span<Val> args, ResultSink on_result, Instance& caller)>;

// `canon lower`: core code of instance `caller` calls `callee` with `flat_args` (its core
// signature: abi.lower_core_params()); the result goes to `flat_results` (size
// abi.lower_core_results().size()) or to the return pointer that ends `flat_args`. Traps when
// the caller may not leave; borrows lifted from the caller's handles are lent until `callee`
// returns. `callee_is_host` selects Wasmtime's wording of host-side traps.
TrapOr<void> canon_lower(const FuncAbi& abi, const CanonOptions& opts, Instance& caller,
                         std::span<const FlatValue> flat_args, std::span<FlatValue> flat_results,
                         ComponentCallee callee, bool callee_is_host = false);

}  // namespace wasmrun::canon
