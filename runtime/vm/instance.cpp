#include "runtime/vm/instance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "runtime/vm/const_eval.h"
#include "runtime/vm/instance_pre.h"
#include "runtime/vm/invoke.h"
#include "runtime/vm/region.h"

namespace wasmrun::vm {

namespace {

// Limits matching (§4.5.4): the actual minimum must cover the expected one, and if a maximum is
// expected the actual one must exist and be no larger.
bool limits_match(const wasm::Limits& actual, const wasm::Limits& expected) {
  if (actual.min < expected.min) return false;
  if (expected.max) return actual.max && *actual.max <= *expected.max;
  return true;
}

std::string describe(const wasm::FuncType& t) {
  std::string s = "[";
  for (size_t i = 0; i < t.params.size(); ++i) s += fmt::format("{}{}", i ? " " : "", to_string(t.params[i]));
  s += "] -> [";
  for (size_t i = 0; i < t.results.size(); ++i) s += fmt::format("{}{}", i ? " " : "", to_string(t.results[i]));
  return s + "]";
}

}  // namespace

Expected<void> check_import(const wasm::Module& m, const wasm::Import& im, const Extern& actual) {
  auto incompatible = [&](const std::string& why) {
    return Error::link(fmt::format("incompatible import type for \"{}\" \"{}\": {}", im.module, im.name, why));
  };
  if (kind_of(actual) != im.kind)
    return incompatible(fmt::format("expected a {}, got a {}", to_string(im.kind), to_string(kind_of(actual))));
  switch (im.kind) {
    case wasm::ExternKind::Func: {
      const FuncInstance* f = std::get<FuncInstance*>(actual);
      const wasm::FuncType& expected = m.types[im.func_type];
      if (*f->type != expected)
        return incompatible(fmt::format("expected {}, got {}", describe(expected), describe(*f->type)));
      break;
    }
    case wasm::ExternKind::Table: {
      Table* t = std::get<Table*>(actual);
      if (t->type().element != im.table.element)
        return incompatible(fmt::format("expected a table of {}, got {}", to_string(im.table.element),
                                        to_string(t->type().element)));
      if (!limits_match({t->size(), t->type().limits.max}, im.table.limits)) return incompatible("table limits do not match");
      break;
    }
    case wasm::ExternKind::Memory: {
      LinearMemory* mem = std::get<LinearMemory*>(actual);
      if (!limits_match({mem->size_pages(), mem->type().limits.max}, im.memory.limits))
        return incompatible("memory limits do not match");
      break;
    }
    case wasm::ExternKind::Global: {
      GlobalInstance* g = std::get<GlobalInstance*>(actual);
      if (g->type.type != im.global.type || g->type.is_mutable != im.global.is_mutable)
        return incompatible(fmt::format("expected {}{}, got {}{}", im.global.is_mutable ? "mut " : "",
                                        to_string(im.global.type), g->type.is_mutable ? "mut " : "",
                                        to_string(g->type.type)));
      break;
    }
  }
  return {};
}

VMFuncRef* Instance::func_ref(uint32_t index) const {
  if (VMFuncRef* ref = func_refs[index]) return ref;
  // A defined function's record, made now: instantiation leaves them all null.
  uint32_t defined = index - module->module.imported_funcs;
  VMFuncRef& ref = defined_refs[defined];
  ref = VMFuncRef{module->code->functions[defined], const_cast<VMContext*>(&vmctx),
                  module->sig_ids[module->module.func_types[index]]};
  func_refs[index] = &ref;
  return &ref;
}

FuncInstance* Instance::func(uint32_t index) {
  if (FuncInstance* f = funcs[index]) return f;
  // Imports given to the template are not copied into each instance; open ones are.
  if (index < module->module.imported_funcs) return pre->import_funcs[index];
  FuncInstance* f = store->new_func();
  f->type = module->sig_types[module->module.func_types[index]];
  f->owner = this;
  f->ref = *func_ref(index);
  funcs[index] = f;
  return f;
}

namespace {

Extern export_extern(Instance& inst, const wasm::Export& e) {
  switch (e.kind) {
    case wasm::ExternKind::Func: return inst.func(e.index);
    case wasm::ExternKind::Table: return inst.tables[e.index];
    case wasm::ExternKind::Memory: return inst.memories[e.index];
    case wasm::ExternKind::Global: return inst.globals[e.index];
  }
  return inst.func(e.index);
}

}  // namespace

std::optional<Extern> Instance::find_export(std::string_view name) {
  auto it = pre->export_index.find(name);
  if (it == pre->export_index.end()) return std::nullopt;
  return export_extern(*this, module->module.exports[it->second]);
}

std::vector<std::pair<std::string, Extern>> Instance::exports() {
  std::vector<std::pair<std::string, Extern>> out;
  for (const wasm::Export& e : module->module.exports) out.emplace_back(e.name, export_extern(*this, e));
  return out;
}

namespace {

template <class T>
std::span<T> array_at(uint8_t* block, size_t offset, size_t n) {
  return {reinterpret_cast<T*>(block + offset), n};
}

// Allocates the instance's block and the arrays in it, from the pool or the heap.
Expected<Instance*> allocate(Store& store, const std::shared_ptr<const InstancePre>& pre) {
  const InstanceLayout& l = pre->layout;
  uint8_t* block;
  std::optional<PoolingAllocator::Slot> slot;
  if (PoolingAllocator* pool = pre->options.pool.get()) {
    auto s = pool->acquire(pre.get());
    if (!s) return s.error();
    slot = *s;
    block = s->instance;  // zero past what the previous user wrote, which the constructors below overwrite
  } else {
    // calloc's alignment (16) covers every array; a large block comes zeroed from fresh pages.
    block = static_cast<uint8_t*>(std::calloc(1, l.size));
    if (!block) return Error{fmt::format("cannot allocate {} bytes for an instance", l.size)};
  }
  const CompiledModule& cm = *pre->module;
  const wasm::Module& m = cm.module;
  Instance* inst = new (block) Instance();
  inst->slot = slot;
  inst->module = &cm;
  inst->pre = pre;
  inst->store = &store;
  inst->funcs = array_at<FuncInstance*>(block, l.funcs, m.func_types.size());
  inst->func_refs = array_at<VMFuncRef*>(block, l.func_refs, m.func_types.size());
  inst->defined_refs = array_at<VMFuncRef>(block, l.defined_refs, m.bodies.size());
  inst->globals = array_at<GlobalInstance*>(block, l.globals, m.global_types.size());
  inst->global_cells = array_at<uint8_t*>(block, l.global_cells, m.global_types.size());
  inst->tables = array_at<Table*>(block, l.tables, m.tables.size());
  inst->vm_tables = array_at<VMTable*>(block, l.vm_tables, m.tables.size());
  inst->memories = array_at<LinearMemory*>(block, l.memories, m.memories.size());
  inst->vm_memories = array_at<VMMemory*>(block, l.vm_memories, m.memories.size());
  inst->dropped_elems = array_at<uint8_t>(block, l.dropped_elems, m.elems.size());
  inst->dropped_datas = array_at<uint8_t>(block, l.dropped_datas, m.datas.size());
  return inst;
}

// Defined tables and memories: in the slot with a pool, else on the heap and fresh mappings.
Expected<void> create_tables_and_memories(Instance& inst, const InstancePre& pre) {
  const wasm::Module& m = inst.module->module;
  uint8_t* block = reinterpret_cast<uint8_t*>(&inst);
  PoolingAllocator* pool = pre.options.pool.get();
  Table* defined_tables = reinterpret_cast<Table*>(block + pre.layout.defined_tables);
  const ResourceLimits& limits = inst.store->limits();
  for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
    size_t k = i - m.imported_tables;
    if (auto ok = inst.store->check_table_minimum(m.tables[i]); !ok) return ok.error();
    if (pool) {
      inst.tables[i] = new (&defined_tables[k]) Table(m.tables[i], pool->table(*inst.slot, uint32_t(k)),
                                                      pool->config().max_table_elements, limits.max_table_elements);
    } else {
      inst.tables[i] = new (&defined_tables[k]) Table(m.tables[i], nullptr, limits.max_table_elements);
    }
  }
  LinearMemory* defined_memories = reinterpret_cast<LinearMemory*>(block + pre.layout.defined_memories);
  for (size_t i = m.imported_memories; i < m.memories.size(); ++i) {
    size_t k = i - m.imported_memories;
    const std::shared_ptr<const MemoryImage>& image = pre.memory_images[k];
    if (pool) {
      // The memory object exists only once its pages are ready: destroy() reads its size.
      uint64_t initial = m.memories[i].limits.min * wasm::kPageSize;
      if (m.memories[i].limits.min > limits.max_memory_bytes / wasm::kPageSize)
        return Error{fmt::format("memory minimum size of {} pages ({} bytes) exceeds the limit of {} bytes",
                                 m.memories[i].limits.min, initial, limits.max_memory_bytes)};
      if (auto ok = pool->prepare_memory(*inst.slot, image, initial); !ok) return ok.error();
      inst.memories[i] = new (&defined_memories[k]) LinearMemory(m.memories[i], inst.slot->memory,
                                                                 pool->config().max_memory_bytes, limits.max_memory_bytes);
    } else {
      auto mem = LinearMemory::create(m.memories[i], limits.max_memory_bytes);
      if (!mem) return mem.error();
      if (image)
        if (auto ok = image->map_at((*mem)->base()); !ok) return ok.error();
      inst.memories[i] = inst.store->adopt_memory(mem.take());
    }
  }
  return {};
}

}  // namespace

void Instance::destroy(Instance* inst) {
  const InstancePre& pre = *inst->pre;
  const wasm::Module& m = inst->module->module;
  uint8_t* block = reinterpret_cast<uint8_t*>(inst);
  uint64_t memory_bytes = 0;
  // A pooled instance has at most kMaxPoolTables (its template was checked against the pool).
  uint32_t table_elements[kMaxPoolTables] = {};
  uint32_t defined_tables = uint32_t(m.tables.size() - m.imported_tables);
  for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
    Table* t = inst->tables[i];
    if (!t) continue;  // instantiation failed before making it
    if (inst->slot) table_elements[i - m.imported_tables] = t->size();
    t->~Table();
  }
  if (pre.options.pool) {
    for (size_t i = m.imported_memories; i < m.memories.size(); ++i) {
      LinearMemory* mem = inst->memories[i];
      if (!mem) continue;
      memory_bytes = mem->size_bytes();
      mem->~LinearMemory();
    }
  }
  std::optional<PoolingAllocator::Slot> slot = inst->slot;
  std::shared_ptr<const InstancePre> keep = std::move(inst->pre);
  inst->~Instance();
  if (slot) {
    keep->options.pool->release(*slot, memory_bytes, keep->layout.size, table_elements, defined_tables);
  } else {
    std::free(block);
  }
}

Expected<Instance*> instantiate(Store& store, const std::shared_ptr<const InstancePre>& pre,
                                std::span<const Extern> open_imports, bool imports_checked) {
  const wasm::Module& module = pre->module->module;
  if (open_imports.size() != pre->open_imports.size())
    return Error::link(fmt::format("unknown import: the template leaves {} imports open, {} were given",
                                   pre->open_imports.size(), open_imports.size()));
  for (size_t i = 0; i < open_imports.size() && !imports_checked; ++i)
    if (auto ok = check_import(module, module.imports[pre->open_imports[i].import], open_imports[i]); !ok)
      return ok.error();
  auto allocated = allocate(store, pre);
  if (!allocated) return allocated.error();
  Instance* inst = *allocated;
  // From here on the store owns the instance: a failure below leaves it there (or, when nothing
  // of it can have escaped, destroys it at once).
  store.adopt_instance(inst);
  const CompiledModule& cm = *pre->module;
  const wasm::Module& m = cm.module;

  std::copy(pre->import_func_refs.begin(), pre->import_func_refs.end(), inst->func_refs.begin());
  std::copy(pre->import_tables.begin(), pre->import_tables.end(), inst->tables.begin());
  std::copy(pre->import_memories.begin(), pre->import_memories.end(), inst->memories.begin());
  std::copy(pre->import_globals.begin(), pre->import_globals.end(), inst->globals.begin());
  for (size_t i = 0; i < open_imports.size(); ++i) {
    uint32_t k = pre->open_imports[i].kind_index;
    std::visit(
        [&](auto* item) {
          using T = std::remove_pointer_t<decltype(item)>;
          if constexpr (std::is_same_v<T, FuncInstance>) {
            inst->funcs[k] = item;
            inst->func_refs[k] = &item->ref;
          } else if constexpr (std::is_same_v<T, Table>) {
            inst->tables[k] = item;
          } else if constexpr (std::is_same_v<T, LinearMemory>) {
            inst->memories[k] = item;
          } else {
            inst->globals[k] = item;
          }
        },
        open_imports[i]);
  }

  if (auto ok = create_tables_and_memories(*inst, *pre); !ok) {
    store.destroy_last_instance(inst);
    return ok.error();
  }
  for (size_t i = 0; i < m.tables.size(); ++i) inst->vm_tables[i] = inst->tables[i]->vm();
  for (size_t k = 0; k < pre->table_images.size(); ++k) {
    const std::vector<uint32_t>& image = pre->table_images[k];
    if (!image.empty()) inst->tables[m.imported_tables + k]->set_lazy_image(inst, image.data(), uint32_t(image.size()));
  }

  inst->vmctx.store = store.context();
  inst->vmctx.func_refs = inst->func_refs.data();
  inst->vmctx.tables = inst->vm_tables.data();
  inst->vmctx.sig_ids = cm.sig_ids.data();
  inst->vmctx.instance = inst;
  for (size_t i = 0; i < m.memories.size(); ++i) inst->vm_memories[i] = inst->memories[i]->vm();
  inst->vmctx.memories = inst->vm_memories.data();
  if (!inst->memories.empty()) {
    inst->vmctx.memory0 = inst->memories[0]->vm();
    inst->vmctx.memory0_base = inst->memories[0]->base();
  }

  // Globals in order: an initializer may read the imported globals before it.
  for (size_t i = 0; i < m.imported_globals; ++i) inst->global_cells[i] = inst->globals[i]->cell;
  GlobalInstance* defined_globals = reinterpret_cast<GlobalInstance*>(reinterpret_cast<uint8_t*>(inst) + pre->layout.defined_globals);
  for (size_t k = 0; k < m.globals.size(); ++k) {
    GlobalInstance* g = new (&defined_globals[k]) GlobalInstance();
    g->type = m.globals[k].type;
    const std::optional<VMValue>& constant = pre->global_values[k];
    VMValue v = constant ? *constant : eval_const(*inst, m.globals[k].init);
    std::memcpy(g->cell, v.bytes, 16);
    inst->globals[m.imported_globals + k] = g;
    inst->global_cells[m.imported_globals + k] = g->cell;
  }
  inst->vmctx.globals = inst->global_cells.data();


  // Until a segment stores one of its functions into an imported table or the start function
  // runs, nothing outside the instance refers to it: a failure can destroy it at once.
  bool escaped = false;
  auto fail = [&](Error e) -> Expected<Instance*> {
    if (!escaped) store.destroy_last_instance(inst);
    return e;
  };

  // Active element segments, then data segments (§4.5.4 steps 11-13).
  for (uint32_t i : pre->copied_elems) {
    const wasm::ElemSegment& s = m.elems[i];
    uint32_t offset;
    std::memcpy(&offset, eval_const(*inst, s.offset).bytes, 4);
    Table* t = inst->tables[s.table];
    uint64_t n = s.size();
    if (uint64_t(offset) + n > t->size())
      return fail(Error::from_trap({TrapCode::TableOutOfBounds, trap_message(TrapCode::TableOutOfBounds), {}, 0}));
    if (s.table < m.imported_tables && n > 0) escaped = true;
    for (uint32_t k = 0; k < n; ++k) t->set(offset + k, elem_ref(*inst, s, k));
  }
  for (uint32_t i : pre->copied_datas) {
    const wasm::DataSegment& s = m.datas[i];
    uint32_t offset;
    std::memcpy(&offset, eval_const(*inst, s.offset).bytes, 4);
    LinearMemory* mem = inst->memories[s.memory];
    if (uint64_t(offset) + s.bytes.size() > mem->size_bytes())
      return fail(Error::from_trap({TrapCode::MemoryOutOfBounds, trap_message(TrapCode::MemoryOutOfBounds), {}, 0}));
    std::memcpy(mem->base() + offset, m.data(s.bytes), s.bytes.size());
  }

  if (m.start) {
    escaped = true;
    VMValue none[1];
    if (auto ok = invoke(store, inst->func(*m.start), {none, 0}); !ok) return ok.error();
  }
  return inst;
}

Expected<Instance*> instantiate(Store& store, std::shared_ptr<const CompiledModule> module,
                                std::span<const Extern> imports) {
  auto pre = InstancePre::create(std::move(module), std::vector<std::optional<Extern>>(imports.begin(), imports.end()),
                                 InstancePreOptions{nullptr, false, true, nullptr});
  if (!pre) return pre.error();
  return instantiate(store, *pre);
}

}  // namespace wasmrun::vm
