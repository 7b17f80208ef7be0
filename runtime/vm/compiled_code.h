// The interface between the runtime and a code generator (jit/ implements it). The runtime never
// includes the JIT: an Engine is handed a CodeGenerator, and instances run what it produced.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "runtime/vm/vmcontext.h"
#include "runtime/wasm/module.h"
#include "wasmrun/expected.h"

namespace wasmrun::vm {

// The wasm calling convention: results (*)(VMContext* callee, VMContext* caller, params...).
// `callee` is the context of the function's instance (or of a host function); `caller` the
// context of the calling instance, so host functions can reach the caller's exports (its memory).
//
// An entry trampoline calls `code` with the arguments in `values`, then writes the results back
// into `values` (one 16-byte slot per value). It is how the host enters wasm.
using EntryTrampoline = void (*)(void* code, VMContext* callee, VMContext* caller, VMValue* values);

// Machine code for one module. Freed with the object.
class CompiledCode {
 public:
  virtual ~CompiledCode() = default;
  std::vector<void*> functions;                  // per defined function
  // Per type index of the module; null for a type no defined function has (the engine's
  // trampoline for the signature serves then). Types of one signature share one.
  std::vector<EntryTrampoline> entry_trampolines;
};

struct CompileOptions {
  int opt_level = 2;            // LLVM -O level
  bool epoch_interruption = false;
};

// A module with its code, as the code cache or an ahead-of-time artifact gives them back.
struct LoadedCode {
  wasm::Module module;
  std::unique_ptr<CompiledCode> code;
};

class CodeGenerator {
 public:
  virtual ~CodeGenerator() = default;
  // Compiles a validated module (with a code cache: links the cached code, or stores what it compiled).
  virtual Expected<std::unique_ptr<CompiledCode>> compile(const wasm::Module& module, const CompileOptions& options) = 0;
  // The code cache's entry for the module binary `bytes`, found before decoding: the binary is
  // decoded without validation, since only validated modules are ever stored. Nothing when there
  // is no cache or no usable entry.
  virtual std::optional<LoadedCode> load_cached(std::span<const uint8_t> bytes, const CompileOptions& options) = 0;
  // An ahead-of-time artifact (`wasmrun compile`) of a validated module, and loading one back:
  // an error says why an artifact cannot be used here (another build, CPU or options, damage).
  virtual Expected<std::vector<uint8_t>> serialize(const wasm::Module& module, const CompileOptions& options) = 0;
  virtual Expected<LoadedCode> deserialize(std::span<const uint8_t> artifact, const CompileOptions& options) = 0;
  // Code with the wasm calling convention for `type` that stores its arguments in an array and
  // calls wasmrun_host_call(callee, caller, values, frame); and the entry trampoline for `type`.
  virtual Expected<void*> host_stub(const wasm::FuncType& type) = 0;
  virtual Expected<EntryTrampoline> entry_trampoline(const wasm::FuncType& type) = 0;
};

}  // namespace wasmrun::vm
