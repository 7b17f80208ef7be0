// The `spectest` host module the spec scripts import (see the spec interpreter's README):
// print functions, four globals, a table and a memory.
#pragma once

#include <map>
#include <string>

#include "runtime/vm/store.h"

namespace wasmrun::cli {

using ExportMap = std::map<std::string, vm::Extern, std::less<>>;

Expected<ExportMap> create_spectest(vm::Store& store);

}  // namespace wasmrun::cli
