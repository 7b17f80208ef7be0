// The host items Wasmtime's `wast` runner offers component scripts (crates/wast: the "host"
// instance and friends), as far as the synchronous component model uses them, defined through
// the public component API as an embedder would.
#pragma once

#include <optional>

#include "wasmrun/component/linker.h"
#include "wasmrun/module.h"

namespace wasmrun::cli {

// `simple_module` is the host's core module, compiled on the first call and kept by the caller
// for the next scripts.
Expected<void> define_component_host(component::Linker& linker, const Engine& engine,
                                     std::optional<Module>& simple_module);

}  // namespace wasmrun::cli
