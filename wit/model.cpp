#include "wit/model.h"

#include <algorithm>

namespace wasmrun::wit {

std::string PackageName::to_string() const {
  std::string s = ns + ":" + name;
  if (version) s += "@" + version->to_string();
  return s;
}

std::string PackageName::qualify(const std::string& item) const {
  std::string s = ns + ":" + name + "/" + item;
  if (version) s += "@" + version->to_string();
  return s;
}

std::string Function::component_name(const std::string& resource_name) const {
  std::string prefix = async ? "[async" : "";
  switch (kind) {
    case FunctionKind::Freestanding: return async ? "[async]" + name : name;
    case FunctionKind::Method: return (async ? prefix + " method]" : "[method]") + resource_name + "." + name;
    case FunctionKind::Static: return (async ? prefix + " static]" : "[static]") + resource_name + "." + name;
    case FunctionKind::Constructor: return "[constructor]" + resource_name;
  }
  return name;
}

const TypeId* Interface::find_type(const std::string& type_name) const {
  for (const auto& [n, id] : types) {
    if (n == type_name) return &id;
  }
  return nullptr;
}

std::optional<PackageId> Resolve::find_package(const PackageName& name) const {
  for (PackageId i = 0; i < packages.size(); ++i) {
    if (packages[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<InterfaceId> Resolve::find_interface(PackageId package, const std::string& name) const {
  for (const auto& [n, id] : packages[package].interfaces) {
    if (n == name) return id;
  }
  return std::nullopt;
}

std::optional<WorldId> Resolve::find_world(PackageId package, const std::string& name) const {
  for (const auto& [n, id] : packages[package].worlds) {
    if (n == name) return id;
  }
  return std::nullopt;
}

std::string Resolve::interface_id(InterfaceId id) const {
  const Interface& iface = interfaces[id];
  if (!iface.name) return "";
  if (!iface.package) return *iface.name;
  return packages[*iface.package].name.qualify(*iface.name);
}

std::string Resolve::item_key(const WorldItem& item) const {
  if (item.kind == WorldItem::Kind::Interface && item.name.empty()) return interface_id(item.interface);
  return item.name;
}

TypeId Resolve::canonical(TypeId id) const {
  // Aliases form no cycles once resolved; the bound only guards against a malformed Resolve.
  for (size_t steps = 0; steps <= types.size(); ++steps) {
    const TypeDef& def = types[id];
    if (def.kind != TypeKind::Alias || def.target.prim != Prim::Id) return id;
    id = def.target.id;
  }
  return id;
}

std::vector<InterfaceId> Resolve::interface_dependencies(InterfaceId id) const {
  std::vector<InterfaceId> deps;
  for (const auto& [name, type] : interfaces[id].types) {
    const TypeDef& def = types[type];
    if (def.kind != TypeKind::Alias || def.target.prim != Prim::Id) continue;
    const Owner& owner = types[def.target.id].owner;
    if (owner.kind != Owner::Kind::Interface || owner.id == id) continue;
    if (std::find(deps.begin(), deps.end(), owner.id) == deps.end()) deps.push_back(owner.id);
  }
  return deps;
}

}  // namespace wasmrun::wit
