// The LLVM ORC code generator behind vm::CodeGenerator (DESIGN §5): wasm functions are split into
// chunks translated, optimized and compiled to objects in parallel, then linked by ORC into one
// JITDylib per module, which is removed again when the module's code is freed.
#pragma once

#include <memory>

#include "jit/code_cache.h"
#include "runtime/vm/compiled_code.h"

namespace wasmrun::jit {

// With `cache`, compiled code is kept in and loaded from that on-disk code cache.
Expected<std::unique_ptr<vm::CodeGenerator>> create_llvm_code_generator(std::shared_ptr<CodeCache> cache = nullptr);

}  // namespace wasmrun::jit
