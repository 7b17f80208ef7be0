// A module instance (core spec §4.2.5) and instantiation (§4.5.4): resolve imports, allocate
// memories, tables and globals, apply segments, run the start function.
//
// An instance lives in one block — the Instance object followed by its arrays (see
// InstancePre's layout) — in a pooling-allocator slot or on the heap, and is destroyed with its
// store. What is large and often unused is made on first use: the VMFuncRef of a defined
// function (when ref.func, a table or an export needs it) and its FuncInstance (when the host
// asks for it).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/vm/pooling_allocator.h"
#include "runtime/vm/store.h"

namespace wasmrun::vm {

class InstancePre;

class Instance {
 public:
  VMContext vmctx{};
  const CompiledModule* module = nullptr;  // kept alive by `pre`
  std::shared_ptr<const InstancePre> pre;
  Store* store = nullptr;

  std::span<FuncInstance*> funcs;      // per function index, filled by func(); use func()
  std::span<VMFuncRef*> func_refs;     // per function index, what vmctx.func_refs points at
  std::span<VMFuncRef> defined_refs;   // per defined function, set by func_ref()
  std::span<GlobalInstance*> globals;  // per global index
  std::span<uint8_t*> global_cells;
  std::span<Table*> tables;
  std::span<VMTable*> vm_tables;
  std::span<LinearMemory*> memories;
  std::span<VMMemory*> vm_memories;    // per memory index, what vmctx.memories points at
  // Passive segments dropped by elem.drop / data.drop; the others count as dropped from the start.
  std::span<uint8_t> dropped_elems;
  std::span<uint8_t> dropped_datas;

  // The function's record, made on first use for defined functions.
  VMFuncRef* func_ref(uint32_t index) const;
  // The function as the host sees it, made on first use for defined functions.
  FuncInstance* func(uint32_t index);

  std::optional<Extern> find_export(std::string_view name);
  std::vector<std::pair<std::string, Extern>> exports();

  static Instance* from(VMContext* vmctx) { return static_cast<Instance*>(vmctx->instance); }

  // Runs the destructors of what the block holds and returns the block (to the pool or the heap).
  static void destroy(Instance* instance);

  Instance* next_in_store = nullptr;  // the store's list of instances
  std::optional<PoolingAllocator::Slot> slot;
};

// Instantiates `module` in `store` with `imports` in the module's import order. Link errors
// (ErrorKind::Link) read "unknown import ..." / "incompatible import type ..."; a trap while
// applying segments or running the start function is an Error carrying the trap (the instance may stay partly applied,
// as the spec requires for shared tables and memories).
Expected<Instance*> instantiate(Store& store, std::shared_ptr<const CompiledModule> module,
                                std::span<const Extern> imports);

// Checks that `actual` can satisfy an import of the given description (§4.5.4 import matching).
Expected<void> check_import(const wasm::Module& module, const wasm::Import& import, const Extern& actual);

}  // namespace wasmrun::vm
