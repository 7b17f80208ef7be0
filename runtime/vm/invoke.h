// Calling a function from the host: arguments and results travel in 16-byte slots.
#pragma once

#include <span>

#include "runtime/vm/store.h"
#include "runtime/vm/trap.h"

namespace wasmrun::vm {

// `values` holds the arguments on entry and the results on return; it needs
// max(params, results) slots. A trap comes back as an Error carrying the Trap.
Expected<void> invoke(Store& store, FuncInstance* func, std::span<VMValue> values);

// The same, reporting the trap itself (for callers that need its code).
std::optional<Trap> invoke_catching(Store& store, FuncInstance* func, std::span<VMValue> values);

}  // namespace wasmrun::vm
