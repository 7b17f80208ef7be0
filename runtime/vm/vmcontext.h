// The data layout JIT code reads directly. Everything here is plain data with fixed offsets: the
// translator in jit/ loads fields with offsetof() constants, so a change here is a change to the
// code generator's ABI (and to the on-disk code cache key).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace wasmrun::vm {

struct VMContext;

// One wasm value in a host<->JIT array slot: wide enough for v128.
struct alignas(16) VMValue {
  uint8_t bytes[16];
};

// What a funcref points to, and what a call to an imported function goes through.
// `code` has the wasm calling convention: results (*)(VMContext* vmctx, params...).
struct VMFuncRef {
  void* code;
  VMContext* vmctx;  // the callee's context: its instance, or a host function's context
  uint32_t sig;      // canonical signature id (engine-wide), checked by call_indirect
};

struct VMMemory {
  uint8_t* base;      // fixed for the memory's life: 32-bit memories reserve their whole range
  uint64_t size;      // accessible bytes
};

struct VMTable {
  void** elements;    // funcref tables: VMFuncRef*; externref tables: host pointers; null = null
  uint32_t size;
};

// Per-store limits consulted by function prologues and loop headers.
struct VMStoreContext {
  uintptr_t stack_limit = 0;                          // prologues trap below this address
  const std::atomic<uint64_t>* epoch = nullptr;       // the engine's epoch counter
  uint64_t epoch_deadline = UINT64_MAX;               // interrupt when *epoch >= deadline
};

// An instance's context, passed as the first argument of every wasm function. Every field is
// set at instantiation and never changes (the JIT marks these loads invariant).
struct VMContext {
  uint8_t* memory0_base;
  VMStoreContext* store;
  VMMemory* memory0;
  VMFuncRef** func_refs;   // per function index (imports point at the exporter's record)
  uint8_t** globals;       // per global index: a 16-byte cell (imports point at the exporter's)
  VMTable** tables;        // per table index
  VMMemory** memories;     // per memory index (memory 0 is also memory0 / memory0_base)
  const uint32_t* sig_ids; // per type index of the module: canonical signature id
  void* instance;          // the runtime's Instance
};

namespace offsets {
constexpr uint32_t kMemory0Base = offsetof(VMContext, memory0_base);
constexpr uint32_t kStore = offsetof(VMContext, store);
constexpr uint32_t kMemory0 = offsetof(VMContext, memory0);
constexpr uint32_t kFuncRefs = offsetof(VMContext, func_refs);
constexpr uint32_t kGlobals = offsetof(VMContext, globals);
constexpr uint32_t kTables = offsetof(VMContext, tables);
constexpr uint32_t kMemories = offsetof(VMContext, memories);
constexpr uint32_t kSigIds = offsetof(VMContext, sig_ids);
constexpr uint32_t kMemorySize = offsetof(VMMemory, size);
constexpr uint32_t kMemoryBase = offsetof(VMMemory, base);
constexpr uint32_t kTableElements = offsetof(VMTable, elements);
constexpr uint32_t kTableSize = offsetof(VMTable, size);
constexpr uint32_t kFuncRefCode = offsetof(VMFuncRef, code);
constexpr uint32_t kFuncRefVmctx = offsetof(VMFuncRef, vmctx);
constexpr uint32_t kFuncRefSig = offsetof(VMFuncRef, sig);
constexpr uint32_t kStackLimit = offsetof(VMStoreContext, stack_limit);
constexpr uint32_t kEpoch = offsetof(VMStoreContext, epoch);
constexpr uint32_t kEpochDeadline = offsetof(VMStoreContext, epoch_deadline);
}  // namespace offsets

}  // namespace wasmrun::vm
