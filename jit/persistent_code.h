// Code that outlives the process: the code cache and ahead-of-time artifacts, built on the two
// halves of the LLVM code generator — emitting relocatable objects, and linking objects into
// memory. Loading from either links the stored objects; no LLVM code generation runs.
#pragma once

#include <llvm/Support/MemoryBuffer.h>

#include <memory>
#include <optional>
#include <string>
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
  // The symbols a module's code image exports, in the order load_image expects them.
  virtual std::vector<std::string> image_symbols(const wasm::Module& module) = 0;
  // Code from a stored image (from `file` when given); `objects` (kept alive by `owner`) hold
  // the debug info read when a backtrace needs it.
  virtual Expected<std::unique_ptr<vm::CompiledCode>> load_image(const wasm::Module& module,
                                                                 const CodeImageView& image, const ImageFile* file,
                                                                 std::shared_ptr<const void> owner,
                                                                 std::vector<std::span<const uint8_t>> objects) = 0;
};

// The cache's code for `module`, linked; null when there is no usable entry.
std::unique_ptr<vm::CompiledCode> cached_code(ObjectPipeline& pipeline, CodeCache& cache, const wasm::Module& module,
                                              const vm::CompileOptions& options);
void store_code(ObjectPipeline& pipeline, CodeCache& cache, const wasm::Module& module,
                const vm::CompileOptions& options, const Objects& objects);

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
