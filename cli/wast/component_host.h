// The host items Wasmtime's `wast` runner offers component scripts (crates/wast: the "host"
// instance and friends), as far as the synchronous component model uses them, defined through
// the public component API as an embedder would.
#pragma once

#include "wasmrun/component/linker.h"

namespace wasmrun::cli {

Expected<void> define_component_host(component::Linker& linker, const Engine& engine);

}  // namespace wasmrun::cli
