#include "runtime/component/type_matching.h"

#include <fmt/format.h>

#include "runtime/wasm/module.h"

namespace wasmrun::component {

size_t ResourceMap::position(const ResourceType* key) const {
  if (entries_.size() > kIndexed) {
    auto it = index_.find(key);
    return it == index_.end() ? entries_.size() : it->second;
  }
  for (size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].first == key) return i;
  return entries_.size();
}

std::pair<ResourceMap::iterator, bool> ResourceMap::emplace(const ResourceType* key, ResourceTypePtr value) {
  size_t at = position(key);
  if (at < entries_.size()) return {entries_.begin() + ptrdiff_t(at), false};
  entries_.emplace_back(key, std::move(value));
  if (entries_.size() > kIndexed) {
    if (index_.empty())
      for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
    else
      index_.emplace(key, entries_.size() - 1);
  }
  return {entries_.end() - 1, true};
}

const CoreExport* CoreInstanceType::find(std::string_view name) const {
  for (const CoreExport& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

const NamedEntity* InstanceType::find(std::string_view name) const {
  for (const NamedEntity& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

ModuleTypePtr module_type(const wasm::Module& m) {
  auto type = std::make_shared<ModuleType>();
  for (const wasm::Import& i : m.imports) {
    CoreExternType t;
    switch (i.kind) {
      case wasm::ExternKind::Func: t.kind = CoreExternType::Kind::Func, t.func = m.types[i.func_type]; break;
      case wasm::ExternKind::Table: t.kind = CoreExternType::Kind::Table, t.table = i.table; break;
      case wasm::ExternKind::Memory: t.kind = CoreExternType::Kind::Memory, t.memory = i.memory; break;
      case wasm::ExternKind::Global: t.kind = CoreExternType::Kind::Global, t.global = i.global; break;
    }
    type->imports.push_back({i.module, i.name, t});
  }
  for (const wasm::Export& e : m.exports) {
    CoreExternType t;
    switch (e.kind) {
      case wasm::ExternKind::Func: t.kind = CoreExternType::Kind::Func, t.func = m.func_type(e.index); break;
      case wasm::ExternKind::Table: t.kind = CoreExternType::Kind::Table, t.table = m.tables[e.index]; break;
      case wasm::ExternKind::Memory: t.kind = CoreExternType::Kind::Memory, t.memory = m.memories[e.index]; break;
      case wasm::ExternKind::Global: t.kind = CoreExternType::Kind::Global, t.global = m.global_types[e.index]; break;
    }
    type->exports.push_back({e.name, t});
  }
  return type;
}

const char* sort_kind_name(Sort s) {
  switch (s) {
    case Sort::CoreModule: return "module";
    case Sort::Func: return "func";
    case Sort::Value: return "value";
    case Sort::Type: return "type";
    case Sort::Component: return "component";
    case Sort::Instance: return "instance";
    default: return sort_name(s);
  }
}

// ---------------------------------------------------------------------------------------------
// Substitution

namespace {

struct Substituter {
  const ResourceMap& map;

  ResourceTypePtr resource(const ResourceTypePtr& r) const {
    if (!r) return r;
    auto it = map.find(r.get());
    return it == map.end() ? r : it->second;
  }

  // Rebuilds only the nodes under which a substituted resource occurs (copied on the first
  // change), so value-type identities (which the validator uses for external visibility)
  // survive where nothing changes, and instantiating a component whose types mention none of
  // its fresh resources allocates nothing here.
  ValueTypePtr value(const ValueTypePtr& t) const {
    if (!t || is_primitive(t->kind)) return t;
    std::shared_ptr<ValueType> copy;
    auto edit = [&]() -> ValueType& {
      if (!copy) copy = std::make_shared<ValueType>(*t);
      return *copy;
    };
    if (auto n = value(t->element); n != t->element) edit().element = std::move(n);
    if (auto n = value(t->ok); n != t->ok) edit().ok = std::move(n);
    if (auto n = value(t->err); n != t->err) edit().err = std::move(n);
    for (size_t i = 0; i < t->fields.size(); ++i)
      if (auto n = value(t->fields[i].type); n != t->fields[i].type) edit().fields[i].type = std::move(n);
    for (size_t i = 0; i < t->cases.size(); ++i)
      if (auto n = value(t->cases[i].type); n != t->cases[i].type) edit().cases[i].type = std::move(n);
    if (auto r = resource(t->resource); r != t->resource) edit().resource = std::move(r);
    return copy ? ValueTypePtr(std::move(copy)) : t;
  }

  FuncTypePtr func(const FuncTypePtr& f) const {
    if (!f) return f;
    std::shared_ptr<FuncType> copy;
    auto edit = [&]() -> FuncType& {
      if (!copy) copy = std::make_shared<FuncType>(*f);
      return *copy;
    };
    for (size_t i = 0; i < f->params.size(); ++i)
      if (auto n = value(f->params[i].type); n != f->params[i].type) edit().params[i].type = std::move(n);
    if (auto n = value(f->result); n != f->result) edit().result = std::move(n);
    return copy ? FuncTypePtr(std::move(copy)) : f;
  }

  TypeDef type_def(const TypeDef& t) const {
    TypeDef out = t;
    out.value = value(t.value);
    if (t.func) out.func = func(t.func);
    if (t.component) out.component = component(t.component);
    if (t.instance) out.instance = instance(t.instance);
    out.resource = resource(t.resource);
    return out;
  }

  // An entity type's parts, each the same pointer when nothing under it changes.
  bool same(const EntityType& a, const EntityType& b) const {
    return a.func == b.func && a.value == b.value && a.component == b.component && a.instance == b.instance &&
           a.type.value == b.type.value && a.type.func == b.type.func && a.type.component == b.type.component &&
           a.type.instance == b.type.instance && a.type.resource == b.type.resource;
  }

  InstanceTypePtr instance(const InstanceTypePtr& i) const {
    std::shared_ptr<InstanceType> copy;
    auto edit = [&]() -> InstanceType& {
      if (!copy) copy = std::make_shared<InstanceType>(*i);
      return *copy;
    };
    for (size_t k = 0; k < i->exports.size(); ++k)
      if (EntityType n = entity(i->exports[k].type); !same(n, i->exports[k].type)) edit().exports[k].type = std::move(n);
    for (size_t k = 0; k < i->fresh.size(); ++k)
      if (auto r = resource(i->fresh[k]); r != i->fresh[k]) edit().fresh[k] = std::move(r);
    return copy ? InstanceTypePtr(std::move(copy)) : i;
  }

  ComponentTypePtr component(const ComponentTypePtr& c) const {
    std::shared_ptr<ComponentType> copy;
    auto edit = [&]() -> ComponentType& {
      if (!copy) copy = std::make_shared<ComponentType>(*c);
      return *copy;
    };
    for (size_t k = 0; k < c->imports.size(); ++k)
      if (EntityType n = entity(c->imports[k].type); !same(n, c->imports[k].type)) edit().imports[k].type = std::move(n);
    for (size_t k = 0; k < c->exports.size(); ++k)
      if (EntityType n = entity(c->exports[k].type); !same(n, c->exports[k].type)) edit().exports[k].type = std::move(n);
    for (size_t k = 0; k < c->imported.size(); ++k)
      if (auto r = resource(c->imported[k]); r != c->imported[k]) edit().imported[k] = std::move(r);
    for (size_t k = 0; k < c->defined.size(); ++k)
      if (auto r = resource(c->defined[k]); r != c->defined[k]) edit().defined[k] = std::move(r);
    return copy ? ComponentTypePtr(std::move(copy)) : c;
  }

  EntityType entity(const EntityType& t) const {
    EntityType out = t;
    if (t.func) out.func = func(t.func);
    out.value = value(t.value);
    out.type = type_def(t.type);
    if (t.component) out.component = component(t.component);
    if (t.instance) out.instance = instance(t.instance);
    return out;
  }
};

// Looks for resources wherever Substituter replaces them.
struct Mentions {
  const std::unordered_set<const ResourceType*>& set;

  bool resource(const ResourceTypePtr& r) const { return r && set.count(r.get()); }

  bool value(const ValueTypePtr& t) const {
    if (!t || is_primitive(t->kind)) return false;
    if (value(t->element) || value(t->ok) || value(t->err) || resource(t->resource)) return true;
    for (const auto& f : t->fields)
      if (value(f.type)) return true;
    for (const auto& c : t->cases)
      if (value(c.type)) return true;
    return false;
  }

  bool func(const FuncTypePtr& f) const {
    if (!f) return false;
    for (const auto& p : f->params)
      if (value(p.type)) return true;
    return value(f->result);
  }

  bool type_def(const TypeDef& t) const {
    return value(t.value) || func(t.func) || component(t.component) || instance(t.instance) || resource(t.resource);
  }

  bool instance(const InstanceTypePtr& i) const {
    if (!i) return false;
    for (const auto& e : i->exports)
      if (entity(e.type)) return true;
    for (const auto& r : i->fresh)
      if (resource(r)) return true;
    return false;
  }

  bool component(const ComponentTypePtr& c) const {
    if (!c) return false;
    for (const auto& e : c->imports)
      if (entity(e.type)) return true;
    for (const auto& e : c->exports)
      if (entity(e.type)) return true;
    for (const auto& r : c->imported)
      if (resource(r)) return true;
    for (const auto& r : c->defined)
      if (resource(r)) return true;
    return false;
  }

  bool entity(const EntityType& t) const {
    return func(t.func) || value(t.value) || type_def(t.type) || component(t.component) || instance(t.instance);
  }
};

void collect_fresh(const EntityType& t, ResourceMap& map, std::vector<ResourceTypePtr>& created) {
  if (t.sort != Sort::Instance || !t.instance) return;
  for (const ResourceTypePtr& r : t.instance->fresh) {
    auto n = std::make_shared<ResourceType>();
    n->name = r->name;
    map[r.get()] = n;
    created.push_back(n);
  }
  for (const NamedEntity& e : t.instance->exports) collect_fresh(e.type, map, created);
}

}  // namespace

ValueTypePtr substitute(const ValueTypePtr& t, const ResourceMap& map) {
  return map.empty() ? t : Substituter{map}.value(t);
}

EntityType substitute(const EntityType& t, const ResourceMap& map) {
  return map.empty() ? t : Substituter{map}.entity(t);
}

bool mentions_any(const EntityType& t, const std::unordered_set<const ResourceType*>& resources) {
  return !resources.empty() && Mentions{resources}.entity(t);
}

EntityType freshen(const EntityType& t, std::vector<ResourceTypePtr>& created) {
  ResourceMap map;
  collect_fresh(t, map, created);
  if (map.empty()) return t;
  EntityType out = substitute(t, map);
  // The new resources are no longer abstract: later uses of this instance see them as given.
  if (out.instance) {
    auto copy = std::make_shared<InstanceType>(*out.instance);
    copy->fresh.clear();
    out.instance = copy;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Descriptions for messages

std::string describe(const ValueTypePtr& t) {
  if (!t) return "none";
  return to_string(t->kind);
}

std::string describe(const CoreExternType& t) {
  using K = CoreExternType::Kind;
  auto types = [](const std::vector<wasm::ValType>& v) {
    std::string s;
    for (auto x : v) s += (s.empty() ? "" : " ") + std::string(wasm::to_string(x));
    return s;
  };
  switch (t.kind) {
    case K::Func:
    case K::Tag: {
      std::string s = t.kind == K::Func ? "(func" : "(tag";
      if (!t.func.params.empty()) s += " (param " + types(t.func.params) + ")";
      if (!t.func.results.empty()) s += " (result " + types(t.func.results) + ")";
      return s + ")";
    }
    case K::Table: return "table";
    case K::Memory: return "memory";
    case K::Global: return "global";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Subtyping

namespace {

Error mismatch(std::string what, const Error& inner) { return Error{what + ": " + inner.message}; }

bool limits_match(const wasm::Limits& actual, const wasm::Limits& expected) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

const char* core_kind_name(CoreExternType::Kind k) {
  constexpr const char* kNames[] = {"func", "table", "memory", "global", "tag"};
  return kNames[size_t(k)];
}

const char* type_def_kind(TypeDef::Kind k) {
  constexpr const char* kNames[] = {"defined type", "func type", "component type", "instance type", "resource"};
  return kNames[size_t(k)];
}

}  // namespace

Expected<void> match_core_extern(const CoreExternType& actual, const CoreExternType& expected, bool link_wording) {
  using K = CoreExternType::Kind;
  if (actual.kind != expected.kind)
    return Error{fmt::format(fmt::runtime(link_wording ? "expected {} found {}" : "expected {}, found {}"), core_kind_name(expected.kind),
                             core_kind_name(actual.kind))};
  switch (actual.kind) {
    case K::Func:
    case K::Tag:
      if (actual.func != expected.func) {
        if (link_wording)
          return Error{fmt::format("expected type `{}`, found type `{}`", describe(expected), describe(actual))};
        return Error{fmt::format("type mismatch: expected: {}, found: {}", describe(expected), describe(actual))};
      }
      return {};
    case K::Table:
      if (actual.table.element != expected.table.element)
        return Error{fmt::format("expected table element type {}, found {}", wasm::to_string(expected.table.element),
                                 wasm::to_string(actual.table.element))};
      if (!limits_match(actual.table.limits, expected.table.limits)) return Error{"mismatch in table limits"};
      return {};
    case K::Memory:
      if (!limits_match(actual.memory.limits, expected.memory.limits)) return Error{"mismatch in memory limits"};
      return {};
    case K::Global:
      if (actual.global.is_mutable != expected.global.is_mutable) return Error{"global types differ in mutability"};
      if (actual.global.type != expected.global.type)
        return Error{fmt::format("expected global type {}, found {}", wasm::to_string(expected.global.type),
                                 wasm::to_string(actual.global.type))};
      return {};
  }
  return {};
}

Expected<void> Matcher::resource(const ResourceTypePtr& actual, const ResourceTypePtr& expected) {
  if (actual == expected) return {};
  auto it = bound.find(expected.get());
  if (it != bound.end()) {
    if (it->second != actual) return Error{link_wording ? "mismatched resource types" : "resource types are not the same"};
    return {};
  }
  // Comparing component types, the actual side's imported resources are bound to the expected
  // side's (contravariant imports), and appear on the actual side of its exports.
  auto back = bound.find(actual.get());
  if (back != bound.end() && back->second == expected) return {};
  if (bind_any || bindable.count(expected.get())) {
    bound[expected.get()] = actual;
    return {};
  }
  return Error{link_wording ? "mismatched resource types" : "resource types are not the same"};
}

Expected<void> Matcher::value(const ValueTypePtr& a, const ValueTypePtr& e) {
  if (a == e) return {};
  if (!a || !e) return Error{fmt::format("expected {}, found {}", describe(e), describe(a))};
  if (a->kind != e->kind) {
    // Worded as wasmparser words it: a primitive written inline is named, one defined by a type
    // definition (a node other than the shared primitive one) is "primitive".
    auto inline_primitive = [](const ValueTypePtr& t) { return t == ValueType::primitive(t->kind); };
    if (is_primitive(a->kind) && is_primitive(e->kind))
      return Error{fmt::format("expected primitive `{}` found primitive `{}`", to_string(e->kind), to_string(a->kind))};
    std::string want = is_primitive(e->kind) && !inline_primitive(e) ? "primitive" : to_string(e->kind);
    return Error{fmt::format("expected {}, found {}", want, to_string(a->kind))};
  }
  switch (a->kind) {
    case ValueKind::Record:
    case ValueKind::Tuple: {
      bool record = a->kind == ValueKind::Record;
      if (a->fields.size() != e->fields.size())
        return Error{fmt::format("expected {} {}, found {}", e->fields.size(), record ? "fields" : "types", a->fields.size())};
      for (size_t i = 0; i < a->fields.size(); ++i) {
        if (record && a->fields[i].name != e->fields[i].name)
          return Error{fmt::format("expected field name `{}`, found `{}`", e->fields[i].name, a->fields[i].name)};
        if (auto r = value(a->fields[i].type, e->fields[i].type); !r)
          return mismatch(record ? fmt::format("type mismatch in record field `{}`", e->fields[i].name)
                                 : fmt::format("type mismatch in tuple field {}", i),
                          r.error());
      }
      return {};
    }
    case ValueKind::Variant: {
      if (a->cases.size() != e->cases.size())
        return Error{fmt::format("expected {} cases, found {}", e->cases.size(), a->cases.size())};
      for (size_t i = 0; i < a->cases.size(); ++i) {
        if (a->cases[i].name != e->cases[i].name)
          return Error{fmt::format("expected case named `{}`, found `{}`", e->cases[i].name, a->cases[i].name)};
        if (e->cases[i].type && !a->cases[i].type)
          return Error{fmt::format("expected case `{}` to have a type, found none", e->cases[i].name)};
        if (!e->cases[i].type && a->cases[i].type)
          return Error{fmt::format("expected case `{}` to have no type", e->cases[i].name)};
        if (auto r = value(a->cases[i].type, e->cases[i].type); !r)
          return mismatch(fmt::format("type mismatch in variant case `{}`", e->cases[i].name), r.error());
      }
      return {};
    }
    case ValueKind::Enum:
      if (a->names != e->names) return Error{"mismatch in enum elements"};
      return {};
    case ValueKind::Flags:
      if (a->names != e->names) return Error{"mismatch in flags elements"};
      return {};
    case ValueKind::List:
    case ValueKind::FixedList:
    case ValueKind::Option:
    case ValueKind::Map:
      if (a->length != e->length) return Error{"mismatch in fixed-length list length"};
      if (auto r = value(a->element, e->element); !r)
        return mismatch(fmt::format("type mismatch in {}", to_string(a->kind)), r.error());
      return {};
    case ValueKind::Result:
      if (e->ok && !a->ok) return Error{"expected ok type, but found none"};
      if (!e->ok && a->ok) return Error{"expected ok type to not be present"};
      if (auto r = value(a->ok, e->ok); !r) return mismatch("type mismatch in ok variant", r.error());
      if (e->err && !a->err) return Error{"expected err type, but found none"};
      if (!e->err && a->err) return Error{"expected err type to not be present"};
      if (auto r = value(a->err, e->err); !r) return mismatch("type mismatch in err variant", r.error());
      return {};
    case ValueKind::Own:
    case ValueKind::Borrow:
      return resource(a->resource, e->resource);
    case ValueKind::Stream:
    case ValueKind::Future:
      if (!a->element != !e->element)
        return Error{fmt::format("expected {} type {}, found {}", to_string(a->kind),
                                 e->element ? "with an element" : "without an element",
                                 a->element ? "one with an element" : "one without")};
      if (auto r = value(a->element, e->element); !r)
        return mismatch(fmt::format("type mismatch in {}", to_string(a->kind)), r.error());
      return {};
    default:
      return {};  // primitives of the same kind
  }
}

Expected<void> Matcher::func(const FuncType& a, const FuncType& e) {
  // An async function type is a different type, not a subtype (Explainer "Function types").
  if (a.async != e.async)
    return Error{fmt::format("expected {} function, found {} function", e.async ? "async" : "sync", a.async ? "async" : "sync")};
  if (a.params.size() != e.params.size())
    return Error{fmt::format("expected {} parameters, found {}", e.params.size(), a.params.size())};
  for (size_t i = 0; i < a.params.size(); ++i) {
    // Host functions have unnamed parameters; the linker matches them by type (as Wasmtime's).
    bool unnamed = link_wording && a.params[i].name.empty();
    if (!unnamed && a.params[i].name != e.params[i].name)
      return Error{fmt::format("expected parameter named `{}`, found `{}`", e.params[i].name, a.params[i].name)};
    // Parameters are contravariant, but value subtyping is equality, so the order is moot.
    if (auto r = value(a.params[i].type, e.params[i].type); !r)
      return mismatch(fmt::format("type mismatch in function parameter `{}`", e.params[i].name), r.error());
  }
  if (!a.result != !e.result)
    // Worded as wasmparser words it (which names the sides the other way round).
    return Error{a.result ? "expected a result, found none" : "expected no result, found a result"};
  if (auto r = value(a.result, e.result); !r) return mismatch("type mismatch with result type", r.error());
  return {};
}

Expected<void> Matcher::type_def(const TypeDef& a, const TypeDef& e) {
  if (link_wording && a.kind != e.kind && e.kind == TypeDef::Kind::Resource) return Error{"expected resource found type"};
  if (a.kind != e.kind)
    return Error{fmt::format("expected {}, found {}", type_def_kind(e.kind), type_def_kind(a.kind))};
  switch (a.kind) {
    case TypeDef::Kind::Value: return value(a.value, e.value);
    case TypeDef::Kind::Func: return func(*a.func, *e.func);
    case TypeDef::Kind::Component: return component(*a.component, *e.component);
    case TypeDef::Kind::Instance: return instance(*a.instance, *e.instance);
    case TypeDef::Kind::Resource: return resource(a.resource, e.resource);
  }
  return {};
}

Expected<void> Matcher::instance(const InstanceType& a, const InstanceType& e) {
  for (const NamedEntity& want : e.exports) {
    const NamedEntity* have = a.find(want.name);
    if (!have) {
      // A linker has nothing to provide for a non-resource type: any structurally equal type
      // will do, and the importer's own definition stands (Wasmtime's linker).
      if (link_wording && want.type.sort == Sort::Type &&
          (want.type.type.kind != TypeDef::Kind::Resource || bound.count(want.type.type.resource.get())))
        continue;
      return Error{fmt::format(fmt::runtime(link_wording ? "instance export `{}` was not found" : "missing expected export `{}`"), want.name)};
    }
    if (auto r = entity(have->type, want.type); !r)
      return mismatch(fmt::format(fmt::runtime(link_wording ? "instance export `{}` has the wrong type" : "type mismatch in instance export `{}`"),
                                  want.name),
                      r.error());
  }
  return {};
}

Expected<void> Matcher::component(const ComponentType& a, const ComponentType& e) {
  for (const auto& r : a.imported) bindable.insert(r.get());
  for (const auto& r : e.defined) bindable.insert(r.get());
  // Imports are contravariant: everything the actual component imports, the expected type must
  // provide, at a subtype of what the actual one asks for.
  for (const NamedEntity& need : a.imports) {
    const NamedEntity* give = nullptr;
    for (const NamedEntity& i : e.imports)
      if (i.name == need.name) give = &i;
    if (!give) return Error{fmt::format("missing expected import `{}`", need.name)};
    if (auto r = entity(give->type, need.type); !r)
      return mismatch(fmt::format("type mismatch in import `{}`", need.name), r.error());
  }
  for (const NamedEntity& want : e.exports) {
    const NamedEntity* have = nullptr;
    for (const NamedEntity& x : a.exports)
      if (x.name == want.name) have = &x;
    if (!have) return Error{fmt::format("missing expected export `{}`", want.name)};
    if (auto r = entity(have->type, want.type); !r)
      return mismatch(fmt::format("type mismatch in export `{}`", want.name), r.error());
  }
  return {};
}

Expected<void> Matcher::module(const ModuleType& a, const ModuleType& e) {
  for (const CoreImport& need : a.imports) {
    const CoreImport* give = nullptr;
    for (const CoreImport& i : e.imports)
      if (i.module == need.module && i.name == need.name) give = &i;
    if (!give)
      return Error{fmt::format(fmt::runtime(link_wording ? "module import `{}::{}` not defined" : "missing expected import `{}::{}`"),
                               need.module, need.name)};
    if (auto r = match_core_extern(give->type, need.type, link_wording); !r)
      return mismatch(fmt::format(fmt::runtime(link_wording ? "module import `{}::{}` has the wrong type" : "type mismatch in import `{}::{}`"),
                                  need.module, need.name),
                      r.error());
  }
  for (const CoreExport& want : e.exports) {
    const CoreExport* have = nullptr;
    for (const CoreExport& x : a.exports)
      if (x.name == want.name) have = &x;
    if (!have)
      return Error{fmt::format(fmt::runtime(link_wording ? "module export `{}` not defined" : "missing expected export `{}`"), want.name)};
    if (auto r = match_core_extern(have->type, want.type, link_wording); !r)
      return mismatch(fmt::format(fmt::runtime(link_wording ? "export `{}` has the wrong type" : "type mismatch in export `{}`"), want.name),
                      r.error());
  }
  return {};
}

Expected<void> Matcher::entity(const EntityType& a, const EntityType& e) {
  if (a.sort != e.sort) {
    if (link_wording) {
      bool resource = e.sort == Sort::Type && e.type.kind == TypeDef::Kind::Resource;
      return Error{fmt::format("expected {} found {}", resource ? "resource" : e.sort == Sort::Func ? "function" : sort_kind_name(e.sort),
                               sort_kind_name(a.sort))};
    }
    return Error{fmt::format("expected {}, found {}", sort_kind_name(e.sort), sort_kind_name(a.sort))};
  }
  switch (a.sort) {
    case Sort::CoreModule: return module(*a.module, *e.module);
    case Sort::Func: return func(*a.func, *e.func);
    case Sort::Value: return value(a.value, e.value);
    case Sort::Type: return type_def(a.type, e.type);
    case Sort::Component: return component(*a.component, *e.component);
    case Sort::Instance: return instance(*a.instance, *e.instance);
    default: return {};
  }
}

}  // namespace wasmrun::component
