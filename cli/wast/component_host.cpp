#include "cli/wast/component_host.h"

namespace wasmrun::cli {

void define_component_host(vm::ComponentLinker& linker) { (void)linker; }

}  // namespace wasmrun::cli
