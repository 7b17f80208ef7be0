// Error contexts across the canonical ABI (CanonicalABI.md lift_error_context,
// lower_error_context) and their built-ins (`canon error-context.new`, `error-context.debug-message`,
// `error-context.drop`). An error context lives in the instance's one handle table, beside
// resource handles; every handle to it shares the immutable debug message.
#pragma once

#include "canonical_abi/context.h"
#include "wasmrun/component/val.h"

namespace wasmrun::canon {

// Raise TrapError; used by lifting and lowering. Lifting leaves the handle in place (error
// contexts are immutable and may be passed on again); lowering adds a new handle.
component::ErrorContextAny lift_error_context(Cx& cx, uint32_t index);
uint32_t lower_error_context(Cx& cx, const component::ErrorContextAny& e);

// The built-ins, called by core code of `inst`; `opts` are the built-in's canonical options.
// new: the message is the string at (ptr, tagged_code_units) in the options' encoding.
TrapOr<uint32_t> error_context_new(Instance& inst, const CanonOptions& opts, uint32_t ptr, uint32_t tagged_code_units);
// debug-message: stores the message as a string (pointer, length) at `ptr`, allocated with realloc.
TrapOr<void> error_context_debug_message(Instance& inst, const CanonOptions& opts, uint32_t index, uint32_t ptr);
TrapOr<void> error_context_drop(Instance& inst, uint32_t index);

}  // namespace wasmrun::canon
