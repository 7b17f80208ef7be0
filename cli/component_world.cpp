#include "cli/component_world.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace wasmrun::cli {
namespace {

using component::ValueKind;
using component::ValueType;

// Names a type gets in WIT come from the type exports of instances (and the type imports and
// exports of the component): validation resolves every reference to such a type to the same
// object, so a value type or resource is recognised by identity wherever a function uses it.
class WorldBuilder {
 public:
  explicit WorldBuilder(wit::Resolve& r) : r_(r) {}

  Expected<wit::WorldId> build(const component::ComponentType& type);

 private:
  wit::PackageId package(const std::string& ns, const std::string& name, const std::optional<wit::Version>& version);
  Expected<wit::InterfaceId> instance_interface(const std::string& import_name, const component::InstanceType& type,
                                                bool& plain);
  Expected<void> fill_interface(wit::InterfaceId id, const component::InstanceType& type);
  Expected<wit::TypeId> named_type(const std::string& name, const component::TypeDef& def, wit::Owner owner);
  wit::TypeRef type_ref(const component::ValueTypePtr& type, wit::Owner owner);
  wit::TypeId resource(const component::ResourceTypePtr& resource, wit::Owner owner);
  Expected<wit::Function> function(const std::string& name, const component::FuncType& type, wit::Owner owner,
                                   const std::vector<std::pair<std::string, wit::TypeId>>& scope);
  wit::TypeId add(wit::TypeDef def) {
    r_.types.push_back(std::move(def));
    return wit::TypeId(r_.types.size() - 1);
  }
  Expected<void> items(const std::vector<component::NamedEntity>& entities, std::vector<wit::WorldItem>& out);

  wit::Resolve& r_;
  wit::WorldId world_ = 0;
  // The first name of each named value type and resource, and the names it has in other
  // interfaces and worlds (`use`d, or renamed), by owner: a reference prints the local one.
  std::map<const ValueType*, wit::TypeId> named_values_;
  std::map<const component::ResourceType*, wit::TypeId> resources_;
  std::map<std::pair<uint64_t, const void*>, wit::TypeId> local_names_;
  static uint64_t key(wit::Owner o) { return (uint64_t(o.kind) << 32) | o.id; }
  std::optional<wit::TypeId> local(wit::Owner o, const void* type) const {
    auto it = local_names_.find({key(o), type});
    if (it == local_names_.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, wit::InterfaceId> interfaces_;  // by interface name
  std::vector<std::pair<std::string, wit::TypeId>> world_types_;
  int anonymous_ = 0;
  // Types WIT must name that the component left unnamed (a record used inline, a resource no
  // export names), by owner: printed with the owner's own types.
  std::map<uint64_t, std::vector<std::pair<std::string, wit::TypeId>>> invented_;
};

wit::Prim prim_of(ValueKind k) {
  switch (k) {
    case ValueKind::Bool: return wit::Prim::Bool;
    case ValueKind::S8: return wit::Prim::S8;
    case ValueKind::U8: return wit::Prim::U8;
    case ValueKind::S16: return wit::Prim::S16;
    case ValueKind::U16: return wit::Prim::U16;
    case ValueKind::S32: return wit::Prim::S32;
    case ValueKind::U32: return wit::Prim::U32;
    case ValueKind::S64: return wit::Prim::S64;
    case ValueKind::U64: return wit::Prim::U64;
    case ValueKind::F32: return wit::Prim::F32;
    case ValueKind::F64: return wit::Prim::F64;
    case ValueKind::Char: return wit::Prim::Char;
    case ValueKind::ErrorContext: return wit::Prim::ErrorContext;
    default: return wit::Prim::String;
  }
}

// `ns:pkg/iface@1.2.3` → its parts, or nothing for a plain name.
struct InterfaceName {
  std::string ns, package, name;
  std::optional<wit::Version> version;
};
std::optional<InterfaceName> parse_interface_name(const std::string& s) {
  size_t colon = s.find(':'), slash = s.find('/');
  if (colon == std::string::npos || slash == std::string::npos || slash < colon) return std::nullopt;
  InterfaceName out;
  out.ns = s.substr(0, colon);
  out.package = s.substr(colon + 1, slash - colon - 1);
  std::string rest = s.substr(slash + 1);
  size_t at = rest.find('@');
  out.name = rest.substr(0, at);
  if (at != std::string::npos) {
    out.version = wit::parse_version(rest.substr(at + 1));
    if (!out.version) return std::nullopt;
  }
  return out;
}

}  // namespace

wit::PackageId WorldBuilder::package(const std::string& ns, const std::string& name,
                                     const std::optional<wit::Version>& version) {
  wit::PackageName pn{ns, name, version};
  if (auto id = r_.find_package(pn)) return *id;
  r_.packages.push_back(wit::Package{pn, {}, {}, {}});
  return wit::PackageId(r_.packages.size() - 1);
}

wit::TypeId WorldBuilder::resource(const component::ResourceTypePtr& res, wit::Owner owner) {
  if (auto id = local(owner, res.get())) return *id;
  if (auto it = resources_.find(res.get()); it != resources_.end()) return it->second;
  // A resource no type export names: it keeps the name it was bound to.
  wit::TypeDef def;
  def.name = res->name.empty() ? fmt::format("resource{}", ++anonymous_) : res->name;
  def.owner = owner;
  def.kind = wit::TypeKind::Resource;
  std::string name = def.name;
  wit::TypeId id = add(std::move(def));
  resources_[res.get()] = id;
  invented_[key(owner)].emplace_back(name, id);
  return id;
}

wit::TypeRef WorldBuilder::type_ref(const component::ValueTypePtr& t, wit::Owner owner) {
  if (component::is_primitive(t->kind)) return wit::TypeRef{prim_of(t->kind)};
  if (auto id = local(owner, t.get())) return wit::TypeRef::of(*id);
  if (auto it = named_values_.find(t.get()); it != named_values_.end()) return wit::TypeRef::of(it->second);
  wit::TypeDef def;
  def.owner = owner;
  switch (t->kind) {
    case ValueKind::List: case ValueKind::FixedList: case ValueKind::Option:
      def.kind = t->kind == ValueKind::List ? wit::TypeKind::List
                 : t->kind == ValueKind::Option ? wit::TypeKind::Option : wit::TypeKind::FixedList;
      def.target = type_ref(t->element, owner);
      def.length = t->length;
      break;
    case ValueKind::Tuple:
      def.kind = wit::TypeKind::Tuple;
      for (const auto& f : t->fields) def.elements.push_back(type_ref(f.type, owner));
      break;
    case ValueKind::Map:  // key then value, from the entry tuple
      def.kind = wit::TypeKind::Map;
      for (const auto& f : t->element->fields) def.elements.push_back(type_ref(f.type, owner));
      break;
    case ValueKind::Result:
      def.kind = wit::TypeKind::Result;
      if (t->ok) def.ok = type_ref(t->ok, owner);
      if (t->err) def.err = type_ref(t->err, owner);
      break;
    case ValueKind::Own: case ValueKind::Borrow:
      def.kind = t->kind == ValueKind::Own ? wit::TypeKind::Own : wit::TypeKind::Borrow;
      def.target = wit::TypeRef::of(resource(t->resource, owner));
      break;
    case ValueKind::Stream: case ValueKind::Future:
      def.kind = t->kind == ValueKind::Stream ? wit::TypeKind::Stream : wit::TypeKind::Future;
      if (t->element) def.payload = type_ref(t->element, owner);
      break;
    default: {
      // A record, variant, enum or flags no export names: WIT needs a name for it.
      component::TypeDef value;
      value.kind = component::TypeDef::Kind::Value;
      value.value = t;
      std::string name = fmt::format("type{}", ++anonymous_);
      auto named = named_type(name, value, owner);
      invented_[key(owner)].emplace_back(name, *named);
      return wit::TypeRef::of(*named);
    }
  }
  return wit::TypeRef::of(add(std::move(def)));
}

Expected<wit::TypeId> WorldBuilder::named_type(const std::string& name, const component::TypeDef& def, wit::Owner owner) {
  wit::TypeDef out;
  out.name = name;
  out.owner = owner;
  if (def.kind == component::TypeDef::Kind::Resource) {
    if (auto it = resources_.find(def.resource.get()); it != resources_.end()) {
      out.kind = wit::TypeKind::Alias;  // a `use` of a resource defined elsewhere
      out.target = wit::TypeRef::of(it->second);
      wit::TypeId id = add(std::move(out));
      local_names_[{key(owner), def.resource.get()}] = id;
      return id;
    }
    out.kind = wit::TypeKind::Resource;
    wit::TypeId id = add(std::move(out));
    resources_[def.resource.get()] = id;
    local_names_[{key(owner), def.resource.get()}] = id;
    return id;
  }
  if (def.kind != component::TypeDef::Kind::Value || !def.value) {
    return Error{fmt::format("type `{}` is not a value type or a resource; WIT cannot say it", name)};
  }
  const component::ValueTypePtr& v = def.value;
  bool primitive = component::is_primitive(v->kind);
  if (!primitive) {
    if (auto it = named_values_.find(v.get()); it != named_values_.end()) {
      out.kind = wit::TypeKind::Alias;  // another name of a named type: a `use`, or `type a = b`
      out.target = wit::TypeRef::of(local(owner, v.get()).value_or(it->second));
      wit::TypeId id = add(std::move(out));
      if (!local(owner, v.get())) local_names_[{key(owner), v.get()}] = id;
      return id;
    }
  }
  switch (v->kind) {
    case ValueKind::Record:
      out.kind = wit::TypeKind::Record;
      for (const auto& f : v->fields) out.fields.push_back(wit::Field{f.name, type_ref(f.type, owner), {}});
      break;
    case ValueKind::Variant:
      out.kind = wit::TypeKind::Variant;
      for (const auto& c : v->cases) {
        out.cases.push_back(wit::Case{c.name, c.type ? std::optional(type_ref(c.type, owner)) : std::nullopt, {}});
      }
      break;
    case ValueKind::Enum: case ValueKind::Flags:
      out.kind = v->kind == ValueKind::Enum ? wit::TypeKind::Enum : wit::TypeKind::Flags;
      for (const auto& n : v->names) out.cases.push_back(wit::Case{n, std::nullopt, {}});
      break;
    default:
      out.kind = wit::TypeKind::Alias;
      out.target = type_ref(v, owner);
      break;
  }
  wit::TypeId id = add(std::move(out));
  if (!primitive) {
    named_values_[v.get()] = id;
    local_names_[{key(owner), v.get()}] = id;
  }
  return id;
}

Expected<wit::Function> WorldBuilder::function(const std::string& name, const component::FuncType& type, wit::Owner owner,
                                               const std::vector<std::pair<std::string, wit::TypeId>>& scope) {
  wit::Function f;
  f.name = name;
  // `[method]r.f`, `[static]r.f`, `[constructor]r`, with `[async ...]` forms (Explainer
  // "Import and export definitions").
  if (!name.empty() && name[0] == '[') {
    size_t close = name.find(']');
    if (close == std::string::npos) return Error{fmt::format("function name `{}` is malformed", name)};
    std::string annotation = name.substr(1, close - 1), rest = name.substr(close + 1);
    if (annotation.rfind("async", 0) == 0) {
      f.async = true;
      annotation = annotation.size() > 6 ? annotation.substr(6) : "";
    }
    std::string resource_name = rest;
    if (annotation == "method" || annotation == "static") {
      size_t dot = rest.find('.');
      if (dot == std::string::npos) return Error{fmt::format("function name `{}` is malformed", name)};
      resource_name = rest.substr(0, dot);
      f.name = rest.substr(dot + 1);
      f.kind = annotation == "method" ? wit::FunctionKind::Method : wit::FunctionKind::Static;
    } else if (annotation == "constructor") {
      f.name = rest;
      f.kind = wit::FunctionKind::Constructor;
    } else if (annotation.empty()) {
      f.name = rest;
    } else {
      return Error{fmt::format("function name `{}` has an unknown annotation", name)};
    }
    if (f.kind != wit::FunctionKind::Freestanding) {
      bool found = false;
      for (const auto& [n, id] : scope) {
        if (n == resource_name) {
          f.resource = r_.canonical(id);
          found = true;
        }
      }
      if (!found) return Error{fmt::format("function `{}` names a resource `{}` that is not defined", name, resource_name)};
    }
  }
  f.async = type.async;
  for (const auto& p : type.params) f.params.push_back(wit::Param{p.name, type_ref(p.type, owner)});
  if (type.result) f.result = type_ref(type.result, owner);
  return f;
}

Expected<void> WorldBuilder::fill_interface(wit::InterfaceId id, const component::InstanceType& type) {
  wit::Owner owner{wit::Owner::Kind::Interface, id};
  std::vector<std::pair<std::string, wit::TypeId>> types;
  for (const auto& e : type.exports) {
    if (e.type.sort != component::Sort::Type) continue;
    auto t = named_type(e.name, e.type.type, owner);
    if (!t) return t.error();
    types.emplace_back(e.name, *t);
  }
  std::vector<wit::Function> functions;
  for (const auto& e : type.exports) {
    if (e.type.sort != component::Sort::Func || !e.type.func) continue;
    auto f = function(e.name, *e.type.func, owner, types);
    if (!f) return f.error();
    functions.push_back(f.take());
  }
  for (auto& invented : invented_[key(owner)]) types.push_back(std::move(invented));
  r_.interfaces[id].types = std::move(types);
  r_.interfaces[id].functions = std::move(functions);
  return {};
}

Expected<wit::InterfaceId> WorldBuilder::instance_interface(const std::string& name, const component::InstanceType& type,
                                                             bool& plain) {
  auto parsed = parse_interface_name(name);
  plain = !parsed;
  if (parsed) {
    if (auto it = interfaces_.find(name); it != interfaces_.end()) return it->second;  // imported and exported
  }
  wit::Interface iface;
  if (parsed) {
    iface.name = parsed->name;
    iface.package = package(parsed->ns, parsed->package, parsed->version);
  }
  r_.interfaces.push_back(std::move(iface));
  wit::InterfaceId id = wit::InterfaceId(r_.interfaces.size() - 1);
  if (parsed) {
    r_.packages[*r_.interfaces[id].package].interfaces.emplace_back(parsed->name, id);
    interfaces_[name] = id;
  }
  auto filled = fill_interface(id, type);
  if (!filled) return filled.error();
  return id;
}

Expected<void> WorldBuilder::items(const std::vector<component::NamedEntity>& entities, std::vector<wit::WorldItem>& out) {
  wit::Owner owner{wit::Owner::Kind::World, world_};
  for (const auto& e : entities) {
    wit::WorldItem item;
    switch (e.type.sort) {
      case component::Sort::Instance: {
        if (!e.type.instance) continue;
        bool plain = false;
        auto id = instance_interface(e.name, *e.type.instance, plain);
        if (!id) return id.error();
        item.kind = wit::WorldItem::Kind::Interface;
        item.interface = *id;
        if (plain) item.name = e.name;
        break;
      }
      case component::Sort::Func: {
        if (!e.type.func) continue;
        auto f = function(e.name, *e.type.func, owner, world_types_);
        if (!f) return f.error();
        item.kind = wit::WorldItem::Kind::Function;
        item.name = e.name;
        item.function = f.take();
        break;
      }
      case component::Sort::Type: {
        auto t = named_type(e.name, e.type.type, owner);
        if (!t) return t.error();
        world_types_.emplace_back(e.name, *t);
        item.kind = wit::WorldItem::Kind::Type;
        item.name = e.name;
        item.type = *t;
        break;
      }
      default:
        return Error{fmt::format("`{}` is a {}: WIT has no way to say it", e.name, component::sort_kind_name(e.type.sort))};
    }
    out.push_back(std::move(item));
  }
  return {};
}

Expected<wit::WorldId> WorldBuilder::build(const component::ComponentType& type) {
  wit::PackageId root = package("root", "component", std::nullopt);
  r_.worlds.push_back(wit::World{"root", root, {}, {}, {}, {}});
  world_ = wit::WorldId(r_.worlds.size() - 1);
  r_.packages[root].worlds.emplace_back("root", world_);
  std::vector<wit::WorldItem> imports, exports;
  if (auto ok = items(type.imports, imports); !ok) return ok.error();
  if (auto ok = items(type.exports, exports); !ok) return ok.error();
  for (const auto& [name, id] : invented_[key(wit::Owner{wit::Owner::Kind::World, world_})]) {
    wit::WorldItem item;
    item.kind = wit::WorldItem::Kind::Type;
    item.name = name;
    item.type = id;
    imports.push_back(std::move(item));
  }
  r_.worlds[world_].imports = std::move(imports);
  r_.worlds[world_].exports = std::move(exports);
  return world_;
}

Expected<wit::WorldId> component_world(const component::ComponentType& type, wit::Resolve& resolve) {
  return WorldBuilder(resolve).build(type);
}

}  // namespace wasmrun::cli
