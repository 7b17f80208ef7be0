// `wasmrun run --invoke 'NAME(ARGS)' COMPONENT`: calls one export of a component with arguments
// written in WAVE (cli/wave/) and prints its result in WAVE, as `wasmtime run --invoke` does.
// NAME is `func` (a root export, or else the one exported instance's function of that name),
// `iface.func` or `ns:pkg/iface.func@1.2.3` (versions matched semver-compatibly).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmrun/component/instance.h"
#include "wasmrun/component/val.h"
#include "wasmrun/expected.h"

namespace wasmrun::cli {

struct InvokeCall {
  std::string instance;  // the exported instance holding the function; empty at the root
  std::string func;
  std::vector<component::Val> args;
};

// Parses the call, finds the function in the component's type and reads the arguments as its
// parameter types, before anything is instantiated (as Wasmtime does). Errors read as wasmtime's:
// "failed to parse invoke '...': ...", "no exported func named `f` in component", ...
Expected<InvokeCall> prepare_invoke(std::span<const uint8_t> component_bytes, std::string_view invoke);

// Calls it; the result (none for a function without one), or the call's error (a trap or exit).
Expected<std::optional<component::Val>> call_invoke(const component::Instance& instance, const InvokeCall& call);

}  // namespace wasmrun::cli
