// Code that outlives the process: the code cache and ahead-of-time artifacts, built on the two
// halves of the LLVM code generator — emitting relocatable objects, and linking objects into
// memory. Loading from either links the stored objects; no LLVM code generation runs.
#pragma once

#include <llvm/Support/MemoryBuffer.h>

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "jit/code_cache.h"
#include "runtime/vm/compiled_code.h"

namespace wasmrun::jit {

using Objects = std::vector<std::unique_ptr<llvm::MemoryBuffer>>;

class ObjectPipeline {
 public:
  virtual ~ObjectPipeline() = default;
  virtual Expected<Objects> emit_objects(const wasm::Module& module, const vm::CompileOptions& options) = 0;
  virtual Expected<std::unique_ptr<vm::CompiledCode>> link_objects(const wasm::Module& module, Objects objects) = 0;
  virtual const CodeIdentity& identity() const = 0;
};

// compile() with a cache: link the cached objects if an entry is usable, else emit, store, link.
Expected<std::unique_ptr<vm::CompiledCode>> compile_through_cache(ObjectPipeline& pipeline, CodeCache& cache,
                                                                  const wasm::Module& module,
                                                                  const vm::CompileOptions& options);

std::optional<vm::LoadedCode> load_cached(ObjectPipeline& pipeline, CodeCache& cache, std::span<const uint8_t> bytes,
                                          const vm::CompileOptions& options);

Expected<std::vector<uint8_t>> serialize(ObjectPipeline& pipeline, const wasm::Module& module,
                                         const vm::CompileOptions& options);

Expected<vm::LoadedCode> deserialize(ObjectPipeline& pipeline, std::span<const uint8_t> artifact,
                                     const vm::CompileOptions& options);

}  // namespace wasmrun::jit
