// Wasm frames through inlining (issue 16.4; Wasmtime keeps inlined frames the same way). Every
// wasm function gets a DISubprogram named "f<index>" and every instruction a DILocation whose line
// is the instruction's byte offset in the module. LLVM's inliner keeps the callee's locations and
// chains them to the call site (inlinedAt), and the object's DWARF then maps each machine pc to
// the wasm functions inlined there, innermost first, each with its offset.
#pragma once

#include <llvm/IR/DIBuilder.h>
#include <llvm/Support/MemoryBuffer.h>

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "runtime/vm/code_registry.h"
#include "runtime/wasm/module.h"

namespace wasmrun::jit {

// The debug-info side of one LLVM module being translated.
class DebugLocations {
 public:
  explicit DebugLocations(llvm::Module& module);
  // The subprogram of wasm function `func_index`, attached to `fn`.
  llvm::DISubprogram* attach(llvm::Function& fn, uint32_t func_index);
  static llvm::DILocation* at(llvm::DISubprogram* sp, uint32_t module_offset);
  // Completes the module's debug info; call once every function is translated.
  void finish() { builder_.finalize(); }

 private:
  llvm::DIBuilder builder_;
  llvm::DIFile* file_;
  llvm::DISubroutineType* type_;
};

// Reads the DWARF of a module's linked objects to expand pcs into inlined frames. `objects` are
// the relocatable objects (copied); functions are found by their symbols.
std::shared_ptr<const vm::InlineResolver> make_inline_resolver(
    const std::vector<std::unique_ptr<llvm::MemoryBuffer>>& objects, const wasm::Names& names);

// The same over objects `owner` keeps alive, read on the first question if `intact()` says they
// are undamaged (else no pc expands into inlined frames).
std::shared_ptr<const vm::InlineResolver> make_lazy_inline_resolver(std::shared_ptr<const void> owner,
                                                                    std::vector<std::span<const uint8_t>> objects,
                                                                    std::function<bool()> intact,
                                                                    const wasm::Names& names);

// For code compiled one function at a time (the lazy tier): each object is added as it is
// compiled, holding one function's code (one per function index), and its DWARF is read only
// when a backtrace first asks. Safe to use from several threads.
class IncrementalInlineResolver : public vm::InlineResolver {
 public:
  virtual void add(const llvm::MemoryBuffer& object) = 0;  // copied
};
std::shared_ptr<IncrementalInlineResolver> make_incremental_inline_resolver(const wasm::Names& names);

}  // namespace wasmrun::jit
