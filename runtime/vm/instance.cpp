#include "runtime/vm/instance.h"

#include <fmt/format.h>

#include <cstring>

#include "runtime/vm/const_eval.h"
#include "runtime/vm/invoke.h"

namespace wasmrun::vm {

std::optional<Extern> Instance::find_export(std::string_view name) const {
  auto it = exports.find(name);
  if (it == exports.end()) return std::nullopt;
  return it->second;
}

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

Expected<void> check_import(Store& store, const wasm::Module& m, const wasm::Import& im, const Extern& actual) {
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
  (void)store;
  return {};
}

Expected<Instance*> instantiate(Store& store, std::shared_ptr<const CompiledModule> cm, std::span<const Extern> imports) {
  const wasm::Module& m = cm->module;
  if (imports.size() != m.imports.size())
    return Error::link(
        fmt::format("unknown import: the module has {} imports, {} were given", m.imports.size(), imports.size()));
  for (size_t i = 0; i < imports.size(); ++i)
    if (auto ok = check_import(store, m, m.imports[i], imports[i]); !ok) return ok.error();

  auto owned = std::make_unique<Instance>();
  Instance* inst = owned.get();
  inst->module = cm;
  inst->store = &store;
  Engine& engine = store.engine();

  for (const Extern& e : imports) {
    switch (kind_of(e)) {
      case wasm::ExternKind::Func: inst->funcs.push_back(std::get<FuncInstance*>(e)); break;
      case wasm::ExternKind::Table: inst->tables.push_back(std::get<Table*>(e)); break;
      case wasm::ExternKind::Memory: inst->memories.push_back(std::get<LinearMemory*>(e)); break;
      case wasm::ExternKind::Global: inst->globals.push_back(std::get<GlobalInstance*>(e)); break;
    }
  }
  for (size_t i = 0; i < m.bodies.size(); ++i) {
    uint32_t type_index = m.func_types[m.imported_funcs + i];
    auto f = std::make_unique<FuncInstance>();
    f->type = &engine.signature(cm->sig_ids[type_index]);
    f->owner = inst;
    f->ref = VMFuncRef{cm->code->functions[i], &inst->vmctx, cm->sig_ids[type_index]};
    inst->funcs.push_back(store.adopt_func(std::move(f)));
  }
  for (FuncInstance* f : inst->funcs) inst->func_refs.push_back(&f->ref);

  for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
    auto t = store.create_table(m.tables[i], nullptr);
    if (!t) return t.error();
    inst->tables.push_back(*t);
  }
  for (Table* t : inst->tables) inst->vm_tables.push_back(t->vm());
  for (size_t i = m.imported_memories; i < m.memories.size(); ++i) {
    auto mem = store.create_memory(m.memories[i]);
    if (!mem) return mem.error();
    inst->memories.push_back(*mem);
  }

  inst->vmctx.store = store.context();
  inst->vmctx.func_refs = inst->func_refs.data();
  inst->vmctx.tables = inst->vm_tables.data();
  inst->vmctx.sig_ids = cm->sig_ids.data();
  inst->vmctx.instance = inst;
  if (!inst->memories.empty()) {
    inst->vmctx.memory0 = inst->memories[0]->vm();
    inst->vmctx.memory0_base = inst->memories[0]->base();
  }

  // Globals in order: an initializer may read the imported globals before it.
  for (GlobalInstance* g : inst->globals) inst->global_cells.push_back(g->cell);
  for (const wasm::Global& g : m.globals) {
    GlobalInstance* gi = store.create_global(g.type);
    VMValue v = eval_const(*inst, g.init);
    std::memcpy(gi->cell, v.bytes, 16);
    inst->globals.push_back(gi);
    inst->global_cells.push_back(gi->cell);
  }
  inst->vmctx.globals = inst->global_cells.data();

  for (const wasm::Export& e : m.exports) {
    Extern x;
    switch (e.kind) {
      case wasm::ExternKind::Func: x = inst->funcs[e.index]; break;
      case wasm::ExternKind::Table: x = inst->tables[e.index]; break;
      case wasm::ExternKind::Memory: x = inst->memories[e.index]; break;
      case wasm::ExternKind::Global: x = inst->globals[e.index]; break;
    }
    inst->exports.emplace(e.name, x);
  }
  inst->dropped_elems.assign(m.elems.size(), false);
  inst->dropped_datas.assign(m.datas.size(), false);

  // From here on, segments may store this instance's functions into imported tables, so the
  // instance must outlive a failure: the store owns it now.
  store.adopt_instance(std::move(owned));

  // Active and declarative element segments, then data segments (§4.5.4 steps 11-13).
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const wasm::ElemSegment& s = m.elems[i];
    if (s.mode == wasm::SegmentMode::Passive) continue;
    inst->dropped_elems[i] = true;
    if (s.mode == wasm::SegmentMode::Declarative) continue;
    uint32_t offset;
    std::memcpy(&offset, eval_const(*inst, s.offset).bytes, 4);
    Table* t = inst->tables[s.table];
    uint64_t n = s.size();
    if (uint64_t(offset) + n > t->size()) return Error::from_trap({TrapCode::TableOutOfBounds, trap_message(TrapCode::TableOutOfBounds), {}, 0});
    for (uint32_t k = 0; k < n; ++k) {
      t->set(offset + k, elem_ref(*inst, s, k));
    }
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const wasm::DataSegment& s = m.datas[i];
    if (s.mode != wasm::SegmentMode::Active) continue;
    inst->dropped_datas[i] = true;
    uint32_t offset;
    std::memcpy(&offset, eval_const(*inst, s.offset).bytes, 4);
    LinearMemory* mem = inst->memories[s.memory];
    if (uint64_t(offset) + s.bytes.size() > mem->size_bytes()) return Error::from_trap({TrapCode::MemoryOutOfBounds, trap_message(TrapCode::MemoryOutOfBounds), {}, 0});
    std::memcpy(mem->base() + offset, m.data(s.bytes), s.bytes.size());
  }

  if (m.start) {
    VMValue none[1];
    if (auto ok = invoke(store, inst->funcs[*m.start], {none, 0}); !ok) return ok.error();
  }
  return inst;
}

}  // namespace wasmrun::vm
