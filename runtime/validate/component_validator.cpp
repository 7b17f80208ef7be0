#include "runtime/validate/component_validator.h"

#include <fmt/format.h>

#include <algorithm>

#include "canonical_abi/layout.h"
#include "runtime/component/type_matching.h"
#include "runtime/decode/decode_error.h"

namespace wasmrun::component {

namespace {

// The core types of a canonical ABI signature (the canonical ABI's flattening, CanonicalABI.md
// "Flattening"), for comparison with core functions.
std::vector<wasm::ValType> core_types(const std::vector<canon::FlatType>& flat) {
  std::vector<wasm::ValType> out;
  out.reserve(flat.size());
  for (canon::FlatType t : flat) {
    switch (t) {
      case canon::FlatType::I32: out.push_back(wasm::ValType::I32); break;
      case canon::FlatType::I64: out.push_back(wasm::ValType::I64); break;
      case canon::FlatType::F32: out.push_back(wasm::ValType::F32); break;
      case canon::FlatType::F64: out.push_back(wasm::ValType::F64); break;
    }
  }
  return out;
}

// "[I32, I64]", as wasmparser words core types in its messages.
std::string describe_core(const std::vector<wasm::ValType>& types) {
  std::string s = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += ", ";
    std::string n(wasm::to_string(types[i]));
    for (char& c : n) c = char(std::toupper(uint8_t(c)));
    s += n;
  }
  return s + "]";
}

// Bounds that keep hostile inputs from costing unbounded time or memory (wasmparser's limits).
constexpr uint64_t kMaxTypeSize = 1'000'000;
constexpr size_t kMaxEntities = 1'000'000;
constexpr size_t kMaxFlags = 32;
constexpr uint32_t kMaxTypeDepth = 100;  // Wasmtime's bound on nested value types

// Values must have elem_size(t, ptr_type = i64) < 2^28 (CanonicalABI.md "Element Size"), so the
// layout of every value fits any pointer width.
constexpr uint64_t kMaxValueBytes = uint64_t(1) << 28;

uint64_t align_up(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

uint32_t discriminant_bytes(size_t cases) { return cases <= 0x100 ? 1 : cases <= 0x10000 ? 2 : 4; }

// The cases of a variant-like type, as payload types (null: none).
std::vector<const ValueType*> case_types(const ValueType& t) {
  std::vector<const ValueType*> out;
  switch (t.kind) {
    case ValueKind::Variant:
      for (const auto& c : t.cases) out.push_back(c.type.get());
      break;
    case ValueKind::Enum: out.assign(t.names.size(), nullptr); break;
    case ValueKind::Option: out = {nullptr, t.element.get()}; break;
    case ValueKind::Result: out = {t.ok.get(), t.err.get()}; break;
    default: break;
  }
  return out;
}

uint64_t alignment64(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::Bool: case ValueKind::S8: case ValueKind::U8: return 1;
    case ValueKind::S16: case ValueKind::U16: return 2;
    case ValueKind::S32: case ValueKind::U32: case ValueKind::F32: case ValueKind::Char:
    case ValueKind::Own: case ValueKind::Borrow: return 4;
    case ValueKind::ErrorContext: case ValueKind::Stream: case ValueKind::Future: return 4;
    case ValueKind::S64: case ValueKind::U64: case ValueKind::F64: case ValueKind::String: case ValueKind::List:
    case ValueKind::Map: return 8;
    case ValueKind::FixedList: return alignment64(*t.element);
    case ValueKind::Record: case ValueKind::Tuple: {
      uint64_t a = 1;
      for (const auto& f : t.fields) a = std::max(a, alignment64(*f.type));
      return a;
    }
    case ValueKind::Flags: return t.names.size() <= 8 ? 1 : t.names.size() <= 16 ? 2 : 4;
    default: {
      auto cases = case_types(t);
      uint64_t a = discriminant_bytes(cases.size());
      for (const ValueType* c : cases)
        if (c) a = std::max(a, alignment64(*c));
      return a;
    }
  }
}

}  // namespace

uint64_t ComponentValidator::value_bytes(const ValueTypePtr& t) {
  if (is_primitive(t->kind) || t->kind == ValueKind::Own || t->kind == ValueKind::Borrow ||
      t->kind == ValueKind::Stream || t->kind == ValueKind::Future) {
    if (t->kind == ValueKind::String) return 16;
    return alignment64(*t);
  }
  auto it = bytes_.find(t.get());
  if (it != bytes_.end()) return it->second;
  uint64_t n = 0;
  switch (t->kind) {
    case ValueKind::List: case ValueKind::Map: n = 16; break;
    case ValueKind::FixedList: n = value_bytes(t->element) * t->length; break;
    case ValueKind::Record: case ValueKind::Tuple:
      for (const auto& f : t->fields) n = align_up(n, alignment64(*f.type)) + value_bytes(f.type);
      n = align_up(n, alignment64(*t));
      break;
    case ValueKind::Flags: n = alignment64(*t); break;
    default: {
      auto cases = case_types(*t);
      uint64_t payload = 0, payload_align = 1;
      for (size_t i = 0; i < cases.size(); ++i) {
        if (!cases[i]) continue;
        ValueTypePtr c = t->kind == ValueKind::Variant ? t->cases[i].type : t->kind == ValueKind::Option ? t->element
                         : i == 0 ? t->ok : t->err;
        payload = std::max(payload, value_bytes(c));
        payload_align = std::max(payload_align, alignment64(*c));
      }
      n = align_up(align_up(discriminant_bytes(cases.size()), payload_align) + payload, alignment64(*t));
      break;
    }
  }
  bytes_[t.get()] = n;
  return n;
}

namespace {

uint32_t type_depth(const ValueTypePtr& t) {
  if (!t || is_primitive(t->kind)) return t ? 1 : 0;
  uint32_t d = std::max({type_depth(t->element), type_depth(t->ok), type_depth(t->err)});
  for (const auto& f : t->fields) d = std::max(d, type_depth(f.type));
  for (const auto& c : t->cases) d = std::max(d, type_depth(c.type));
  return d + 1;
}

// Whether an entry can be named from outside the component: by imports (`import`) and by
// exports (`export`); see Explainer "Import and Export Definitions", external visibility.
struct Vis {
  bool import = true;
  bool export_ = true;
};

}  // namespace

struct CoreTypeEntry {
  ModuleTypePtr module;  // set for module types
  wasm::FuncType func;   // otherwise
};

struct TypeEntry {
  TypeDef def;
  Vis vis;       // whether a reference to this entry is visible
  Vis contents;  // whether what it refers to is visible (the condition for importing/exporting it)
  bool nominal = false;  // a record, variant, enum, flags or resource: named only by import or export
};

// Whether a type mentions nothing that needs a name: no nominal value types, no resources.
bool self_contained(const ValueTypePtr& t) {
  if (!t) return true;
  switch (t->kind) {
    case ValueKind::Record: case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Flags:
    case ValueKind::Own: case ValueKind::Borrow:
      return false;
    default: break;
  }
  if (!self_contained(t->element) || !self_contained(t->ok) || !self_contained(t->err)) return false;
  for (const auto& f : t->fields)
    if (!self_contained(f.type)) return false;
  return true;
}

bool self_contained(const EntityType& t) {
  switch (t.sort) {
    case Sort::Func: {
      for (const auto& p : t.func->params)
        if (!self_contained(p.type)) return false;
      return self_contained(t.func->result);
    }
    case Sort::Type:
      if (t.type.kind == TypeDef::Kind::Value) return self_contained(t.type.value);
      return t.type.kind != TypeDef::Kind::Resource;
    case Sort::Instance:
      for (const auto& e : t.instance->exports)
        if (!self_contained(e.type)) return false;
      return true;
    default: return true;
  }
}

struct ComponentValidator::Scope {
  ScopeKind kind = ScopeKind::Component;
  std::shared_ptr<Component> ir;  // Component scopes

  std::vector<CoreTypeEntry> core_types;
  std::vector<ModuleTypePtr> modules;
  std::vector<CoreInstanceTypePtr> core_instances;
  std::vector<wasm::FuncType> core_funcs;
  std::vector<CoreExternType> core_tables, core_memories, core_globals, core_tags;

  std::vector<TypeEntry> types;
  struct Func {
    FuncTypePtr type;
    Vis vis;
  };
  std::vector<Func> funcs;
  struct Value {
    ValueTypePtr type;
    bool used = false;
  };
  std::vector<Value> values;
  std::vector<ComponentTypePtr> components;
  struct Instance {
    InstanceTypePtr type;
    Vis vis;
    bool imported = false;  // an import (or an export of one): the types it exports are named
  };
  std::vector<Instance> instances;

  Vis deferred;  // instance types: the visibility of their exports, checked where the type is used
  std::unordered_set<std::string> import_keys, export_keys;
  std::vector<NamedEntity> imports, exports;
  std::vector<ResourceTypePtr> imported_resources, defined_resources;
  std::unordered_set<const ResourceType*> local_resources;  // `(type (resource ...))` here
  // The names resources were imported and exported under, for annotated function names.
  std::unordered_map<const ResourceType*, std::unordered_set<std::string>> import_resource_names, export_resource_names;
};

ComponentValidator::ComponentValidator(ComponentDecodeOptions features) : features_(features) {}
ComponentValidator::~ComponentValidator() = default;

void ComponentValidator::fail(std::string message, size_t offset) {
  throw wasm::DecodeError{std::move(message), offset, false};
}

void ComponentValidator::unsupported(std::string message, size_t offset) {
  throw wasm::DecodeError{std::move(message), offset, false, true};
}

ComponentValidator::Scope& ComponentValidator::outer(uint32_t count, size_t offset) {
  if (count >= scopes_.size()) fail(fmt::format("invalid outer alias count of {}", count), offset);
  return *scopes_[scopes_.size() - 1 - count];
}

// ---------------------------------------------------------------------------------------------
// Index spaces

uint32_t ComponentValidator::count(Sort s) const {
  const Scope& sc = *scopes_.back();
  switch (s) {
    case Sort::CoreFunc: return uint32_t(sc.core_funcs.size());
    case Sort::CoreTable: return uint32_t(sc.core_tables.size());
    case Sort::CoreMemory: return uint32_t(sc.core_memories.size());
    case Sort::CoreGlobal: return uint32_t(sc.core_globals.size());
    case Sort::CoreTag: return uint32_t(sc.core_tags.size());
    case Sort::CoreType: return uint32_t(sc.core_types.size());
    case Sort::CoreModule: return uint32_t(sc.modules.size());
    case Sort::CoreInstance: return uint32_t(sc.core_instances.size());
    case Sort::Func: return uint32_t(sc.funcs.size());
    case Sort::Value: return uint32_t(sc.values.size());
    case Sort::Type: return uint32_t(sc.types.size());
    case Sort::Component: return uint32_t(sc.components.size());
    case Sort::Instance: return uint32_t(sc.instances.size());
  }
  return 0;
}

void ComponentValidator::check_index(Sort s, uint32_t index, size_t offset) {
  if (index >= count(s)) {
    std::string what = sort_kind_name(s);
    if (is_core(s) && s != Sort::CoreModule) what = std::string(sort_name(s)).substr(5);
    if (what == "func") what = "function";
    fail(fmt::format("unknown {} {}: {} index out of bounds", what, index, what), offset);
  }
}

const TypeDef& ComponentValidator::type_at(uint32_t index, size_t offset) {
  if (index >= scope().types.size()) fail(fmt::format("unknown type {}: type index out of bounds", index), offset);
  return scope().types[index].def;
}

FuncTypePtr ComponentValidator::func_type_at(uint32_t index, size_t offset) {
  const TypeDef& d = type_at(index, offset);
  if (d.kind != TypeDef::Kind::Func) fail(fmt::format("type index {} is not a function type", index), offset);
  return d.func;
}

const wasm::FuncType& ComponentValidator::core_func(uint32_t index, size_t offset) {
  check_index(Sort::CoreFunc, index, offset);
  return scope().core_funcs[index];
}

CoreExternType ComponentValidator::core_extern(Sort s, uint32_t index, size_t offset) {
  check_index(s, index, offset);
  CoreExternType t;
  Scope& sc = scope();
  switch (s) {
    case Sort::CoreFunc: t.kind = CoreExternType::Kind::Func, t.func = sc.core_funcs[index]; break;
    case Sort::CoreTable: t = sc.core_tables[index]; break;
    case Sort::CoreMemory: t = sc.core_memories[index]; break;
    case Sort::CoreGlobal: t = sc.core_globals[index]; break;
    case Sort::CoreTag: t = sc.core_tags[index]; break;
    default: fail(fmt::format("a core {} cannot be exported from a core instance", sort_kind_name(s)), offset);
  }
  return t;
}

uint64_t ComponentValidator::type_size(const ValueTypePtr& t) {
  if (!t) return 0;
  if (is_primitive(t->kind)) return 1;
  auto it = sizes_.find(t.get());
  if (it != sizes_.end()) return it->second;
  uint64_t n = 1;
  n += type_size(t->element);
  n += type_size(t->ok) + type_size(t->err);
  for (const auto& f : t->fields) n += type_size(f.type);
  for (const auto& c : t->cases) n += type_size(c.type);
  n += t->names.size();
  n = std::min(n, kMaxTypeSize + 1);
  sizes_[t.get()] = n;
  return n;
}

void ComponentValidator::count_type(uint64_t size, size_t offset) {
  if (size > kMaxTypeSize) fail(fmt::format("effective type size exceeds the limit of {}", kMaxTypeSize), offset);
  total_type_size_ += size;
  if (total_type_size_ > 100 * kMaxTypeSize) fail("effective type size of the component exceeds the limit", offset);
}

ValueTypePtr ComponentValidator::valtype(const ValTypeRef& r, size_t offset, bool* vis_import, bool* vis_export) {
  if (!r.indexed) {
    if (r.primitive == ValueKind::ErrorContext && !features_.error_context)
      unsupported("error-context requires the component-model-error-context feature", offset);
    return ValueType::primitive(r.primitive);
  }
  const TypeDef& d = type_at(r.index, offset);
  if (d.kind != TypeDef::Kind::Value) fail(fmt::format("type index {} is not a defined type", r.index), offset);
  const TypeEntry& e = scope().types[r.index];
  if (vis_import) *vis_import = *vis_import && e.vis.import;
  if (vis_export) *vis_export = *vis_export && e.vis.export_;
  return d.value;
}

void ComponentValidator::push_type(TypeDef def, bool vi, bool ve, bool ci, bool ce, bool nominal) {
  if (scope().types.size() >= kMaxEntities) fail("too many types", 0);
  scope().types.push_back(TypeEntry{std::move(def), Vis{vi, ve}, Vis{ci, ce}, nominal});
}

// ---------------------------------------------------------------------------------------------
// Components

void ComponentValidator::begin_component(std::shared_ptr<Component> ir) {
  if (scopes_.size() > 100) fail("components nested too deeply", 0);
  auto s = std::make_unique<Scope>();
  s->kind = ScopeKind::Component;
  s->ir = std::move(ir);
  scopes_.push_back(std::move(s));
}

std::shared_ptr<Component> ComponentValidator::end_component(size_t offset) {
  Scope& sc = scope();
  for (size_t i = 0; i < sc.values.size(); ++i)
    if (!sc.values[i].used) fail(fmt::format("value index {} was not used as part of an instantiation, start function, or export", i), offset);
  auto type = std::make_shared<ComponentType>();
  type->imports = sc.imports;
  type->exports = sc.exports;
  type->imported = sc.imported_resources;
  type->defined = sc.defined_resources;
  std::shared_ptr<Component> ir = sc.ir;
  ir->type = type;
  scopes_.pop_back();
  return ir;
}

void ComponentValidator::nested_component(std::shared_ptr<const Component> c, size_t offset) {
  Scope& sc = scope();
  Definition d;
  d.kind = Definition::Kind::Component;
  d.offset = offset;
  d.index = uint32_t(sc.ir->components.size());
  sc.ir->components.push_back(c);
  sc.ir->definitions.push_back(std::move(d));
  sc.components.push_back(c->type);
}

void ComponentValidator::core_module(std::shared_ptr<const wasm::Module> module, size_t offset) {
  Scope& sc = scope();
  std::unordered_set<std::string> import_names;
  for (const wasm::Import& i : module->imports)
    if (!import_names.insert(i.module + '\0' + i.name).second)
      fail(fmt::format("duplicate import name `{}:{}`", i.module, i.name), offset);
  ModuleTypePtr type = module_type(*module);
  Definition d;
  d.kind = Definition::Kind::CoreModule;
  d.offset = offset;
  d.index = uint32_t(sc.ir->modules.size());
  sc.ir->modules.push_back(std::move(module));
  sc.ir->definitions.push_back(std::move(d));
  sc.modules.push_back(std::move(type));
}

void ComponentValidator::core_instantiate(uint32_t module, std::vector<NamedSortIndex> args, size_t offset) {
  Scope& sc = scope();
  check_index(Sort::CoreModule, module, offset);
  std::unordered_map<std::string, const CoreInstanceType*> by_name;
  for (const NamedSortIndex& a : args) {
    check_index(Sort::CoreInstance, a.item.index, offset);
    if (!by_name.emplace(a.name, sc.core_instances[a.item.index].get()).second)
      fail(fmt::format("duplicate module instantiation argument named `{}`", a.name), offset);
  }
  const ModuleType& mt = *sc.modules[module];
  for (const CoreImport& i : mt.imports) {
    auto it = by_name.find(i.module);
    if (it == by_name.end()) fail(fmt::format("missing module instantiation argument named `{}`", i.module), offset);
    const CoreExport* e = it->second->find(i.name);
    if (!e) fail(fmt::format("module instantiation argument `{}` does not export an item named `{}`", i.module, i.name), offset);
    if (auto r = match_core_extern(e->type, i.type); !r)
      fail(fmt::format("type mismatch for export `{}` of module instantiation argument `{}`: {}", i.name, i.module,
                       r.error().message),
           offset);
  }
  auto type = std::make_shared<CoreInstanceType>();
  type->exports = mt.exports;
  sc.core_instances.push_back(std::move(type));
  Definition d;
  d.kind = Definition::Kind::CoreInstantiate;
  d.offset = offset;
  d.index = module;
  d.items = std::move(args);
  sc.ir->definitions.push_back(std::move(d));
}

void ComponentValidator::core_inline_instance(std::vector<NamedSortIndex> exports, size_t offset) {
  Scope& sc = scope();
  auto type = std::make_shared<CoreInstanceType>();
  std::unordered_set<std::string> names;
  for (const NamedSortIndex& e : exports) {
    if (!names.insert(e.name).second) fail(fmt::format("export name `{}` already defined", e.name), offset);
    type->exports.push_back({e.name, core_extern(e.item.sort, e.item.index, offset)});

  }
  sc.core_instances.push_back(std::move(type));
  Definition d;
  d.kind = Definition::Kind::CoreInlineInstance;
  d.offset = offset;
  d.items = std::move(exports);
  sc.ir->definitions.push_back(std::move(d));
}

void ComponentValidator::core_func_type(wasm::FuncType type, size_t offset) {
  if (scope().core_types.size() >= kMaxEntities) fail("too many core types", offset);
  scope().core_types.push_back(CoreTypeEntry{nullptr, std::move(type)});
}

void ComponentValidator::core_module_type(const std::vector<ModuleDeclSyntax>& decls, size_t offset) {
  // The module type's own core type index space: its type declarations and outer aliases.
  std::vector<wasm::FuncType> types;
  auto type = std::make_shared<ModuleType>();
  std::unordered_set<std::string> import_names, export_names;
  auto resolve = [&](const ModuleDeclSyntax& d) {
    CoreExternType t = d.type;
    if (t.kind == CoreExternType::Kind::Func || t.kind == CoreExternType::Kind::Tag) {
      if (d.func_type_index >= types.size())
        fail(fmt::format("unknown type {}: type index out of bounds", d.func_type_index), offset);
      t.func = types[d.func_type_index];
    }
    return t;
  };
  for (const ModuleDeclSyntax& d : decls) {
    switch (d.kind) {
      case ModuleDeclSyntax::Kind::Type: types.push_back(d.func); break;
      case ModuleDeclSyntax::Kind::Alias: {
        // An outer alias from a module type counts the module type itself as depth 0.
        if (d.outer_count == 0) {
          if (d.outer_index >= types.size()) fail(fmt::format("unknown type {}: type index out of bounds", d.outer_index), offset);
          types.push_back(types[d.outer_index]);
          break;
        }
        Scope& o = outer(d.outer_count - 1, offset);
        if (d.outer_index >= o.core_types.size())
          fail(fmt::format("unknown type {}: type index out of bounds", d.outer_index), offset);
        if (o.core_types[d.outer_index].module) fail("a module type may only alias core function types", offset);
        types.push_back(o.core_types[d.outer_index].func);
        break;
      }
      case ModuleDeclSyntax::Kind::Import:
        if (!import_names.insert(d.module + '\0' + d.name).second)
          fail(fmt::format("duplicate import name `{}:{}`", d.module, d.name), offset);
        if (d.type.kind == CoreExternType::Kind::Memory && d.type.memory.limits.min > wasm::kMaxPages32)
          fail(fmt::format("memory size must be at most {} pages (4GiB)", wasm::kMaxPages32), offset);
        type->imports.push_back({d.module, d.name, resolve(d)});
        break;
      case ModuleDeclSyntax::Kind::Export:
        if (!export_names.insert(d.name).second) fail(fmt::format("export name `{}` already defined", d.name), offset);
        type->exports.push_back({d.name, resolve(d)});
        break;
    }
  }
  if (scope().core_types.size() >= kMaxEntities) fail("too many core types", offset);
  scope().core_types.push_back(CoreTypeEntry{std::move(type), {}});
}

// ---------------------------------------------------------------------------------------------
// Entities

EntityType ComponentValidator::entity_of(SortIndex item, size_t offset, bool* vi, bool* ve) {
  check_index(item.sort, item.index, offset);
  Scope& sc = scope();
  EntityType t;
  t.sort = item.sort;
  auto both = [&](Vis v) {
    if (vi) *vi = *vi && v.import;
    if (ve) *ve = *ve && v.export_;
  };
  switch (item.sort) {
    case Sort::CoreModule: t.module = sc.modules[item.index]; break;
    case Sort::Func: t.func = sc.funcs[item.index].type, both(sc.funcs[item.index].vis); break;
    case Sort::Value:
      if (sc.values[item.index].used) fail(fmt::format("value index {} cannot be used more than once", item.index), offset);
      sc.values[item.index].used = true;
      t.value = sc.values[item.index].type;
      break;
    case Sort::Type: {
      const TypeEntry& e = sc.types[item.index];
      t.type = e.def;
      both(Vis{e.vis.import || e.contents.import, e.vis.export_ || e.contents.export_});
      break;
    }
    case Sort::Component: t.component = sc.components[item.index]; break;
    case Sort::Instance: t.instance = sc.instances[item.index].type, both(sc.instances[item.index].vis); break;
    default: fail("core items other than modules cannot be used here", offset);
  }
  return t;
}

void ComponentValidator::push_entity(const EntityType& t, bool vi, bool ve, bool imported) {
  Scope& sc = scope();
  bool nominal = t.sort == Sort::Type && (t.type.kind == TypeDef::Kind::Resource || !self_contained(t));
  switch (t.sort) {
    case Sort::CoreModule: sc.modules.push_back(t.module); break;
    case Sort::Func: sc.funcs.push_back({t.func, Vis{vi, ve}}); break;
    case Sort::Value: sc.values.push_back({t.value, false}); break;
    case Sort::Type: push_type(t.type, vi, ve, true, true, nominal); break;
    case Sort::Component: sc.components.push_back(t.component); break;
    case Sort::Instance: sc.instances.push_back({t.instance, Vis{vi, ve}, imported}); break;
    default: break;
  }
}

EntityType ComponentValidator::extern_desc(const ExternDescSyntax& d, size_t offset, bool* vi, bool* ve) {
  EntityType t;
  switch (d.code) {
    case ExternCode::CoreModule: {
      t.sort = Sort::CoreModule;
      if (d.index >= scope().core_types.size())
        fail(fmt::format("unknown core type {}: type index out of bounds", d.index), offset);
      if (!scope().core_types[d.index].module) fail(fmt::format("core type index {} is not a module type", d.index), offset);
      t.module = scope().core_types[d.index].module;
      break;
    }
    case ExternCode::Func: {
      t.sort = Sort::Func;
      t.func = func_type_at(d.index, offset);
      const TypeEntry& e = scope().types[d.index];
      if (vi) *vi = *vi && (e.vis.import || e.contents.import);
      if (ve) *ve = *ve && (e.vis.export_ || e.contents.export_);
      break;
    }
    case ExternCode::Value:
      t.sort = Sort::Value;
      if (d.value_eq) {
        check_index(Sort::Value, d.index, offset);
        t.value = scope().values[d.index].type;
      } else {
        t.value = valtype(d.value, offset, vi, ve);
      }
      break;
    case ExternCode::Type:
      t.sort = Sort::Type;
      if (d.sub_resource) {
        t.type.kind = TypeDef::Kind::Resource;
        t.type.resource = std::make_shared<ResourceType>();
      } else {
        t.type = type_at(d.index, offset);
        const TypeEntry& e = scope().types[d.index];
        if (vi) *vi = *vi && (e.vis.import || e.contents.import);
        if (ve) *ve = *ve && (e.vis.export_ || e.contents.export_);
      }
      break;
    case ExternCode::Component: {
      t.sort = Sort::Component;
      const TypeDef& def = type_at(d.index, offset);
      if (def.kind != TypeDef::Kind::Component) fail(fmt::format("type index {} is not a component type", d.index), offset);
      t.component = def.component;
      break;
    }
    case ExternCode::Instance: {
      t.sort = Sort::Instance;
      const TypeDef& def = type_at(d.index, offset);
      if (def.kind != TypeDef::Kind::Instance) fail(fmt::format("type index {} is not an instance type", d.index), offset);
      t.instance = def.instance;
      const TypeEntry& e = scope().types[d.index];
      if (vi) *vi = *vi && e.vis.import;
      if (ve) *ve = *ve && e.vis.export_;
      break;
    }
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Names

void ComponentValidator::check_annotated_func(const ExternName& n, const EntityType& t, bool import, size_t offset) {
  using K = ExternName::Kind;
  if (n.kind != K::Constructor && n.kind != K::Method && n.kind != K::Static) return;
  if (t.sort != Sort::Func) fail(fmt::format("`{}` is not a func", n.text), offset);
  const FuncType& f = *t.func;
  Scope& sc = scope();
  auto& names = import ? sc.import_resource_names : sc.export_resource_names;
  auto resource_named = [&](const ResourceTypePtr& r) {
    auto it = names.find(r.get());
    if (it == names.end() || it->second.empty())
      fail("resource used in function does not have a name in this context", offset);
    if (!it->second.count(n.resource))
      fail(fmt::format("function does not match expected resource name `{}`", *it->second.begin()), offset);
  };
  switch (n.kind) {
    case K::Constructor: {
      if (!f.result) fail("function should return one value", offset);
      ValueTypePtr r = f.result;
      if (r->kind == ValueKind::Result && r->ok) r = r->ok;
      if (r->kind != ValueKind::Own) {
        fail("function should return `(own $T)` or `(result (own $T))`", offset);
      }
      resource_named(r->resource);
      break;
    }
    case K::Method: {
      if (f.params.empty()) fail("function should have at least one argument", offset);
      if (f.params[0].name != "self") fail("function should have a first argument called `self`", offset);
      const ValueTypePtr& p = f.params[0].type;
      if (p->kind != ValueKind::Borrow) fail("function should take a first argument of `(borrow $T)`", offset);
      resource_named(p->resource);
      break;
    }
    case K::Static: {
      bool known = false;
      for (const auto& [r, labels] : names) known = known || labels.count(n.resource);
      if (!known) fail("static resource name is not known in this context", offset);
      break;
    }
    default: break;
  }
}

void ComponentValidator::check_implements(const NameSyntax& ns, const ExternName& n, const EntityType& t) {
  if (!ns.implements) return;
  if (!features_.implements) fail("the `cm-implements` feature is not active", ns.offset);
  if (t.sort != Sort::Instance) fail("only instances can have an `implements`", ns.offset);
  if (n.kind != ExternName::Kind::Label) fail(fmt::format("name `{}` is not valid with `implements`", ns.name), ns.offset);
  if (ns.implements->empty()) fail("`` is not a valid name", ns.offset);
  auto iface = parse_extern_name(*ns.implements, false);
  if (!iface) fail(fmt::format("`{}` is not a valid name: {}", *ns.implements, iface.error().message), ns.offset);
  if (iface->kind != ExternName::Kind::Interface) fail(fmt::format("`{}` must be an interface name", *ns.implements), ns.offset);
}

void ComponentValidator::check_name(const NameSyntax& ns, bool import, const EntityType& t, size_t offset) {
  auto parsed = parse_extern_name(ns.name, import);
  if (!parsed)
    fail(fmt::format("{} name `{}` is not a valid extern name: {}", import ? "import" : "export", ns.name,
                     parsed.error().message),
         ns.offset);
  ExternName n = parsed.take();
  check_implements(ns, n, t);
  Scope& sc = scope();
  auto& keys = import ? sc.import_keys : sc.export_keys;
  std::string key = uniqueness_key(n);
  std::optional<std::string> clash = clash_key(n);
  if (keys.count(key) || (clash && keys.count(*clash))) {
    const auto& list = import ? sc.imports : sc.exports;
    std::string previous = ns.name;
    for (const NamedEntity& e : list) {
      auto p = parse_extern_name(e.name, import);
      if (p && (uniqueness_key(*p) == key || (clash && uniqueness_key(*p) == *clash))) previous = e.name;
    }
    fail(fmt::format("{} name `{}` conflicts with previous name `{}`", import ? "import" : "export", ns.name, previous), ns.offset);
  }
  keys.insert(key);
  check_annotated_func(n, t, import, offset);
}

// ---------------------------------------------------------------------------------------------
// Instances

void ComponentValidator::instantiate(uint32_t component, std::vector<NamedSortIndex> args, size_t offset) {
  Scope& sc = scope();
  check_index(Sort::Component, component, offset);
  const ComponentType& ct = *sc.components[component];
  std::unordered_map<std::string, EntityType> given;
  for (const NamedSortIndex& a : args) {
    EntityType t = entity_of(a.item, offset, nullptr, nullptr);
    if (!given.emplace(a.name, std::move(t)).second)
      fail(fmt::format("instantiation argument `{}` conflicts with previous argument `{}`", a.name, a.name), offset);
  }
  Matcher m;
  for (const ResourceTypePtr& r : ct.imported) m.bindable.insert(r.get());
  for (const NamedEntity& i : ct.imports) {
    auto it = given.find(i.name);
    if (it == given.end()) fail(fmt::format("missing import named `{}`", i.name), offset);
    if (auto r = m.entity(it->second, i.type); !r)
      fail(fmt::format("type mismatch for component instantiation argument `{}`: {}", i.name, r.error().message), offset);
  }
  ResourceMap map = m.bound;
  for (const ResourceTypePtr& r : ct.defined) {
    auto fresh = std::make_shared<ResourceType>();
    fresh->name = r->name;
    map[r.get()] = fresh;
    sc.defined_resources.push_back(fresh);
  }
  auto type = std::make_shared<InstanceType>();
  for (const NamedEntity& e : ct.exports) type->exports.push_back({e.name, substitute(e.type, map)});
  sc.instances.push_back({type, Vis{}});
  Definition d;
  d.entity.sort = Sort::Instance;
  d.entity.instance = type;
  d.kind = Definition::Kind::Instantiate;
  d.offset = offset;
  d.index = component;
  d.items = std::move(args);
  sc.ir->definitions.push_back(std::move(d));
}

void ComponentValidator::inline_instance(std::vector<std::pair<NameSyntax, SortIndex>> exports, size_t offset) {
  Scope& sc = scope();
  auto type = std::make_shared<InstanceType>();
  Vis vis;
  std::unordered_set<std::string> keys;
  Definition d;
  d.kind = Definition::Kind::InlineInstance;
  d.offset = offset;
  for (auto& [name, item] : exports) {
    EntityType t = entity_of(item, offset, &vis.import, &vis.export_);
    auto parsed = parse_extern_name(name.name, false);
    if (!parsed)
      fail(fmt::format("export name `{}` is not a valid extern name: {}", name.name, parsed.error().message), name.offset);
    check_implements(name, *parsed, t);
    if (!keys.insert(uniqueness_key(*parsed)).second)
      fail(fmt::format("export name `{}` conflicts with previous name `{}`", name.name, name.name), name.offset);
    if (parsed->kind == ExternName::Kind::Constructor || parsed->kind == ExternName::Kind::Method ||
        parsed->kind == ExternName::Kind::Static) {
      // Annotated functions of an inline instance name resources by this instance's own type
      // exports, which have no name in the enclosing context.
      bool named = false;
      for (const NamedEntity& e : type->exports)
        named = named || (e.type.sort == Sort::Type && e.name == parsed->resource);
      if (!named || parsed->kind != ExternName::Kind::Static)
        fail("resource used in function does not have a name in this context", name.offset);
    }
    type->exports.push_back({name.name, std::move(t)});
    d.items.push_back({name.name, item});
  }
  sc.instances.push_back({type, vis});
  sc.ir->definitions.push_back(std::move(d));
}

// ---------------------------------------------------------------------------------------------
// Aliases

namespace {

bool mentions_resources(const ValueTypePtr& t, const std::unordered_set<const ResourceType*>& own) {
  if (!t) return false;
  if (t->resource && !own.count(t->resource.get())) return true;
  if (mentions_resources(t->element, own) || mentions_resources(t->ok, own) || mentions_resources(t->err, own)) return true;
  for (const auto& f : t->fields)
    if (mentions_resources(f.type, own)) return true;
  for (const auto& c : t->cases)
    if (mentions_resources(c.type, own)) return true;
  return false;
}

bool mentions_resources(const EntityType& t, std::unordered_set<const ResourceType*> own);

bool mentions_resources(const TypeDef& d, const std::unordered_set<const ResourceType*>& own) {
  switch (d.kind) {
    case TypeDef::Kind::Value: return mentions_resources(d.value, own);
    case TypeDef::Kind::Resource: return !own.count(d.resource.get());
    case TypeDef::Kind::Func: {
      for (const auto& p : d.func->params)
        if (mentions_resources(p.type, own)) return true;
      return mentions_resources(d.func->result, own);
    }
    case TypeDef::Kind::Instance: {
      auto inner = own;
      for (const auto& r : d.instance->fresh) inner.insert(r.get());
      for (const auto& e : d.instance->exports)
        if (mentions_resources(e.type, inner)) return true;
      return false;
    }
    case TypeDef::Kind::Component: {
      auto inner = own;
      for (const auto& r : d.component->imported) inner.insert(r.get());
      for (const auto& r : d.component->defined) inner.insert(r.get());
      for (const auto& e : d.component->imports)
        if (mentions_resources(e.type, inner)) return true;
      for (const auto& e : d.component->exports)
        if (mentions_resources(e.type, inner)) return true;
      return false;
    }
  }
  return false;
}

bool mentions_resources(const EntityType& t, std::unordered_set<const ResourceType*> own) {
  switch (t.sort) {
    case Sort::Func: return mentions_resources(TypeDef{TypeDef::Kind::Func, nullptr, t.func, nullptr, nullptr, nullptr}, own);
    case Sort::Value: return mentions_resources(t.value, own);
    case Sort::Type: return mentions_resources(t.type, own);
    case Sort::Component: return mentions_resources(TypeDef{TypeDef::Kind::Component, nullptr, nullptr, t.component, nullptr, nullptr}, own);
    case Sort::Instance: return mentions_resources(TypeDef{TypeDef::Kind::Instance, nullptr, nullptr, nullptr, t.instance, nullptr}, own);
    default: return false;
  }
}

}  // namespace

void ComponentValidator::alias(const AliasSyntax& a, size_t offset) {
  Scope& sc = scope();
  if (sc.kind != ScopeKind::Component && a.sort != Sort::Type && a.sort != Sort::Instance && a.sort != Sort::CoreType)
    fail("aliases in component and instance types may only refer to types or instances", offset);
  Definition d;
  d.offset = offset;
  d.sort = a.sort;
  d.name = a.name;
  switch (a.target) {
    case AliasSyntax::Target::CoreExport: {
      check_index(Sort::CoreInstance, a.instance_or_count, offset);
      const CoreExport* e = sc.core_instances[a.instance_or_count]->find(a.name);
      if (!e) fail(fmt::format("core instance {} has no export named `{}`", a.instance_or_count, a.name), offset);
      using K = CoreExternType::Kind;
      constexpr Sort kSorts[] = {Sort::CoreFunc, Sort::CoreTable, Sort::CoreMemory, Sort::CoreGlobal, Sort::CoreTag};
      if (kSorts[size_t(e->type.kind)] != a.sort)
        fail(fmt::format("export `{}` for core instance {} is not a {}", a.name, a.instance_or_count,
                         std::string(sort_name(a.sort)).substr(5)),
             offset);
      switch (e->type.kind) {
        case K::Func: sc.core_funcs.push_back(e->type.func); break;
        case K::Table: sc.core_tables.push_back(e->type); break;
        case K::Memory: sc.core_memories.push_back(e->type); break;
        case K::Global: sc.core_globals.push_back(e->type); break;
        case K::Tag: sc.core_tags.push_back(e->type); break;
      }
      d.kind = Definition::Kind::AliasCoreExport;
      d.index = a.instance_or_count;
      break;
    }
    case AliasSyntax::Target::Export: {
      check_index(Sort::Instance, a.instance_or_count, offset);
      const InstanceType& it = *sc.instances[a.instance_or_count].type;
      const NamedEntity* e = it.find(a.name);
      if (!e) fail(fmt::format("instance {} has no export named `{}`", a.instance_or_count, a.name), offset);
      if (e->type.sort != a.sort)
        fail(fmt::format("export `{}` for instance {} is not a {}", a.name, a.instance_or_count, sort_kind_name(a.sort)), offset);
      if (a.sort == Sort::Value) unsupported("values are not supported", offset);
      // What an imported instance exports is named by the import; what a local instance exports
      // is named only if it needs no name.
      bool imported = sc.instances[a.instance_or_count].imported;
      bool named = imported || self_contained(e->type);
      push_entity(e->type, named, named, imported);
      d.entity = e->type;
      d.kind = Definition::Kind::AliasExport;
      d.index = a.instance_or_count;
      break;
    }
    case AliasSyntax::Target::Outer: {
      if (a.sort != Sort::Type && a.sort != Sort::CoreType && a.sort != Sort::CoreModule && a.sort != Sort::Component)
        fail("outer aliases may only refer to modules, types, or components", offset);
      Scope& o = outer(a.instance_or_count, offset);
      bool crosses_component = false;
      for (uint32_t i = 0; i < a.instance_or_count; ++i)
        crosses_component = crosses_component || scopes_[scopes_.size() - 1 - i]->kind == ScopeKind::Component;
      switch (a.sort) {
        case Sort::Type: {
          if (a.index >= o.types.size()) fail(fmt::format("unknown type {}: type index out of bounds", a.index), offset);
          TypeEntry e = o.types[a.index];
          if (crosses_component && mentions_resources(e.def, {}))
            fail("cannot alias outer type which transitively refers to resources not defined in the current component", offset);
          // Imports and exports of an enclosing component name nothing in this one.
          if (crosses_component && e.nominal) e.vis = Vis{false, false};
          sc.types.push_back(std::move(e));
          break;
        }
        case Sort::CoreType:
          if (a.index >= o.core_types.size()) fail(fmt::format("unknown core type {}: type index out of bounds", a.index), offset);
          sc.core_types.push_back(o.core_types[a.index]);
          break;
        case Sort::CoreModule:
          if (a.index >= o.modules.size()) fail(fmt::format("unknown module {}: module index out of bounds", a.index), offset);
          sc.modules.push_back(o.modules[a.index]);
          break;
        default:
          if (a.index >= o.components.size()) fail(fmt::format("unknown component {}: component index out of bounds", a.index), offset);
          sc.components.push_back(o.components[a.index]);
          break;
      }
      d.kind = Definition::Kind::AliasOuter;
      d.outer_count = a.instance_or_count;
      d.index = a.index;
      break;
    }
  }
  if (sc.ir) {
    if (d.kind == Definition::Kind::AliasOuter && a.sort == Sort::Type) {
      d.kind = Definition::Kind::Type;
      d.type = sc.types.back().def;
    }
    sc.ir->definitions.push_back(std::move(d));
  }
}

// ---------------------------------------------------------------------------------------------
// Types

namespace {

bool contains_borrow(const ValueTypePtr& t) {
  if (!t) return false;
  if (t->kind == ValueKind::Borrow) return true;
  if (contains_borrow(t->element) || contains_borrow(t->ok) || contains_borrow(t->err)) return true;
  for (const auto& f : t->fields)
    if (contains_borrow(f.type)) return true;
  for (const auto& c : t->cases)
    if (contains_borrow(c.type)) return true;
  return false;
}

}  // namespace

void ComponentValidator::defined_type(const DefValTypeSyntax& s, size_t offset) {
  auto t = std::make_shared<ValueType>();
  bool vi = true, ve = true;
  auto ref = [&](const ValTypeRef& r) { return valtype(r, offset, &vi, &ve); };
  auto unique_labels = [&](const char* what, const char* plural, auto get) {
    std::unordered_map<std::string, std::string> seen;
    for (size_t i = 0; i < s.labeled.size() + s.names.size(); ++i) {
      const std::string& l = get(i);
      if (l.empty()) fail(fmt::format("{} name cannot be empty", what), offset);
      if (!is_kebab(l)) fail(fmt::format("{} name `{}` is not in kebab case", what, l), offset);
      std::string low = l;
      for (char& c : low) c = char(std::tolower(uint8_t(c)));
      auto [it, fresh] = seen.emplace(low, l);
      if (!fresh) fail(fmt::format("{} name `{}` conflicts with previous {} name `{}`", what, l, plural, it->second), offset);
    }
  };
  switch (s.code) {
    case 0:
      if (s.primitive == ValueKind::ErrorContext && !features_.error_context)
        unsupported("error-context requires the component-model-error-context feature", offset);
      t = std::make_shared<ValueType>(*ValueType::primitive(s.primitive));
      break;
    case type_code::Record:
      t->kind = ValueKind::Record;
      if (s.labeled.empty()) fail("record type must have at least one field", offset);
      unique_labels("record field", "field", [&](size_t i) -> const std::string& { return s.labeled[i].label; });
      for (const LabeledType& f : s.labeled) t->fields.push_back({f.label, ref(*f.type)});
      break;
    case type_code::Variant:
      t->kind = ValueKind::Variant;
      if (s.labeled.empty()) fail("variant type must have at least one case", offset);
      unique_labels("variant case", "case", [&](size_t i) -> const std::string& { return s.labeled[i].label; });
      for (const LabeledType& c : s.labeled) t->cases.push_back({c.label, c.type ? ref(*c.type) : nullptr});
      break;
    case type_code::List:
      t->kind = ValueKind::List;
      t->element = ref(*s.a);
      break;
    case type_code::FixedList:
      if (!features_.fixed_length_lists) unsupported("fixed-length lists require the component-model-fixed-length-lists feature", offset);
      if (s.length == 0) fail("Fixed size lists must have more than zero elements", offset);
      t->kind = ValueKind::FixedList;
      t->element = ref(*s.a);
      t->length = s.length;
      break;
    case type_code::Tuple:
      t->kind = ValueKind::Tuple;
      if (s.types.empty()) fail("tuple type must have at least one type", offset);
      for (const ValTypeRef& r : s.types) t->fields.push_back({"", ref(r)});
      break;
    case type_code::Flags:
      t->kind = ValueKind::Flags;
      if (s.names.empty()) fail("flags must have at least one entry", offset);
      if (s.names.size() > kMaxFlags) fail(fmt::format("cannot have more than {} flags", kMaxFlags), offset);
      unique_labels("flag", "flag", [&](size_t i) -> const std::string& { return s.names[i]; });
      t->names = s.names;
      break;
    case type_code::Enum:
      t->kind = ValueKind::Enum;
      if (s.names.empty()) fail("enum type must have at least one variant", offset);
      unique_labels("enum tag", "tag", [&](size_t i) -> const std::string& { return s.names[i]; });
      t->names = s.names;
      break;
    case type_code::Option:
      t->kind = ValueKind::Option;
      t->element = ref(*s.a);
      break;
    case type_code::Result:
      t->kind = ValueKind::Result;
      if (s.a) t->ok = ref(*s.a);
      if (s.b) t->err = ref(*s.b);
      break;
    case type_code::Own:
    case type_code::Borrow: {
      t->kind = s.code == type_code::Own ? ValueKind::Own : ValueKind::Borrow;
      const TypeDef& d = type_at(s.resource, offset);
      if (d.kind != TypeDef::Kind::Resource) fail(fmt::format("type index {} is not a resource type", s.resource), offset);
      t->resource = d.resource;
      const TypeEntry& e = scope().types[s.resource];
      vi = e.vis.import, ve = e.vis.export_;
      break;
    }
    case type_code::Map: {
      if (!features_.map) unsupported("maps require the component-model-map feature", offset);
      // Explainer `keytype`: bool, the integers, char or string.
      ValueTypePtr key = ref(*s.a);
      bool key_ok = key->kind <= ValueKind::U64 || key->kind == ValueKind::Char || key->kind == ValueKind::String;
      if (!key_ok) fail(fmt::format("map key type `{}` is not a bool, integer, char or string", describe(key)), offset);
      // Despecialized as list<tuple<K, V>> (Explainer "Specialized value types").
      auto entry = std::make_shared<ValueType>();
      entry->kind = ValueKind::Tuple;
      entry->fields = {{"", key}, {"", ref(*s.b)}};
      t->kind = ValueKind::Map;
      t->element = std::move(entry);
      break;
    }
    case type_code::Stream:
    case type_code::Future: {
      if (!features_.async) unsupported("streams and futures require the component-model-async feature", offset);
      bool stream = s.code == type_code::Stream;
      t->kind = stream ? ValueKind::Stream : ValueKind::Future;
      if (s.a) {
        t->element = ref(*s.a);
        // Explainer "Streams and futures": no borrows (their scope is a call), and no
        // `stream<char>` for now.
        if (contains_borrow(t->element))
          fail(fmt::format("the payload of a {} cannot contain a `borrow`", to_string(t->kind)), offset);
        if (stream && t->element->kind == ValueKind::Char) fail("`stream<char>` is not valid at this time", offset);
      }
      break;
    }
    default:
      fail(fmt::format("invalid leading byte (0x{:x}) for component defined type", s.code), offset);
  }
  count_type(type_size(t), offset);
  // Children were checked when they were defined, so this walks at most kMaxTypeDepth levels.
  if (type_depth(t) > kMaxTypeDepth) fail("type nesting is too deep", offset);
  if (value_bytes(t) >= kMaxValueBytes)
    fail(fmt::format("type `{}` exceeds maximum byte size of {}", describe(t), kMaxValueBytes - 1), offset);
  TypeDef def;
  def.kind = TypeDef::Kind::Value;
  def.value = t;
  // Records, variants, enums and flags are nominal in WIT: a reference to one is visible only
  // once it has been imported or exported itself. Structural types are visible when their parts are.
  bool nominal = s.code == type_code::Record || s.code == type_code::Variant || s.code == type_code::Enum ||
                 s.code == type_code::Flags;
  push_type(def, nominal ? false : vi, nominal ? false : ve, vi, ve, nominal);
  if (scope().ir) {
    Definition d;
    d.kind = Definition::Kind::Type;
    d.offset = offset;
    d.type = def;
    scope().ir->definitions.push_back(std::move(d));
  }
}

void ComponentValidator::func_type(const FuncTypeSyntax& s, size_t offset) {
  if (s.async && !features_.async) unsupported("async functions need the component-model-async feature", offset);
  auto f = std::make_shared<FuncType>();
  f->async = s.async;
  bool vi = true, ve = true;
  std::unordered_set<std::string> names;
  uint64_t size = 1;
  for (const LabeledType& p : s.params) {
    if (p.label.empty()) fail("function parameter name cannot be empty", offset);
    if (!is_kebab(p.label)) fail(fmt::format("function parameter name `{}` is not in kebab case", p.label), offset);
    std::string low = p.label;
    for (char& c : low) c = char(std::tolower(uint8_t(c)));
    if (!names.insert(low).second) {
      std::string previous;
      for (const auto& q : f->params) {
        std::string l = q.name;
        for (char& c : l) c = char(std::tolower(uint8_t(c)));
        if (l == low) previous = q.name;
      }
      fail(fmt::format("function parameter name `{}` conflicts with previous parameter name `{}`", p.label, previous), offset);
    }
    f->params.push_back({p.label, valtype(*p.type, offset, &vi, &ve)});
    size += type_size(f->params.back().type);
  }
  if (s.result) {
    f->result = valtype(*s.result, offset, &vi, &ve);
    if (contains_borrow(f->result)) fail("function result cannot contain a `borrow` type", offset);
    size += type_size(f->result);
  }
  count_type(size, offset);
  TypeDef def;
  def.kind = TypeDef::Kind::Func;
  def.func = f;
  push_type(def, vi, ve, vi, ve);
  if (scope().ir) {
    Definition d;
    d.kind = Definition::Kind::Type;
    d.offset = offset;
    d.type = def;
    scope().ir->definitions.push_back(std::move(d));
  }
}

void ComponentValidator::resource_type(wasm::ValType rep, std::optional<uint32_t> dtor, size_t offset) {
  Scope& sc = scope();
  if (sc.kind != ScopeKind::Component) fail("resources can only be defined within a concrete component", offset);
  if (rep != wasm::ValType::I32) fail("resources can only be represented by `i32`", offset);
  if (dtor) {
    const wasm::FuncType& f = core_func(*dtor, offset);
    if (f != wasm::FuncType{{wasm::ValType::I32}, {}}) fail("wrong signature for a destructor", offset);
  }
  auto r = std::make_shared<ResourceType>();
  sc.defined_resources.push_back(r);
  sc.local_resources.insert(r.get());
  TypeDef def;
  def.kind = TypeDef::Kind::Resource;
  def.resource = r;
  push_type(def, false, false, true, true, true);
  Definition d;
  d.kind = Definition::Kind::Type;
  d.offset = offset;
  d.type = def;
  d.dtor = dtor;
  sc.ir->definitions.push_back(std::move(d));
}

void ComponentValidator::begin_type(ScopeKind kind, size_t offset) {
  if (scopes_.size() > 100) fail("types nested too deeply", offset);
  auto s = std::make_unique<Scope>();
  s->kind = kind;
  scopes_.push_back(std::move(s));
}

void ComponentValidator::end_type(size_t offset) {
  std::unique_ptr<Scope> inner = std::move(scopes_.back());
  scopes_.pop_back();
  TypeDef def;
  Vis vis;
  if (inner->kind == ScopeKind::InstanceType) vis = inner->deferred;
  uint64_t size = 1;
  for (const NamedEntity& e : inner->exports) size += e.type.value ? type_size(e.type.value) : 1;
  for (const NamedEntity& e : inner->imports) size += e.type.value ? type_size(e.type.value) : 1;
  count_type(size, offset);
  if (inner->kind == ScopeKind::InstanceType) {
    auto t = std::make_shared<InstanceType>();
    t->exports = std::move(inner->exports);
    t->fresh = std::move(inner->defined_resources);
    def.kind = TypeDef::Kind::Instance;
    def.instance = t;
  } else {
    auto t = std::make_shared<ComponentType>();
    t->imports = std::move(inner->imports);
    t->exports = std::move(inner->exports);
    t->imported = std::move(inner->imported_resources);
    t->defined = std::move(inner->defined_resources);
    def.kind = TypeDef::Kind::Component;
    def.component = t;
  }
  push_type(def, vis.import, vis.export_, vis.import, vis.export_);
  if (scope().ir) {
    Definition d;
    d.kind = Definition::Kind::Type;
    d.offset = offset;
    d.type = def;
    scope().ir->definitions.push_back(std::move(d));
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical definitions

void ComponentValidator::check_canon_options(const CanonSyntax& c, const FuncType& type, bool lift, size_t offset,
                                             CanonOptions& out) {
  std::optional<uint8_t> encoding;
  bool seen_memory = false, seen_realloc = false, seen_post_return = false;
  constexpr const char* kEncodings[] = {"utf8", "utf16", "latin1-utf16"};
  for (auto [code, index] : c.options) {
    switch (code) {
      case canonopt::Utf8:
      case canonopt::Utf16:
      case canonopt::Latin1Utf16:
        if (encoding)
          fail(fmt::format("canonical encoding option `{}` conflicts with option `{}`", kEncodings[*encoding], kEncodings[code]), offset);
        encoding = code;
        out.encoding = StringEncoding(code);
        break;
      case canonopt::Memory: {
        if (seen_memory) fail("canonical option `memory` is specified more than once", offset);
        seen_memory = true;
        check_index(Sort::CoreMemory, index, offset);
        out.memory = index;
        break;
      }
      case canonopt::Realloc: {
        if (seen_realloc) fail("canonical option `realloc` is specified more than once", offset);
        seen_realloc = true;
        const wasm::FuncType& f = core_func(index, offset);
        using V = wasm::ValType;
        if (f != wasm::FuncType{{V::I32, V::I32, V::I32, V::I32}, {V::I32}})
          fail("canonical option `realloc` uses a core function with an incorrect signature", offset);
        out.realloc = index;
        break;
      }
      case canonopt::PostReturn: {
        if (seen_post_return) fail("canonical option `post-return` is specified more than once", offset);
        seen_post_return = true;
        if (!lift) fail("canonical option `post-return` cannot be specified for lowerings", offset);
        core_func(index, offset);
        out.post_return = index;
        break;
      }
      case canonopt::Async:
        if (!features_.async) unsupported("canonical option `async` requires the component-model-async feature", offset);
        if (out.async) fail("canonical option `async` is specified more than once", offset);
        out.async = true;
        break;
      case canonopt::Callback: {
        if (!features_.async) unsupported("canonical option `callback` requires the component-model-async feature", offset);
        if (out.callback) fail("canonical option `callback` is specified more than once", offset);
        using V = wasm::ValType;
        if (core_func(index, offset) != wasm::FuncType{{V::I32, V::I32, V::I32}, {V::I32}})
          fail("canonical option `callback` uses a core function with an incorrect signature", offset);
        out.callback = index;
        break;
      }
      case canonopt::CoreType:
        unsupported("canonical option `core-type` requires the GC feature", offset);
      case canonopt::Gc:
        unsupported("canonical option `gc` requires the GC feature", offset);
      default:
        fail(fmt::format("invalid canonical option 0x{:x}", code), offset);
    }
  }
  // canonopt validation (CanonicalABI.md): `callback` only with `async` and only on a lift;
  // `async` never with `post-return`.
  if (out.callback && !out.async) fail("canonical option `callback` requires the `async` option", offset);
  if (out.callback && !lift) fail("canonical option `callback` is only allowed on `canon lift`", offset);
  if (out.async && out.post_return) fail("canonical option `post-return` cannot be used with `async`", offset);
  if (out.async && !type.async) fail("the `async` canonical option requires an async function type", offset);
  canon::FuncAbi abi = canon::compute_abi(type);
  if (out.realloc && !out.memory) fail("canonical option `realloc` requires `memory` to also be specified", offset);
  if (out.async) {
    // flatten_functype for async: a lift takes up to MAX_FLAT_PARAMS flat parameters and returns
    // its result through task.return (MAX_FLAT_PARAMS flat values at most); a lower takes up to
    // MAX_FLAT_ASYNC_PARAMS and always writes its result to memory.
    bool params_in_memory = abi.flat_params.size() > (lift ? canon::kMaxFlatParams : canon::kMaxFlatAsyncParams);
    bool result_in_memory = lift ? abi.flat_result.size() > canon::kMaxFlatParams : !abi.flat_result.empty();
    // CanonicalABI.md also asks an async lower for `memory` always; the spec's own tests and
    // Wasmtime ask for it only where a value goes through memory, as here.
    bool needs_memory = abi.params_use_memory || abi.result_uses_memory || params_in_memory || result_in_memory;
    bool needs_realloc = lift ? abi.params_use_memory || params_in_memory : abi.result_uses_memory;
    if (needs_memory && !out.memory) fail("canonical option `memory` is required", offset);
    if (needs_realloc && !out.realloc) fail("canonical option `realloc` is required", offset);
    return;
  }
  if (abi.needs_memory() && !out.memory) fail("canonical option `memory` is required", offset);
  if (abi.needs_realloc(lift) && !out.realloc) fail("canonical option `realloc` is required", offset);
  if (out.post_return) {
    const wasm::FuncType& f = core_func(*out.post_return, offset);
    if (f.params != core_types(lift ? abi.lift_core_results() : abi.lower_core_results()) || !f.results.empty())
      fail("canonical option `post-return` uses a core function with an incorrect signature", offset);
  }
}

void ComponentValidator::canon(const CanonSyntax& c, size_t offset) {
  Scope& sc = scope();
  Definition d;
  d.offset = offset;
  switch (c.code->shape) {
    case CanonShape::Lift: {
      const wasm::FuncType& core = core_func(c.func, offset);
      FuncTypePtr type = func_type_at(c.type, offset);
      check_canon_options(c, *type, true, offset, d.options);
      canon::FuncAbi abi = canon::compute_abi(*type);
      std::vector<wasm::ValType> params = core_types(abi.lift_core_params());
      std::vector<wasm::ValType> results = core_types(abi.lift_core_results());
      if (d.options.async) {
        // flatten_functype(opts, ft, 'lift') with `async`: the result goes through task.return;
        // a callback-driven lift returns its callback code.
        if (abi.flat_params.size() > canon::kMaxFlatParams) params = {wasm::ValType::I32};
        results.clear();
        if (d.options.callback) results = {wasm::ValType::I32};
      }
      if (core.params != params)
        fail(fmt::format("lowered parameter types `{}` do not match parameter types `{}` of core function {}",
                         describe_core(params), describe_core(core.params), c.func),
             offset);
      if (core.results != results)
        fail(fmt::format("lowered result types `{}` do not match result types `{}` of core function {}",
                         describe_core(results), describe_core(core.results), c.func),
             offset);
      const TypeEntry& e = sc.types[c.type];
      sc.funcs.push_back({type, Vis{e.vis.import || e.contents.import, e.vis.export_ || e.contents.export_}});
      d.kind = Definition::Kind::CanonLift;
      d.index = c.func;
      d.func = type;
      break;
    }
    case CanonShape::Lower: {
      check_index(Sort::Func, c.func, offset);
      FuncTypePtr type = sc.funcs[c.func].type;
      check_canon_options(c, *type, false, offset, d.options);
      canon::FuncAbi abi = canon::compute_abi(*type);
      if (d.options.async) {
        // flatten_functype(opts, ft, 'lower') with `async`: parameters past MAX_FLAT_ASYNC_PARAMS
        // through memory, the result always written to memory, the subtask's status returned.
        std::vector<wasm::ValType> params = core_types(abi.flat_params);
        if (abi.flat_params.size() > canon::kMaxFlatAsyncParams) params = {wasm::ValType::I32};
        if (!abi.flat_result.empty()) params.push_back(wasm::ValType::I32);
        d.core_type = {params, {wasm::ValType::I32}};
        sc.core_funcs.push_back(d.core_type);
      } else {
        sc.core_funcs.push_back({core_types(abi.lower_core_params()), core_types(abi.lower_core_results())});
      }
      d.kind = Definition::Kind::CanonLower;
      d.index = c.func;
      d.func = type;
      break;
    }
    case CanonShape::Type: {
      if (c.code->feature != CanonFeature::Mvp) {
        async_builtin(c, offset, d);
        break;
      }
      const TypeDef& t = type_at(c.type, offset);
      if (t.kind != TypeDef::Kind::Resource) fail(fmt::format("type index {} is not a resource type", c.type), offset);
      using V = wasm::ValType;
      if (c.code->code == 0x02) {
        if (!sc.local_resources.count(t.resource.get())) fail("type index is not a local resource", offset);
        sc.core_funcs.push_back({{V::I32}, {V::I32}});
        d.kind = Definition::Kind::ResourceNew;
      } else if (c.code->code == 0x03) {
        sc.core_funcs.push_back({{V::I32}, {}});
        d.kind = Definition::Kind::ResourceDrop;
      } else {
        if (!sc.local_resources.count(t.resource.get())) fail("type index is not a local resource", offset);
        sc.core_funcs.push_back({{V::I32}, {V::I32}});
        d.kind = Definition::Kind::ResourceRep;
      }
      d.type = t;
      break;
    }
    case CanonShape::Options:
    case CanonShape::Plain: {
      if (c.code->feature != CanonFeature::ErrorContext) {
        async_builtin(c, offset, d);
        break;
      }
      if (!features_.error_context)
        unsupported(fmt::format("`canon {}` requires the component-model-error-context feature", c.code->name), offset);
      // The options are checked as for lowering what the built-in passes (CanonicalABI.md
      // canon_error_context_new loads a string, debug-message stores one through realloc).
      using V = wasm::ValType;
      FuncType shape;
      if (c.code->code == 0x1c) {
        shape.params.push_back({"message", ValueType::primitive(ValueKind::String)});
        check_canon_options(c, shape, false, offset, d.options);
        if (d.options.async) fail("`error-context.new` cannot have the `async` canonical option", offset);
        sc.core_funcs.push_back({{V::I32, V::I32}, {V::I32}});
        d.kind = Definition::Kind::ErrorContextNew;
      } else if (c.code->code == 0x1d) {
        shape.result = ValueType::primitive(ValueKind::String);
        check_canon_options(c, shape, false, offset, d.options);
        if (d.options.async) fail("`error-context.debug-message` cannot have the `async` canonical option", offset);
        sc.core_funcs.push_back({{V::I32, V::I32}, {}});
        d.kind = Definition::Kind::ErrorContextDebugMessage;
      } else {
        sc.core_funcs.push_back({{V::I32}, {}});
        d.kind = Definition::Kind::ErrorContextDrop;
      }
      break;
    }
    default: async_builtin(c, offset, d); break;
  }
  sc.ir->definitions.push_back(std::move(d));
}

void ComponentValidator::async_builtin(const CanonSyntax& c, size_t offset, Definition& d) {
  namespace code = canon_code;
  const uint8_t op = c.code->code;
  if (c.code->feature == CanonFeature::Threading && !features_.threading)
    unsupported(fmt::format("`canon {}` requires the component-model-threading feature", c.code->name), offset);
  if (!features_.async)
    unsupported(fmt::format("`canon {}` requires the component-model-async feature", c.code->name), offset);
  Scope& sc = scope();
  d.kind = Definition::Kind::AsyncBuiltin;
  d.builtin = op;
  d.flag = c.flag;
  using V = wasm::ValType;
  const V I32 = V::I32;
  // The stream or future type a built-in names (`$stream_t` must be `(stream $t?)`, ...).
  auto copy_type = [&](ValueKind want) -> ValueTypePtr {
    const TypeDef& t = type_at(c.type, offset);
    if (t.kind != TypeDef::Kind::Value || t.value->kind != want)
      fail(fmt::format("`{}` requires a {} type, but type index {} is not one", c.code->name, to_string(want), c.type), offset);
    d.type = t;
    return t.value;
  };
  // stream.read/write, future.read/write: options as lowering (read: the element is stored into
  // memory, which may need realloc) or lifting (write: loaded from memory) the element; memory
  // whenever there is an element; `async` optional (🚝); nothing for lifts only.
  auto copy_options = [&](const ValueTypePtr& t, bool read) {
    FuncType shape;
    if (t) {
      if (read) shape.result = t->element;
      else if (t->element) shape.params.push_back({"value", t->element});
    }
    for (auto [opt, index] : c.options) {
      if (opt == canonopt::PostReturn) fail("canonical option `post-return` cannot be specified for lowerings", offset);
      if (opt == canonopt::Callback) fail("canonical option `callback` is only allowed on `canon lift`", offset);
    }
    CanonSyntax plain = c;
    std::erase_if(plain.options, [](const auto& o) { return o.first == canonopt::Async; });
    check_canon_options(plain, shape, false, offset, d.options);
    d.options.async = plain.options.size() != c.options.size();
    if (t && t->element && !d.options.memory) fail("canonical option `memory` is required", offset);
  };
  auto no_options = [&] {
    if (!c.options.empty()) fail(fmt::format("`{}` takes no canonical options", c.code->name), offset);
  };
  wasm::FuncType core;
  switch (op) {
    case code::TaskCancel: case code::BackpressureInc: case code::BackpressureDec: break;
    case code::SubtaskCancel: case code::StreamCancelRead: case code::StreamCancelWrite: case code::FutureCancelRead:
    case code::FutureCancelWrite: case code::ThreadSuspendThenResume: case code::ThreadYieldThenResume:
    case code::ThreadSuspendThenPromote: case code::ThreadYieldThenPromote:
      if (op == code::StreamCancelRead || op == code::StreamCancelWrite) copy_type(ValueKind::Stream);
      if (op == code::FutureCancelRead || op == code::FutureCancelWrite) copy_type(ValueKind::Future);
      core = {{I32}, {I32}};
      break;
    case code::TaskReturn: {
      // flatten_functype(opts, (func (param $t)?), 'lower'); only `memory` and `string-encoding`.
      for (auto [opt, index] : c.options) {
        if (opt != canonopt::Memory && opt != canonopt::Utf8 && opt != canonopt::Utf16 && opt != canonopt::Latin1Utf16)
          fail("`task.return` may only have the `memory` and `string-encoding` canonical options", offset);
      }
      auto shape = std::make_shared<FuncType>();
      if (c.result) {
        shape->result = valtype(*c.result, offset, nullptr, nullptr);
        if (contains_borrow(shape->result)) fail("function result cannot contain a `borrow` type", offset);
      }
      FuncType as_params;
      if (shape->result) as_params.params.push_back({"result", shape->result});
      check_canon_options(c, as_params, false, offset, d.options);
      canon::FuncAbi abi = canon::compute_abi(as_params);
      core.params = core_types(abi.flat_params);
      if (abi.params_in_memory) core.params = {I32};
      d.func = shape;
      break;
    }
    case code::ContextGet: case code::ContextSet:
      if (c.context_type != I32) {
        if (c.context_type == V::I64) unsupported("64-bit context slots need the memory64 component-model feature", offset);
        fail(fmt::format("`{}` requires type i32", c.code->name), offset);
      }
      if (c.type >= 2) fail(fmt::format("`{}` slot index {} is out of bounds (there are 2)", c.code->name, c.type), offset);
      d.index = c.type;
      core = op == code::ContextGet ? wasm::FuncType{{}, {I32}} : wasm::FuncType{{I32}, {}};
      break;
    case code::ThreadYield: case code::ThreadSuspend: case code::WaitableSetNew: case code::ThreadIndex:
      core = {{}, {I32}};
      break;
    case code::SubtaskDrop: case code::WaitableSetDrop: case code::ThreadResumeLater: core = {{I32}, {}}; break;
    case code::StreamNew: copy_type(ValueKind::Stream), core = {{}, {V::I64}}; break;
    case code::FutureNew: copy_type(ValueKind::Future), core = {{}, {V::I64}}; break;
    case code::StreamRead: case code::StreamWrite: {
      ValueTypePtr t = copy_type(ValueKind::Stream);
      copy_options(t, op == code::StreamRead);
      core = {{I32, I32, I32}, {I32}};
      break;
    }
    case code::FutureRead: case code::FutureWrite: {
      ValueTypePtr t = copy_type(ValueKind::Future);
      copy_options(t, op == code::FutureRead);
      core = {{I32, I32}, {I32}};
      break;
    }
    case code::StreamDropReadable: case code::StreamDropWritable:
      copy_type(ValueKind::Stream), core = {{I32}, {}};
      break;
    case code::FutureDropReadable: case code::FutureDropWritable:
      copy_type(ValueKind::Future), core = {{I32}, {}};
      break;
    case code::WaitableSetWait: case code::WaitableSetPoll: {
      check_index(Sort::CoreMemory, c.memory, offset);
      d.options.memory = c.memory;
      core = {{I32, I32}, {I32}};
      break;
    }
    case code::WaitableJoin: core = {{I32, I32}, {}}; break;
    case code::ThreadNewIndirect: {
      if (c.type >= sc.core_types.size())
        fail(fmt::format("unknown type {}: type index out of bounds", c.type), offset);
      if (sc.core_types[c.type].module || sc.core_types[c.type].func != wasm::FuncType{{I32}, {}})
        fail("`thread.new-indirect` requires a core function type (func (param i32))", offset);
      CoreExternType table = core_extern(Sort::CoreTable, c.table, offset);
      if (table.table.element != V::FuncRef) fail("`thread.new-indirect` requires a table of `funcref`", offset);
      d.index = c.table;
      core = {{I32, I32}, {I32}};
      break;
    }
    default:
      unsupported(fmt::format("`canon {}` requires a feature beyond the component model we implement", c.code->name), offset);
  }
  // Immediates each built-in does not have are never set by the decoder; options are checked above.
  if (op != code::TaskReturn && op != code::StreamRead && op != code::StreamWrite && op != code::FutureRead &&
      op != code::FutureWrite)
    no_options();
  d.core_type = core;
  sc.core_funcs.push_back(std::move(core));
}

void ComponentValidator::start(uint32_t, const std::vector<uint32_t>&, uint32_t, size_t offset) {
  unsupported("the start section requires the component-model-values feature", offset);
}


// ---------------------------------------------------------------------------------------------
// Imports and exports

void ComponentValidator::import(const NameSyntax& name, const ExternDescSyntax& desc, size_t offset) {
  Scope& sc = scope();
  if (sc.kind == ScopeKind::InstanceType) fail("instance types cannot have imports", offset);
  bool vi = true;
  EntityType t = extern_desc(desc, offset, &vi, nullptr);
  if (!vi) fail(fmt::format("{} not valid to be used as import", sort_kind_name(t.sort)), offset);
  if (t.sort == Sort::Type && t.type.kind == TypeDef::Kind::Resource && desc.sub_resource)
    sc.imported_resources.push_back(t.type.resource);
  t = freshen(t, sc.imported_resources);
  check_name(name, true, t, offset);
  if (t.sort == Sort::Type && t.type.kind == TypeDef::Kind::Resource)
    sc.import_resource_names[t.type.resource.get()].insert(name.name);
  sc.imports.push_back({name.name, t});
  push_entity(t, true, true, true);
  if (sc.ir) {
    Definition d;
    d.kind = Definition::Kind::Import;
    d.offset = offset;
    d.name = name.name;
    d.entity = t;
    sc.ir->definitions.push_back(std::move(d));
  }
}

void ComponentValidator::export_(const NameSyntax& name, SortIndex item, const std::optional<ExternDescSyntax>& ascribed,
                                 size_t offset) {
  Scope& sc = scope();
  EntityType t;
  bool ve = true;
  if (sc.kind == ScopeKind::Component) {
    t = entity_of(item, offset, nullptr, &ve);
    if (ascribed) {
      bool ave = true;
      EntityType want = extern_desc(*ascribed, offset, nullptr, &ave);
      Matcher m;
      if (auto r = m.entity(t, want); !r)
        fail(fmt::format("ascribed type of export is not compatible with item's type: {}", r.error().message), offset);
      if (want.sort == Sort::Type && ascribed->sub_resource) want.type = t.type;  // keeps the resource's identity
      t = std::move(want);
      ve = ave;
    }
  } else {
    // A declaration in a component or instance type: `(export "name" externdesc)`. Instance
    // types check the visibility of what they export where they are used.
    bool vi = true;
    t = extern_desc(*ascribed, offset, &vi, &ve);
    if (sc.kind == ScopeKind::InstanceType) {
      sc.deferred.import = sc.deferred.import && vi;
      sc.deferred.export_ = sc.deferred.export_ && ve;
      ve = true;
    }
    if (t.sort == Sort::Type && ascribed->sub_resource) sc.defined_resources.push_back(t.type.resource);
    // Each declared instance is an instance of its own, with its own abstract resources.
    t = freshen(t, sc.defined_resources);
  }
  if (!ve) fail(fmt::format("{} not valid to be used as export", sort_kind_name(t.sort)), offset);
  check_name(name, false, t, offset);
  if (t.sort == Sort::Type && t.type.kind == TypeDef::Kind::Resource)
    sc.export_resource_names[t.type.resource.get()].insert(name.name);
  sc.exports.push_back({name.name, t});
  // Exporting gives the item a new index, one that names it for later exports (imports may
  // refer only to imported names, except among an instance type's declarations, which have no
  // imports). An exported instance names what it exports.
  push_entity(t, sc.kind == ScopeKind::InstanceType, true, true);
  if (sc.ir) {
    Definition d;
    d.kind = Definition::Kind::Export;
    d.offset = offset;
    d.name = name.name;
    d.items.push_back({name.name, item});
    d.entity = t;
    sc.ir->definitions.push_back(std::move(d));
  }
}

}  // namespace wasmrun::component
