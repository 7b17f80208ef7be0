#include "runtime/vm/instance_pre.h"

#include <fmt/format.h>

#include "runtime/decode/instruction_reader.h"
#include "runtime/vm/const_eval.h"

namespace wasmrun::vm {

namespace {

// Blocks come from calloc (16-byte aligned) or pool slots (page aligned).
static_assert(alignof(Instance) <= 16 && alignof(GlobalInstance) <= 16 && alignof(Table) <= 16 &&
              alignof(LinearMemory) <= 16 && alignof(VMFuncRef) <= 16);

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
  l.vm_memories = place(alignof(VMMemory*), memories * sizeof(VMMemory*));
  l.defined_memories = place(alignof(LinearMemory), defined_memories * sizeof(LinearMemory));
  l.dropped_elems = place(1, m.elems.size());
  l.dropped_datas = place(1, m.datas.size());
  l.func_refs = place(alignof(VMFuncRef*), funcs * sizeof(VMFuncRef*));  // imports' entries written each time
  l.funcs = place(alignof(FuncInstance*), funcs * sizeof(FuncInstance*));
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

// The function index of a segment element known without an instance (+1; 0 for ref.null), or
// nothing when it needs evaluation.
std::optional<uint32_t> constant_element(const wasm::Module& m, const wasm::ElemSegment& s, uint32_t k) {
  if (s.exprs.empty()) return s.func_indices[k] + 1;
  wasm::Reader r(m.data(s.exprs[k].code), m.data(s.exprs[k].code) + s.exprs[k].code.size(), s.exprs[k].code.begin);
  wasm::InstructionReader ir(r);
  if (r.at_end()) return std::nullopt;
  wasm::Instr in = ir.next();
  if (!r.at_end()) return std::nullopt;
  if (in.op == wasm::Op::RefFunc) return in.index + 1;
  if (in.op == wasm::Op::RefNull) return 0;
  return std::nullopt;
}

// Images of the defined funcref tables, when no element segment can trap at instantiation
// (every active one at a constant offset, in bounds): only then may their effect wait until an
// element is used, since a trap would otherwise leave later segments unapplied (§4.5.4).
std::vector<uint8_t> build_table_images(InstancePre& pre, const wasm::Module& m) {
  pre.table_images.assign(m.tables.size() - m.imported_tables, {});
  std::vector<uint8_t> in_image(m.elems.size(), 0);
  for (const wasm::ElemSegment& s : m.elems) {
    if (s.mode != wasm::SegmentMode::Active) continue;
    std::optional<uint32_t> offset = constant_i32(m, s.offset);
    if (!offset) return in_image;
    uint64_t size = s.table < m.imported_tables ? (pre.import_tables[s.table] ? pre.import_tables[s.table]->size() : 0)
                                                : m.tables[s.table].limits.min;
    if (uint64_t(*offset) + s.size() > size) return in_image;
  }
  std::vector<std::vector<uint32_t>> images(pre.table_images.size());
  std::vector<bool> eligible(images.size(), true);
  for (size_t t = 0; t < images.size(); ++t) {
    const wasm::TableType& type = m.tables[m.imported_tables + t];
    eligible[t] = type.element == wasm::ValType::FuncRef;
    if (eligible[t]) images[t].assign(type.limits.min, 0);
  }
  for (const wasm::ElemSegment& s : m.elems) {
    if (s.mode != wasm::SegmentMode::Active || s.table < m.imported_tables) continue;
    size_t t = s.table - m.imported_tables;
    if (!eligible[t]) continue;
    uint32_t offset = *constant_i32(m, s.offset);
    for (uint32_t k = 0; k < s.size() && eligible[t]; ++k) {
      std::optional<uint32_t> e = constant_element(m, s, k);
      if (e) images[t][offset + k] = *e;
      else eligible[t] = false;
    }
  }
  for (size_t t = 0; t < images.size(); ++t) {
    if (!eligible[t]) continue;
    pre.table_images[t] = std::move(images[t]);
    for (size_t i = 0; i < m.elems.size(); ++i)
      if (m.elems[i].mode == wasm::SegmentMode::Active && m.elems[i].table == m.imported_tables + t)
        in_image[i] = 1;
  }
  return in_image;
}

}  // namespace

Expected<std::shared_ptr<const InstancePre>> InstancePre::create(std::shared_ptr<const CompiledModule> module,
                                                                 std::vector<std::optional<Extern>> imports,
                                                                 InstancePreOptions options) {
  const wasm::Module& m = module->module;
  if (imports.size() != m.imports.size())
    return Error::link(
        fmt::format("unknown import: the module has {} imports, {} were given", m.imports.size(), imports.size()));
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

  std::vector<uint8_t> data_in_image(m.datas.size(), 0);
  for (uint32_t i = m.imported_memories; i < m.memories.size(); ++i) {
    std::shared_ptr<const MemoryImage> image;
    if (options.memory_images) {
      auto built = MemoryImage::build(m, i);
      if (!built) return built.error();
      image = built.take();
    }
    if (image)
      for (size_t d = 0; d < m.datas.size(); ++d)
        if (m.datas[d].mode == wasm::SegmentMode::Active && m.datas[d].memory == i) data_in_image[d] = 1;
    pre->memory_images.push_back(std::move(image));
  }
  for (uint32_t d = 0; d < m.datas.size(); ++d)
    if (m.datas[d].mode == wasm::SegmentMode::Active && !data_in_image[d]) pre->copied_datas.push_back(d);
  std::vector<uint8_t> elem_in_image =
      options.lazy_tables ? build_table_images(*pre, m) : std::vector<uint8_t>(m.elems.size(), 0);
  for (uint32_t e = 0; e < m.elems.size(); ++e)
    if (m.elems[e].mode == wasm::SegmentMode::Active && !elem_in_image[e]) pre->copied_elems.push_back(e);
  for (uint32_t i = 0; i < m.exports.size(); ++i) pre->export_index.emplace(m.exports[i].name, i);

  pre->module = std::move(module);
  pre->options = std::move(options);
  return std::shared_ptr<const InstancePre>(std::move(pre));
}

}  // namespace wasmrun::vm
