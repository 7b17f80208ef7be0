// The interface between the runtime and a code generator (jit/ implements it). The runtime never
// includes the JIT: an Engine is handed a CodeGenerator, and instances run what it produced.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
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
  // Lazy code: blocks until every function found hot so far runs optimized code (or its
  // compile gave up); with whole-module tier-up, until the whole module does.
  virtual void wait_for_tier_up() {}
  // Whether calls to defined function `func_index` run optimized code (eager code always does).
  virtual bool runs_optimized(uint32_t /*func_index*/) const { return true; }
  // Lazy code: how many functions were switched to optimized code so far.
  virtual size_t optimized_functions() const { return functions.size(); }
};

// How far a compile has come: reported as groups of functions finish, one call at a time (from
// the compiler's worker threads).
struct CompileProgress {
  size_t functions_done = 0, functions_total = 0;
  uint64_t bytes_done = 0, bytes_total = 0;  // of function bodies
};

struct CompileOptions {
  int opt_level = 2;            // LLVM -O level
  bool epoch_interruption = false;
  // Lazy baseline tier: each function is compiled at O0 on its first call; baseline code counts
  // the wasm code it runs (each call the body's size in bytes, each loop iteration the loop's),
  // and a function whose count reaches tier_up_threshold is compiled at opt_level on a
  // background thread and switched in. Eager compilation at opt_level when false.
  bool lazy = false;
  bool tier_up = true;  // with lazy: false keeps every function in the baseline tier (for tests)
  uint32_t tier_up_threshold = 100'000;
  // With lazy and tier_up: instead of hot functions, the whole module is compiled at opt_level
  // in the background, switched in at once and stored in the code cache (for a warm next start).
  bool tier_up_whole_module = false;
  // With lazy: modules with fewer bytes of function code are compiled eagerly (and so stored in
  // the code cache at once), their compile being short anyway.
  uint64_t lazy_min_code_bytes = 0;
  // Observes compiles (a progress display); not part of what the code depends on.
  std::function<void(const CompileProgress&)> progress;
  // Set to abandon a compile (a background one whose module is being freed).
  const std::atomic<bool>* cancel = nullptr;
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
