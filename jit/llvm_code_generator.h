// The LLVM ORC code generator behind vm::CodeGenerator (DESIGN §5): wasm functions are split into
// chunks translated, optimized and compiled to objects in parallel, then linked by ORC into one
// JITDylib per module, which is removed again when the module's code is freed.
#pragma once

#include <memory>

#include "runtime/vm/compiled_code.h"

namespace wasmrun::jit {

Expected<std::unique_ptr<vm::CodeGenerator>> create_llvm_code_generator();

}  // namespace wasmrun::jit
