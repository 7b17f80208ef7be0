#include "runtime/vm/instance_pre.h"

#include <fmt/format.h>

#include "runtime/vm/const_eval.h"

namespace wasmrun::vm {

namespace {

InstanceLayout layout_of(const wasm::Module& m) {
  InstanceLayout l;
  size_t at = sizeof(Instance);
  auto place = [&at](size_t align, size_t bytes) {
    at = (at + align - 1) & ~(align - 1);
    size_t offset = at;
    at += bytes;
    return offset;
  };
  size_t funcs = m.func_types.size(), defined_funcs = m.bodies.size();
  size_t globals = m.global_types.size(), defined_globals = m.globals.size();
  size_t tables = m.tables.size(), defined_tables = tables - m.imported_tables;
  size_t memories = m.memories.size(), defined_memories = memories - m.imported_memories;
  // What every instantiation writes comes first; the per-function arrays, large for large
  // modules and filled on first use, come last.
  l.globals = place(alignof(GlobalInstance*), globals * sizeof(GlobalInstance*));
  l.global_cells = place(alignof(uint8_t*), globals * sizeof(uint8_t*));
  l.defined_globals = place(alignof(GlobalInstance), defined_globals * sizeof(GlobalInstance));
  l.tables = place(alignof(Table*), tables * sizeof(Table*));
  l.vm_tables = place(alignof(VMTable*), tables * sizeof(VMTable*));
  l.defined_tables = place(alignof(Table), defined_tables * sizeof(Table));
  l.memories = place(alignof(LinearMemory*), memories * sizeof(LinearMemory*));
  l.defined_memories = place(alignof(LinearMemory), defined_memories * sizeof(LinearMemory));
  l.dropped_elems = place(1, m.elems.size());
  l.dropped_datas = place(1, m.datas.size());
  l.funcs = place(alignof(FuncInstance*), funcs * sizeof(FuncInstance*));
  l.func_refs = place(alignof(VMFuncRef*), funcs * sizeof(VMFuncRef*));
  l.defined_refs = place(alignof(VMFuncRef), defined_funcs * sizeof(VMFuncRef));
  l.size = at;
  return l;
}

// What a pool slot cannot hold is refused when the template is made, not per instance.
Expected<void> check_fits(const wasm::Module& m, const InstanceLayout& layout, const PoolingConfig& c) {
  if (layout.size > c.instance_bytes)
    return Error{fmt::format("pooling allocator: the module's instance context takes {} bytes, a slot holds {}",
                             layout.size, c.instance_bytes)};
  size_t defined_memories = m.memories.size() - m.imported_memories;
  if (defined_memories > 1)
    return Error{fmt::format("pooling allocator: the module defines {} memories, a slot holds 1", defined_memories)};
  for (size_t i = m.imported_memories; i < m.memories.size(); ++i)
    if (m.memories[i].limits.min * wasm::kPageSize > c.max_memory_bytes)
      return Error{fmt::format("pooling allocator: memory {} needs {} bytes, a slot holds {}", i,
                               m.memories[i].limits.min * wasm::kPageSize, c.max_memory_bytes)};
  size_t defined_tables = m.tables.size() - m.imported_tables;
  if (defined_tables > c.max_tables)
    return Error{fmt::format("pooling allocator: the module defines {} tables, a slot holds {}", defined_tables,
                             c.max_tables)};
  for (size_t i = m.imported_tables; i < m.tables.size(); ++i)
    if (m.tables[i].limits.min > c.max_table_elements)
      return Error{fmt::format("pooling allocator: table {} needs {} elements, a slot holds {}", i,
                               m.tables[i].limits.min, c.max_table_elements)};
  return {};
}

}  // namespace

Expected<std::shared_ptr<const InstancePre>> InstancePre::create(std::shared_ptr<const CompiledModule> module,
                                                                 std::vector<std::optional<Extern>> imports,
                                                                 InstancePreOptions options) {
  const wasm::Module& m = module->module;
  if (imports.size() != m.imports.size())
    return Error{fmt::format("unknown import: the module has {} imports, {} were given", m.imports.size(), imports.size())};
  auto pre = std::make_shared<InstancePre>();
  for (size_t i = 0; i < imports.size(); ++i)
    if (imports[i])
      if (auto ok = check_import(m, m.imports[i], *imports[i]); !ok) return ok.error();
  pre->layout = layout_of(m);
  if (options.pool)
    if (auto ok = check_fits(m, pre->layout, options.pool->config()); !ok) return ok.error();

  for (uint32_t i = 0; i < imports.size(); ++i) {
    const std::optional<Extern>& e = imports[i];
    switch (m.imports[i].kind) {
      case wasm::ExternKind::Func: {
        if (!e) pre->open_imports.push_back({i, uint32_t(pre->import_funcs.size())});
        FuncInstance* f = e ? std::get<FuncInstance*>(*e) : nullptr;
        pre->import_funcs.push_back(f);
        pre->import_func_refs.push_back(f ? &f->ref : nullptr);
        break;
      }
      case wasm::ExternKind::Table:
        if (!e) pre->open_imports.push_back({i, uint32_t(pre->import_tables.size())});
        pre->import_tables.push_back(e ? std::get<Table*>(*e) : nullptr);
        break;
      case wasm::ExternKind::Memory:
        if (!e) pre->open_imports.push_back({i, uint32_t(pre->import_memories.size())});
        pre->import_memories.push_back(e ? std::get<LinearMemory*>(*e) : nullptr);
        break;
      case wasm::ExternKind::Global:
        if (!e) pre->open_imports.push_back({i, uint32_t(pre->import_globals.size())});
        pre->import_globals.push_back(e ? std::get<GlobalInstance*>(*e) : nullptr);
        break;
    }
  }
  for (const wasm::Global& g : m.globals) pre->global_values.push_back(constant_value(m, g.init));

  pre->data_in_image.assign(m.datas.size(), 0);
  for (uint32_t i = m.imported_memories; i < m.memories.size(); ++i) {
    std::shared_ptr<const MemoryImage> image;
    if (options.memory_images) {
      auto built = MemoryImage::build(m, i);
      if (!built) return built.error();
      image = built.take();
    }
    if (image)
      for (size_t d = 0; d < m.datas.size(); ++d)
        if (m.datas[d].mode == wasm::SegmentMode::Active && m.datas[d].memory == i) pre->data_in_image[d] = 1;
    pre->memory_images.push_back(std::move(image));
  }
  for (const wasm::ElemSegment& s : m.elems) pre->initially_dropped_elems.push_back(s.mode != wasm::SegmentMode::Passive);
  for (uint32_t i = 0; i < m.exports.size(); ++i) pre->export_index.emplace(m.exports[i].name, i);

  pre->module = std::move(module);
  pre->options = std::move(options);
  return std::shared_ptr<const InstancePre>(std::move(pre));
}

}  // namespace wasmrun::vm
