// A module instance (core spec §4.2.5) and instantiation (§4.5.4): resolve imports, allocate
// memories, tables and globals, apply segments, run the start function.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/vm/store.h"

namespace wasmrun::vm {

class Instance {
 public:
  VMContext vmctx{};
  std::shared_ptr<const CompiledModule> module;
  Store* store = nullptr;

  std::vector<FuncInstance*> funcs;      // per function index
  std::vector<VMFuncRef*> func_refs;     // per function index, what vmctx.func_refs points at
  std::vector<GlobalInstance*> globals;  // per global index
  std::vector<uint8_t*> global_cells;
  std::vector<Table*> tables;
  std::vector<VMTable*> vm_tables;
  std::vector<LinearMemory*> memories;
  std::vector<bool> dropped_elems;
  std::vector<bool> dropped_datas;
  std::map<std::string, Extern, std::less<>> exports;

  std::optional<Extern> find_export(std::string_view name) const;
  static Instance* from(VMContext* vmctx) { return static_cast<Instance*>(vmctx->instance); }
};

// Instantiates `module` in `store` with `imports` in the module's import order. Link errors
// (ErrorKind::Link) read "unknown import ..." / "incompatible import type ..."; a trap while
// applying segments or running the start function is an Error carrying the trap (the instance may stay partly applied,
// as the spec requires for shared tables and memories).
Expected<Instance*> instantiate(Store& store, std::shared_ptr<const CompiledModule> module,
                                std::span<const Extern> imports);

// Checks that `actual` can satisfy an import of the given description (§4.5.4 import matching).
Expected<void> check_import(Store& store, const wasm::Module& module, const wasm::Import& import, const Extern& actual);

}  // namespace wasmrun::vm
