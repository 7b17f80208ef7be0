#include "runtime/vm/invoke.h"

#include <exception>
#include <string>

#include "runtime/vm/instance.h"

namespace wasmrun::vm {

namespace {

struct EntryCall {
  EntryTrampoline trampoline;
  void* code;
  VMContext* callee;
  VMValue* values;
};

// JIT code carries no UBSan function-type prefix, so -fsanitize=function must not check this call.
__attribute__((no_sanitize("function"))) void enter(void* p) {
  auto* call = static_cast<EntryCall*>(p);
  call->trampoline(call->code, call->callee, nullptr, call->values);
}

// A host function called by the host runs in `store` — the one it is called in, which for a
// function made by an InstancePre is not the one that made it.
std::optional<Trap> call_host(Store& store, FuncInstance* func, std::span<VMValue> values) {
  Caller caller{store, nullptr, std::nullopt};
  std::string error;
  try {
    Expected<void> result = func->host(caller, values);
    if (!result) error = result.error().message;
  } catch (const std::exception& e) {
    error = std::string("host function threw: ") + e.what();
  } catch (...) {
    error = "host function threw an exception";
  }
  if (caller.exit_status)
    return Trap{TrapCode::Exit, "exit with status " + std::to_string(*caller.exit_status), {}, *caller.exit_status};
  if (!error.empty()) return Trap{TrapCode::HostError, std::move(error), {}, 0};
  return std::nullopt;
}

}  // namespace

std::optional<Trap> invoke_catching(Store& store, FuncInstance* func, std::span<VMValue> values) {
  if (func->host) return call_host(store, func, values);
  EntryTrampoline trampoline = func->entry;
  if (!trampoline && func->owner) {
    // Defined functions use their module's trampoline for the function's own type index.
    const CompiledModule& m = *func->owner->module;
    for (size_t i = 0; i < m.sig_ids.size(); ++i)
      if (m.sig_ids[i] == func->ref.sig) {
        trampoline = m.code->entry_trampolines[i];
        break;
      }
  }
  if (!trampoline) {
    auto t = store.engine().entry_trampoline(func->ref.sig);
    if (!t) return Trap{TrapCode::HostError, t.error().message, {}, 0};
    trampoline = *t;
  }
  // Both kinds live as long as the function (its module's code, the engine): kept for the next call.
  func->entry = trampoline;
  EntryCall call{trampoline, func->ref.code, func->ref.vmctx, values.data()};
  return call_with_trap_handler(store.context(), store.engine().config().max_wasm_stack, enter, &call);
}

Expected<void> invoke(Store& store, FuncInstance* func, std::span<VMValue> values) {
  if (auto trap = invoke_catching(store, func, values)) return Error::from_trap(std::move(*trap));
  return {};
}

}  // namespace wasmrun::vm
