// An instance template (Wasmtime's InstancePre): a compiled module with its imports resolved and
// type-checked once, and everything instantiation can know in advance worked out once — the
// instance block's layout, constant global values, the copy-on-write image of each memory, the
// segments that image already holds, the export index. instantiate() then does no name lookup,
// checks no type and creates no host-function object.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/vm/instance.h"
#include "runtime/vm/memory_image.h"
#include "runtime/vm/pooling_allocator.h"

namespace wasmrun::vm {

struct InstancePreOptions {
  // Instances take slots from it (and keep it alive); null: the heap and fresh mappings.
  std::shared_ptr<PoolingAllocator> pool;
  bool memory_images = true;  // map data segments copy-on-write where they allow it
  bool lazy_tables = true;    // resolve defined tables' funcref elements on first use
  // Whatever owns the imports (the host functions' store), kept alive as long as an instance is.
  std::shared_ptr<const void> imports_owner;
};

// Byte offsets of an instance's arrays in its block; the Instance object is at offset 0.
struct InstanceLayout {
  size_t funcs = 0, func_refs = 0, defined_refs = 0;
  size_t globals = 0, global_cells = 0, defined_globals = 0;
  size_t tables = 0, vm_tables = 0, defined_tables = 0;
  size_t memories = 0, vm_memories = 0, defined_memories = 0;
  size_t dropped_elems = 0, dropped_datas = 0;
  size_t size = 0;
};

class InstancePre {
 public:
  // Checks `imports` (in the module's import order) against the module's imports. An empty one
  // stays open: each instantiation gives it (a sibling instance's memory, say) and has it checked.
  static Expected<std::shared_ptr<const InstancePre>> create(std::shared_ptr<const CompiledModule> module,
                                                             std::vector<std::optional<Extern>> imports,
                                                             InstancePreOptions options);

  std::shared_ptr<const CompiledModule> module;
  struct OpenImport {
    uint32_t import;      // index in the module's imports
    uint32_t kind_index;  // index among the imports of its kind
  };
  std::vector<OpenImport> open_imports;
  InstancePreOptions options;
  InstanceLayout layout;

  // Per import kind, in index order; null for open imports.
  std::vector<FuncInstance*> import_funcs;
  std::vector<VMFuncRef*> import_func_refs;
  std::vector<Table*> import_tables;
  std::vector<LinearMemory*> import_memories;
  std::vector<GlobalInstance*> import_globals;

  std::vector<std::optional<VMValue>> global_values;             // per defined global, when constant
  std::vector<std::shared_ptr<const MemoryImage>> memory_images;  // per defined memory, or null
  std::vector<std::vector<uint32_t>> table_images;  // per defined table: function index + 1, or 0; empty: eager
  std::vector<uint32_t> copied_elems;  // active element segments applied at each instantiation
  std::vector<uint32_t> copied_datas;  // active data segments applied at each instantiation
  std::map<std::string, uint32_t, std::less<>> export_index;     // name -> index in module.exports
};

// Instantiates the template in `store`, with `open_imports` for its open imports in order. With a
// pool, fails with a message starting with kPoolExhausted when every slot is in use.
// `imports_checked`: the caller vouches that the open imports have the types an earlier
// instantiation checked (a component's replayed plan gives them from the same places).
Expected<Instance*> instantiate(Store& store, const std::shared_ptr<const InstancePre>& pre,
                                std::span<const Extern> open_imports = {}, bool imports_checked = false);

}  // namespace wasmrun::vm
