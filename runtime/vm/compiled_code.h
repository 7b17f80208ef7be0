// The interface between the runtime and a code generator (jit/ implements it). The runtime never
// includes the JIT: an Engine is handed a CodeGenerator, and instances run what it produced.
#pragma once

#include <cstdint>
#include <memory>
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
  std::vector<EntryTrampoline> entry_trampolines; // per type index of the module
};

struct CompileOptions {
  int opt_level = 2;            // LLVM -O level
  bool epoch_interruption = false;
};

class CodeGenerator {
 public:
  virtual ~CodeGenerator() = default;
  virtual Expected<std::unique_ptr<CompiledCode>> compile(const wasm::Module& module, const CompileOptions& options) = 0;
  // Code with the wasm calling convention for `type` that stores its arguments in an array and
  // calls wasmrun_host_call(callee, caller, values, frame); and the entry trampoline for `type`.
  virtual Expected<void*> host_stub(const wasm::FuncType& type) = 0;
  virtual Expected<EntryTrampoline> entry_trampoline(const wasm::FuncType& type) = 0;
};

}  // namespace wasmrun::vm
