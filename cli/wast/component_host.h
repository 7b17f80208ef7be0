// The host items Wasmtime's `wast` runner offers component scripts (crates/wast: the "host"
// instance and friends), as far as the synchronous component model uses them.
#pragma once

#include "runtime/vm/component_instance.h"

namespace wasmrun::cli {

void define_component_host(vm::ComponentLinker& linker);

}  // namespace wasmrun::cli
