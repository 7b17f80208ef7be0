// perf(1) symbol maps for JIT code: with WASMRUN_PERF_MAP=1 every compiled function is appended
// to /tmp/perf-<pid>.map ("address size name"), so `perf report` names wasm functions (by their
// name-section names where the module has them).
#pragma once

#include <llvm/Support/MemoryBuffer.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/vm/code_registry.h"

namespace wasmrun::jit {

bool perf_map_enabled();

// Symbol sizes in relocatable objects, read before the objects are handed to the linker.
std::map<std::string, uint64_t> symbol_sizes(const std::vector<std::unique_ptr<llvm::MemoryBuffer>>& objects);

void append_to_perf_map(const std::vector<vm::CodeRange>& ranges);

}  // namespace wasmrun::jit
