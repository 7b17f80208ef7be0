#include "wit/printer.h"

#include <algorithm>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "wit/lexer.h"
#include "wit/source.h"

namespace wasmrun::wit {
namespace {

class Printer {
 public:
  explicit Printer(const Resolve& r) : r_(r) {}

  void world(WorldId id, int indent);
  void interface_body(InterfaceId id, int indent);
  void package_items(PackageId id, int indent, const std::set<InterfaceId>* only_interfaces,
                     const std::set<WorldId>* only_worlds);
  std::string take() { return std::move(out_); }
  std::string type(TypeRef t) const;

 private:
  void line(int indent, const std::string& text) {
    out_.append(size_t(indent) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }
  void docs(int indent, const std::string& text);
  void gates(int indent, const Stability& s);
  void type_def(int indent, TypeId id, const std::vector<Function>& functions);
  std::string signature(const Function& f, bool skip_self) const;
  // How an interface is named from inside package `from`: its plain name there, else its id.
  std::string interface_ref(InterfaceId id, std::optional<PackageId> from) const;
  void uses(int indent, const std::vector<std::pair<std::string, TypeId>>& types, Owner self,
            std::optional<PackageId> from);

  const Resolve& r_;
  std::string out_;
};

const char* prim_name(Prim p) {
  switch (p) {
    case Prim::Bool: return "bool";
    case Prim::U8: return "u8";
    case Prim::U16: return "u16";
    case Prim::U32: return "u32";
    case Prim::U64: return "u64";
    case Prim::S8: return "s8";
    case Prim::S16: return "s16";
    case Prim::S32: return "s32";
    case Prim::S64: return "s64";
    case Prim::F32: return "f32";
    case Prim::F64: return "f64";
    case Prim::Char: return "char";
    case Prim::String: return "string";
    case Prim::ErrorContext: return "error-context";
    case Prim::Id: break;
  }
  return "";
}

}  // namespace

std::string print_package_name(const PackageName& name) {
  std::string s = print_id(name.ns) + ":" + print_id(name.name);
  if (name.version) s += "@" + name.version->to_string();
  return s;
}

std::string print_id(const std::string& name) {
  SourceFile file{"", name};
  Lexer lexer(file);
  auto token = lexer.next();
  bool keyword = token && token->kind != Tok::Id && token->text.size() == name.size();
  return keyword ? "%" + name : name;
}

std::string Printer::type(TypeRef t) const {
  if (t.prim != Prim::Id) return prim_name(t.prim);
  const TypeDef& def = r_.types[t.id];
  if (!def.name.empty()) return print_id(def.name);
  switch (def.kind) {
    case TypeKind::List: return "list<" + type(def.target) + ">";
    case TypeKind::FixedList: return fmt::format("list<{}, {}>", type(def.target), def.length);
    case TypeKind::Option: return "option<" + type(def.target) + ">";
    case TypeKind::Own: return type(def.target);
    case TypeKind::Borrow: return "borrow<" + type(def.target) + ">";
    case TypeKind::Result:
      if (!def.ok && !def.err) return "result";
      if (!def.err) return "result<" + type(*def.ok) + ">";
      return "result<" + (def.ok ? type(*def.ok) : std::string("_")) + ", " + type(*def.err) + ">";
    case TypeKind::Tuple: case TypeKind::Map: {
      std::string s = def.kind == TypeKind::Tuple ? "tuple<" : "map<";
      for (size_t i = 0; i < def.elements.size(); ++i) s += (i ? ", " : "") + type(def.elements[i]);
      return s + ">";
    }
    case TypeKind::Future: case TypeKind::Stream: {
      std::string s = def.kind == TypeKind::Future ? "future" : "stream";
      return def.payload ? s + "<" + type(*def.payload) + ">" : s;
    }
    case TypeKind::Alias: return type(def.target);
    default: return "";  // named kinds always have names
  }
}

void Printer::docs(int indent, const std::string& text) {
  if (text.empty()) return;
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    std::string one = text.substr(start, nl == std::string::npos ? nl : nl - start);
    line(indent, one.empty() ? "///" : "/// " + one);
    if (nl == std::string::npos) return;
    start = nl + 1;
  }
}

void Printer::gates(int indent, const Stability& s) {
  if (s.since) line(indent, "@since(version = " + s.since->to_string() + ")");
  if (s.unstable_feature) line(indent, "@unstable(feature = " + *s.unstable_feature + ")");
  if (s.deprecated) line(indent, "@deprecated(version = " + s.deprecated->to_string() + ")");
}

std::string Printer::signature(const Function& f, bool skip_self) const {
  std::string s = f.async ? "async func(" : "func(";
  bool first = true;
  for (size_t i = (skip_self && f.kind == FunctionKind::Method) ? 1 : 0; i < f.params.size(); ++i) {
    s += (first ? "" : ", ") + print_id(f.params[i].name) + ": " + type(f.params[i].type);
    first = false;
  }
  s += ")";
  if (f.result) s += " -> " + type(*f.result);
  return s;
}

std::string Printer::interface_ref(InterfaceId id, std::optional<PackageId> from) const {
  const Interface& iface = r_.interfaces[id];
  if (iface.package && from && *iface.package == *from) return print_id(*iface.name);
  const PackageName& pkg = r_.packages[*iface.package].name;
  std::string s = print_id(pkg.ns) + ":" + print_id(pkg.name) + "/" + print_id(*iface.name);
  if (pkg.version) s += "@" + pkg.version->to_string();
  return s;
}

void Printer::uses(int indent, const std::vector<std::pair<std::string, TypeId>>& types, Owner self,
                   std::optional<PackageId> from) {
  // One `use` per interface, in the order the names come.
  std::vector<InterfaceId> order;
  for (const auto& [name, id] : types) {
    const TypeDef& def = r_.types[id];
    if (def.kind != TypeKind::Alias || def.target.prim != Prim::Id) continue;
    Owner owner = r_.types[def.target.id].owner;
    if (owner.kind != Owner::Kind::Interface || owner == self) continue;
    if (std::find(order.begin(), order.end(), owner.id) == order.end()) order.push_back(owner.id);
  }
  for (InterfaceId from_iface : order) {
    std::string names;
    for (const auto& [name, id] : types) {
      const TypeDef& def = r_.types[id];
      if (def.kind != TypeKind::Alias || def.target.prim != Prim::Id) continue;
      const TypeDef& target = r_.types[def.target.id];
      if (target.owner != Owner{Owner::Kind::Interface, from_iface}) continue;
      if (names.empty()) gates(indent, def.stability);  // the `use`'s gate, which its names share
      if (!names.empty()) names += ", ";
      names += print_id(target.name);
      if (target.name != name) names += " as " + print_id(name);
    }
    line(indent, "use " + interface_ref(from_iface, from) + ".{" + names + "};");
  }
}

void Printer::type_def(int indent, TypeId id, const std::vector<Function>& functions) {
  const TypeDef& def = r_.types[id];
  docs(indent, def.docs);
  gates(indent, def.stability);
  std::string name = print_id(def.name);
  switch (def.kind) {
    case TypeKind::Record:
      line(indent, "record " + name + " {");
      for (const auto& f : def.fields) {
        docs(indent + 1, f.docs);
        line(indent + 1, print_id(f.name) + ": " + type(f.type) + ",");
      }
      line(indent, "}");
      return;
    case TypeKind::Variant: case TypeKind::Enum: case TypeKind::Flags: {
      const char* keyword = def.kind == TypeKind::Variant ? "variant " : def.kind == TypeKind::Enum ? "enum " : "flags ";
      line(indent, keyword + name + " {");
      for (const auto& c : def.cases) {
        docs(indent + 1, c.docs);
        line(indent + 1, print_id(c.name) + (c.type ? "(" + type(*c.type) + ")" : "") + ",");
      }
      line(indent, "}");
      return;
    }
    case TypeKind::Resource: {
      std::vector<const Function*> members;
      for (const auto& f : functions) {
        if (f.kind != FunctionKind::Freestanding && f.resource == id) members.push_back(&f);
      }
      if (members.empty()) {
        line(indent, "resource " + name + ";");
        return;
      }
      line(indent, "resource " + name + " {");
      for (const Function* f : members) {
        docs(indent + 1, f->docs);
        gates(indent + 1, f->stability);
        if (f->kind == FunctionKind::Constructor) {
          std::string params;
          for (size_t i = 0; i < f->params.size(); ++i) {
            params += (i ? ", " : "") + print_id(f->params[i].name) + ": " + type(f->params[i].type);
          }
          // An infallible constructor's `own<R>` result is implied.
          bool implied = f->result && r_.types[f->result->id].kind == TypeKind::Own;
          line(indent + 1, "constructor(" + params + ")" + (implied || !f->result ? "" : " -> " + type(*f->result)) + ";");
        } else {
          line(indent + 1, print_id(f->name) + ": " + (f->kind == FunctionKind::Static ? "static " : "") +
                               signature(*f, true) + ";");
        }
      }
      line(indent, "}");
      return;
    }
    default:
      line(indent, "type " + name + " = " + type(def.target) + ";");
      return;
  }
}

void Printer::interface_body(InterfaceId id, int indent) {
  const Interface& iface = r_.interfaces[id];
  Owner self{Owner::Kind::Interface, id};
  uses(indent, iface.types, self, iface.package);
  for (const auto& [name, type_id] : iface.types) {
    const TypeDef& def = r_.types[type_id];
    bool foreign_alias = def.kind == TypeKind::Alias && def.target.prim == Prim::Id &&
                         r_.types[def.target.id].owner != self &&
                         r_.types[def.target.id].owner.kind == Owner::Kind::Interface;
    if (!foreign_alias) type_def(indent, type_id, iface.functions);
  }
  for (const auto& f : iface.functions) {
    if (f.kind != FunctionKind::Freestanding) continue;
    docs(indent, f.docs);
    gates(indent, f.stability);
    line(indent, print_id(f.name) + ": " + signature(f, false) + ";");
  }
}

void Printer::world(WorldId id, int indent) {
  const World& w = r_.worlds[id];
  docs(indent, w.docs);
  gates(indent, w.stability);
  line(indent, "world " + print_id(w.name) + " {");
  // World-level types: `use`d names and definitions.
  std::vector<std::pair<std::string, TypeId>> types;
  for (const auto& item : w.imports) {
    if (item.kind == WorldItem::Kind::Type) types.emplace_back(item.name, item.type);
  }
  Owner self{Owner::Kind::World, id};
  auto items = [&](const std::vector<WorldItem>& list, const char* keyword) {
    for (const auto& item : list) {
      switch (item.kind) {
        case WorldItem::Kind::Interface:
          gates(indent + 1, item.stability);
          if (item.name.empty()) {
            line(indent + 1, std::string(keyword) + " " + interface_ref(item.interface, w.package) + ";");
          } else {
            line(indent + 1, std::string(keyword) + " " + print_id(item.name) + ": interface {");
            interface_body(item.interface, indent + 2);
            line(indent + 1, "}");
          }
          break;
        case WorldItem::Kind::Function:
          if (item.function.kind != FunctionKind::Freestanding) break;  // printed with its resource
          docs(indent + 1, item.function.docs);
          gates(indent + 1, item.stability);
          line(indent + 1, std::string(keyword) + " " + print_id(item.name) + ": " + signature(item.function, false) + ";");
          break;
        case WorldItem::Kind::Type:
          break;
      }
    }
  };
  items(w.imports, "import");
  items(w.exports, "export");
  uses(indent + 1, types, self, w.package);
  std::vector<Function> resource_functions;
  for (const auto& item : w.imports) {
    if (item.kind == WorldItem::Kind::Function && item.function.kind != FunctionKind::Freestanding) {
      resource_functions.push_back(item.function);
    }
  }
  for (const auto& [name, type_id] : types) {
    const TypeDef& def = r_.types[type_id];
    bool foreign_alias = def.kind == TypeKind::Alias && def.target.prim == Prim::Id &&
                         r_.types[def.target.id].owner.kind == Owner::Kind::Interface;
    if (!foreign_alias) type_def(indent + 1, type_id, resource_functions);
  }
  line(indent, "}");
}

void Printer::package_items(PackageId id, int indent, const std::set<InterfaceId>* only_interfaces,
                            const std::set<WorldId>* only_worlds) {
  bool first = true;
  for (const auto& [name, iface] : r_.packages[id].interfaces) {
    if (only_interfaces && !only_interfaces->count(iface)) continue;
    if (!first) out_ += '\n';
    first = false;
    docs(indent, r_.interfaces[iface].docs);
    gates(indent, r_.interfaces[iface].stability);
    line(indent, "interface " + print_id(name) + " {");
    interface_body(iface, indent + 1);
    line(indent, "}");
  }
  for (const auto& [name, world_id] : r_.packages[id].worlds) {
    if (only_worlds && !only_worlds->count(world_id)) continue;
    if (!first) out_ += '\n';
    first = false;
    world(world_id, indent);
  }
}

std::string print_type(const Resolve& resolve, TypeRef type) { return Printer(resolve).type(type); }

std::string print_package(const Resolve& resolve, PackageId package) {
  Printer p(resolve);
  std::string head = "package " + print_package_name(resolve.packages[package].name) + ";\n\n";
  p.package_items(package, 0, nullptr, nullptr);
  return head + p.take();
}

std::string print_world(const Resolve& resolve, WorldId world) {
  // The interfaces the world refers to, with those their types come from, by package.
  std::set<InterfaceId> needed;
  std::vector<InterfaceId> todo;
  const World& w = resolve.worlds[world];
  for (const auto* list : {&w.imports, &w.exports}) {
    for (const auto& item : *list) {
      if (item.kind == WorldItem::Kind::Interface) todo.push_back(item.interface);
    }
  }
  while (!todo.empty()) {
    InterfaceId id = todo.back();
    todo.pop_back();
    if (!needed.insert(id).second) continue;
    for (InterfaceId dep : resolve.interface_dependencies(id)) todo.push_back(dep);
  }
  std::vector<PackageId> packages;
  for (InterfaceId id : needed) {
    auto pkg = resolve.interfaces[id].package;
    if (pkg && *pkg != w.package && std::find(packages.begin(), packages.end(), *pkg) == packages.end()) {
      packages.push_back(*pkg);
    }
  }
  std::sort(packages.begin(), packages.end(), [&](PackageId a, PackageId b) {
    return resolve.packages[a].name.to_string() < resolve.packages[b].name.to_string();
  });
  Printer p(resolve);
  std::set<WorldId> only_world{world};
  p.package_items(w.package, 0, &needed, &only_world);
  std::string out = "package " + print_package_name(resolve.packages[w.package].name) + ";\n\n" + p.take();
  for (PackageId pkg : packages) {
    Printer dep(resolve);
    std::set<WorldId> no_worlds;
    dep.package_items(pkg, 1, &needed, &no_worlds);
    out += "\npackage " + print_package_name(resolve.packages[pkg].name) + " {\n" + dep.take() + "}\n";
  }
  return out;
}

}  // namespace wasmrun::wit
