#include "wit/bindgen/cpp_generator.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "wit/bindgen/cpp_names.h"
#include "wit/try.h"

namespace wasmrun::wit::bindgen {
namespace {

const char* prim_cpp(Prim p) {
  switch (p) {
    case Prim::Bool: return "bool";
    case Prim::U8: return "uint8_t";
    case Prim::U16: return "uint16_t";
    case Prim::U32: return "uint32_t";
    case Prim::U64: return "uint64_t";
    case Prim::S8: return "int8_t";
    case Prim::S16: return "int16_t";
    case Prim::S32: return "int32_t";
    case Prim::S64: return "int64_t";
    case Prim::F32: return "float";
    case Prim::F64: return "double";
    case Prim::Char: return "char32_t";
    case Prim::String: return "std::string";
    default: return nullptr;
  }
}

// A name inside a generated struct that must not take a member's name.
std::string member_name(const std::string& kebab, std::initializer_list<const char*> taken) {
  std::string name = snake_name(kebab);
  for (const char* t : taken) {
    if (name == t) return name + "_";
  }
  return name;
}

void comment(std::string& out, const std::string& indent, const std::string& docs) {
  if (docs.empty()) return;
  size_t start = 0;
  for (;;) {
    size_t nl = docs.find('\n', start);
    std::string line = docs.substr(start, nl == std::string::npos ? nl : nl - start);
    out += indent + (line.empty() ? "///" : "/// " + line) + "\n";
    if (nl == std::string::npos) return;
    start = nl + 1;
  }
}

class Generator {
 public:
  Generator(const Resolve& r, const CppOptions& options) : r_(r), options_(options) {}

  Expected<std::vector<GeneratedFile>> package(PackageId id);

 private:
  Expected<std::string> type(TypeRef t, InterfaceId scope) const;
  std::string qualified(InterfaceId iface) const { return "::" + options_.root_namespace + "::" + interface_namespace(r_, iface); }
  Expected<void> interface(InterfaceId id, std::string& out, std::string& traits);
  void world(WorldId id, std::string& out);
  static bool all_imports_are_interfaces(const World& w);
  Expected<void> type_decl(InterfaceId scope, TypeId id, std::string& out, std::string& traits);
  std::vector<TypeId> declaration_order(InterfaceId id) const;
  void named_deps(TypeRef t, InterfaceId scope, std::vector<TypeId>& out, int depth = 0) const;
  std::string host_method_name(const Function& f) const;
  Error unsupported(InterfaceId scope, const std::string& what) const {
    return Error{fmt::format("{}: {} is not supported by the C++ binding generator", r_.interface_id(scope), what)};
  }

  const Resolve& r_;
  const CppOptions& options_;
};

Expected<std::string> Generator::type(TypeRef t, InterfaceId scope) const {
  if (t.prim != Prim::Id) {
    if (const char* p = prim_cpp(t.prim)) return std::string(p);
    return unsupported(scope, "`error-context`");
  }
  const TypeDef& def = r_.types[t.id];
  if (!def.name.empty()) {
    if (def.owner.kind != Owner::Kind::Interface) return unsupported(scope, "a type defined in a world");
    if (def.owner.id == scope) return camel_name(def.name);
    return qualified(def.owner.id) + "::" + camel_name(def.name);
  }
  auto one = [&](const char* tmpl, TypeRef inner) -> Expected<std::string> {
    TRY(s, type(inner, scope));
    return fmt::format(fmt::runtime(tmpl), s);
  };
  auto payload = [&](const std::optional<TypeRef>& p) -> Expected<std::string> {
    if (!p) return std::string("std::monostate");
    return type(*p, scope);
  };
  switch (def.kind) {
    case TypeKind::List: return one("std::vector<{}>", def.target);
    case TypeKind::FixedList: {
      TRY(s, type(def.target, scope));
      return fmt::format("std::array<{}, {}>", s, def.length);
    }
    case TypeKind::Option: return one("std::optional<{}>", def.target);
    case TypeKind::Own: return one("Resource<{}>", def.target);
    case TypeKind::Borrow: return one("Borrow<{}>", def.target);
    case TypeKind::Result: {
      TRY(ok, payload(def.ok));
      TRY(err, payload(def.err));
      return fmt::format("Result<{}, {}>", ok, err);
    }
    case TypeKind::Tuple: {
      std::string s = "std::tuple<";
      for (size_t i = 0; i < def.elements.size(); ++i) {
        TRY(e, type(def.elements[i], scope));
        s += (i ? ", " : "") + e;
      }
      return s + ">";
    }
    case TypeKind::Map: return unsupported(scope, "`map`");
    case TypeKind::Future: return unsupported(scope, "`future`");
    case TypeKind::Stream: return unsupported(scope, "`stream`");
    default: return unsupported(scope, "an anonymous type");
  }
}

// Named types of `scope` that a value of `t` contains, so must be declared before it.
void Generator::named_deps(TypeRef t, InterfaceId scope, std::vector<TypeId>& out, int depth) const {
  if (t.prim != Prim::Id || depth > 200) return;
  const TypeDef& def = r_.types[t.id];
  if (!def.name.empty()) {
    if (def.owner == Owner{Owner::Kind::Interface, scope}) out.push_back(t.id);
    return;
  }
  switch (def.kind) {
    case TypeKind::List: case TypeKind::FixedList: case TypeKind::Option: case TypeKind::Own: case TypeKind::Borrow:
      named_deps(def.target, scope, out, depth + 1);
      break;
    case TypeKind::Result:
      if (def.ok) named_deps(*def.ok, scope, out, depth + 1);
      if (def.err) named_deps(*def.err, scope, out, depth + 1);
      break;
    case TypeKind::Tuple: case TypeKind::Map:
      for (auto e : def.elements) named_deps(e, scope, out, depth + 1);
      break;
    case TypeKind::Future: case TypeKind::Stream:
      if (def.payload) named_deps(*def.payload, scope, out, depth + 1);
      break;
    default: break;
  }
}

// Resources first (handles only name them), then every type after the types it contains.
std::vector<TypeId> Generator::declaration_order(InterfaceId id) const {
  std::vector<TypeId> order;
  std::set<TypeId> done;
  for (const auto& [name, type_id] : r_.interfaces[id].types) {
    if (r_.types[type_id].kind == TypeKind::Resource) {
      order.push_back(type_id);
      done.insert(type_id);
    }
  }
  auto visit = [&](auto&& self, TypeId t) -> void {
    if (!done.insert(t).second) return;
    const TypeDef& def = r_.types[t];
    std::vector<TypeId> deps;
    if (def.kind == TypeKind::Alias) named_deps(def.target, id, deps);
    for (const auto& f : def.fields) named_deps(f.type, id, deps);
    for (const auto& c : def.cases) {
      if (c.type) named_deps(*c.type, id, deps);
    }
    for (TypeId d : deps) self(self, d);
    order.push_back(t);
  };
  for (const auto& [name, type_id] : r_.interfaces[id].types) visit(visit, type_id);
  return order;
}

Expected<void> Generator::type_decl(InterfaceId scope, TypeId id, std::string& out, std::string& traits) {
  const TypeDef& def = r_.types[id];
  std::string name = camel_name(def.name);
  std::string full = qualified(scope) + "::" + name;
  std::string traits_ns = qualified(scope) + "::traits";
  comment(out, "", def.docs);
  switch (def.kind) {
    case TypeKind::Resource:
      out += fmt::format("// The resource `{}`: names it in Resource<{}> and Borrow<{}>.\nstruct {} {{}};\n\n",
                         def.name, name, name, name);
      return {};
    case TypeKind::Alias: {
      TRY(target, type(def.target, scope));
      out += fmt::format("using {} = {};\n\n", name, target);
      return {};
    }
    case TypeKind::Record: {
      out += fmt::format("struct {} {{\n", name);
      std::string fields;
      for (const auto& f : def.fields) {
        TRY(t, type(f.type, scope));
        comment(out, "  ", f.docs);
        std::string member = snake_name(f.name);
        out += fmt::format("  {} {}{{}};\n", t, member);
        fields += fmt::format("{}\n    wasmrun::canon::field(\"{}\", &{}::{})", fields.empty() ? "" : ",", f.name, full, member);
      }
      out += fmt::format("\n  bool operator==(const {}&) const = default;\n}};\n\n", name);
      traits += fmt::format("namespace {} {{\ninline constexpr auto k{}Fields = std::tuple({});\n}}  // namespace {}\n",
                            traits_ns.substr(2), name, fields, traits_ns.substr(2));
      traits += fmt::format("template <>\nstruct wasmrun::canon::ComponentTraits<{}>\n    : wasmrun::canon::RecordTraits<{}, {}::k{}Fields> {{}};\n\n",
                            full, full, traits_ns, name);
      return {};
    }
    case TypeKind::Variant: {
      std::string alternatives, cases, makers, names;
      for (size_t i = 0; i < def.cases.size(); ++i) {
        const Case& c = def.cases[i];
        std::string payload = "std::monostate";
        if (c.type) {
          TRY(t, type(*c.type, scope));
          payload = t;
        }
        alternatives += (i ? ", " : "") + payload;
        cases += fmt::format("{}{}", i ? ", " : "", camel_name(c.name));
        names += fmt::format("{}\"{}\"", i ? ", " : "", c.name);
        std::string maker = member_name(c.name, {"v", "which", "Value", "Case"});
        comment(makers, "  ", c.docs);
        if (c.type) {
          makers += fmt::format("  static {} {}({} payload) {{ return {}{{Value(std::in_place_index<{}>, std::move(payload))}}; }}\n",
                                name, maker, payload, name, i);
        } else {
          makers += fmt::format("  static {} {}() {{ return {}{{Value(std::in_place_index<{}>)}}; }}\n", name, maker, name, i);
        }
      }
      out += fmt::format(
          "struct {} {{\n  enum class Case : uint32_t {{ {} }};\n  using Value = std::variant<{}>;\n  Value v;\n\n"
          "  Case which() const {{ return Case(v.index()); }}\n{}\n  bool operator==(const {}&) const = default;\n}};\n\n",
          name, cases, alternatives, makers, name);
      traits += fmt::format("namespace {} {{\ninline constexpr std::array<const char*, {}> k{}Cases = {{{}}};\n}}  // namespace {}\n",
                            traits_ns.substr(2), def.cases.size(), name, names, traits_ns.substr(2));
      traits += fmt::format("template <>\nstruct wasmrun::canon::ComponentTraits<{}>\n    : wasmrun::canon::VariantTraits<{}, &{}::v, {}::k{}Cases> {{}};\n\n",
                            full, full, full, traits_ns, name);
      return {};
    }
    case TypeKind::Enum: {
      std::string cases, names;
      for (size_t i = 0; i < def.cases.size(); ++i) {
        cases += fmt::format("{}{}", i ? ", " : "", camel_name(def.cases[i].name));
        names += fmt::format("{}\"{}\"", i ? ", " : "", def.cases[i].name);
      }
      out += fmt::format("enum class {} : uint32_t {{ {} }};\n\n", name, cases);
      traits += fmt::format("namespace {} {{\ninline constexpr std::array<const char*, {}> k{}Cases = {{{}}};\n}}  // namespace {}\n",
                            traits_ns.substr(2), def.cases.size(), name, names, traits_ns.substr(2));
      traits += fmt::format("template <>\nstruct wasmrun::canon::ComponentTraits<{}>\n    : wasmrun::canon::EnumTraits<{}, {}::k{}Cases> {{}};\n\n",
                            full, full, traits_ns, name);
      return {};
    }
    case TypeKind::Flags: {
      if (def.cases.size() > 32) return unsupported(scope, "flags with more than 32 members");
      if (def.cases.empty()) return unsupported(scope, "flags without members");
      std::string constants, names;
      for (size_t i = 0; i < def.cases.size(); ++i) {
        comment(constants, "  ", def.cases[i].docs);
        constants += fmt::format("  static constexpr uint32_t {} = 1u << {};\n",
                                 member_name(def.cases[i].name, {"bits", "has"}), i);
        names += fmt::format("{}\"{}\"", i ? ", " : "", def.cases[i].name);
      }
      out += fmt::format(
          "struct {0} {{\n  uint32_t bits = 0;\n{1}\n  constexpr {0}() = default;\n  constexpr explicit {0}(uint32_t b) : bits(b) {{}}\n"
          "  constexpr explicit operator uint32_t() const {{ return bits; }}\n"
          "  constexpr bool has(uint32_t flag) const {{ return (bits & flag) == flag; }}\n"
          "  bool operator==(const {0}&) const = default;\n}};\n\n",
          name, constants);
      traits += fmt::format("namespace {} {{\ninline constexpr std::array<const char*, {}> k{}Names = {{{}}};\n}}  // namespace {}\n",
                            traits_ns.substr(2), def.cases.size(), name, names, traits_ns.substr(2));
      traits += fmt::format("template <>\nstruct wasmrun::canon::ComponentTraits<{}>\n    : wasmrun::canon::FlagsTraits<{}, {}::k{}Names> {{}};\n\n",
                            full, full, traits_ns, name);
      return {};
    }
    default:
      return unsupported(scope, "this kind of named type");
  }
}

std::string Generator::host_method_name(const Function& f) const {
  std::string resource = f.kind == FunctionKind::Freestanding ? "" : snake_name(r_.types[f.resource].name);
  switch (f.kind) {
    case FunctionKind::Freestanding: return snake_name(f.name);
    case FunctionKind::Constructor: return resource + "_new";
    default: return resource + "_" + snake_name(f.name);
  }
}

Expected<void> Generator::interface(InterfaceId id, std::string& out, std::string& traits) {
  const Interface& iface = r_.interfaces[id];
  std::string ns = options_.root_namespace + "::" + interface_namespace(r_, id);
  out += fmt::format("// ---- {} ----\n", r_.interface_id(id));
  comment(out, "", iface.docs);
  out += fmt::format("namespace {} {{\n\n", ns);
  out += "using wasmrun::component::Borrow;\nusing wasmrun::component::Resource;\nusing wasmrun::component::Result;\n"
         "using wasmrun::component::TrapOr;\n\n";
  out += fmt::format("inline constexpr const char* kInterfaceName = \"{}\";\n\n", r_.interface_id(id));
  for (TypeId t : declaration_order(id)) TRY_VOID(type_decl(id, t, out, traits));

  std::string methods, registrations, signatures;
  // Resources first: the functions after them name them.
  for (const auto& [name, type_id] : iface.types) {
    if (r_.types[type_id].kind != TypeKind::Resource) continue;
    std::string camel = camel_name(name), method = snake_name(name) + "_drop";
    methods += fmt::format("  // The resource destructor of `{}`: the guest dropped its last handle.\n", name);
    methods += fmt::format("  virtual TrapOr<void> {}(Resource<{}> self) = 0;\n", method, camel);
    registrations += fmt::format(
        "  if (auto added = instance.template resource<{}>(\n          \"{}\", [&host](Resource<{}> self) {{ return host.{}(self); }});\n"
        "      !added) {{\n    return added.error();\n  }}\n",
        camel, name, camel, method);
    signatures += fmt::format("  visitor.template resource<{}>(\"{}\");\n", camel, name);
  }
  for (const auto& f : iface.functions) {
    if (f.async) return unsupported(id, "`async` function `" + f.name + "`");
    std::string result = "void";
    if (f.result) {
      TRY(t, type(*f.result, id));
      result = t;
    }
    std::string params, args, arg_types, forwards;
    for (size_t i = 0; i < f.params.size(); ++i) {
      TRY(t, type(f.params[i].type, id));
      std::string p = snake_name(f.params[i].name);
      params += fmt::format("{}{} {}", i ? ", " : "", t, p);
      arg_types += (i ? ", " : "") + t;
      forwards += fmt::format("{}std::move({})", i ? ", " : "", p);
    }
    std::string method = host_method_name(f);
    std::string component_name = f.component_name(f.kind == FunctionKind::Freestanding ? "" : r_.types[f.resource].name);
    methods += fmt::format("  // `{}`\n", component_name);
    comment(methods, "  ", f.docs);
    methods += fmt::format("  virtual TrapOr<{}> {}({}) = 0;\n", result, method, params);
    registrations += fmt::format(
        "  if (auto added = instance.template func_wrap<{}({})>(\n          \"{}\", [&host]({}) {{ return host.{}({}); }});\n"
        "      !added) {{\n    return added.error();\n  }}\n",
        result, arg_types, component_name, params, method, forwards);
    signatures += fmt::format("  visitor.template function<{}({})>(\"{}\");\n", result, arg_types, component_name);
  }
  out += fmt::format("// What a host implements for `{}`.\nclass Host {{\n public:\n  virtual ~Host() = default;\n\n{}}};\n\n",
                     r_.interface_id(id), methods);
  out += fmt::format(
      "// Defines every function and resource of `{}` on `linker`'s instance of that name, calling\n"
      "// `host`, which must outlive the linker. See wit/README.md for what Linker provides.\n"
      "template <class Linker>\nwasmrun::Expected<void> add_to_linker(Linker& linker, Host& host) {{\n"
      "  auto instance = linker.instance(kInterfaceName);\n{}  return {{}};\n}}\n\n",
      r_.interface_id(id), registrations);
  out += fmt::format(
      "// The interface's C++ signatures without a host, for checks and tools: calls\n"
      "// `visitor.template resource<R>(name)` per resource and `visitor.template function<Sig>(name)`\n"
      "// per function, in add_to_linker's order.\n"
      "template <class Visitor>\nvoid visit_signatures(Visitor& visitor) {{\n{}}}\n\n",
      signatures);
  out += fmt::format("}}  // namespace {}\n\n", ns);
  return {};
}

bool Generator::all_imports_are_interfaces(const World& w) {
  return std::all_of(w.imports.begin(), w.imports.end(), [](const WorldItem& item) {
    return item.kind == WorldItem::Kind::Interface && item.name.empty();
  });
}

// A world's imports as one call: every interface it imports (elaborated: those its interfaces
// use too), each with its host.
void Generator::world(WorldId id, std::string& out) {
  const World& w = r_.worlds[id];
  const PackageName& pkg = r_.packages[w.package].name;
  std::string ns = options_.root_namespace + "::" + snake_name(pkg.ns) + "::" + snake_name(pkg.name) + "::" + snake_name(w.name);
  std::string members, calls;
  for (const auto& item : w.imports) {
    const PackageName& ipkg = r_.packages[*r_.interfaces[item.interface].package].name;
    std::string member = snake_name(ipkg.ns) + "_" + snake_name(ipkg.name) + "_" + snake_name(*r_.interfaces[item.interface].name);
    members += fmt::format("  {}::Host& {};\n", qualified(item.interface), member);
    calls += fmt::format("  if (auto added = {}::add_to_linker(linker, hosts.{}); !added) return added.error();\n",
                         qualified(item.interface), member);
  }
  out += fmt::format(
      "// ---- world {} ----\nnamespace {} {{\n\n// The hosts of every interface the world imports.\nstruct ImportHosts {{\n{}}};\n\n"
      "// Defines all the world's imports on `linker`.\ntemplate <class Linker>\n"
      "wasmrun::Expected<void> add_imports_to_linker(Linker& linker, const ImportHosts& hosts) {{\n{}  return {{}};\n}}\n\n"
      "}}  // namespace {}\n\n",
      pkg.qualify(w.name), ns, members, calls, ns);
}

Expected<std::vector<GeneratedFile>> Generator::package(PackageId id) {
  const Package& pkg = r_.packages[id];
  std::string stem = package_file_stem(pkg.name);
  // Interfaces after those of the same package they use; other packages' headers included.
  std::vector<InterfaceId> order;
  std::set<PackageId> includes;
  auto visit = [&](auto&& self, InterfaceId iface) -> void {
    if (std::find(order.begin(), order.end(), iface) != order.end()) return;
    for (InterfaceId dep : r_.interface_dependencies(iface)) {
      if (r_.interfaces[dep].package == id) {
        self(self, dep);
      } else if (r_.interfaces[dep].package) {
        includes.insert(*r_.interfaces[dep].package);
      }
    }
    order.push_back(iface);
  };
  for (const auto& [name, iface] : pkg.interfaces) visit(visit, iface);
  // Worlds whose imports are all named interfaces get an add_imports_to_linker.
  std::vector<WorldId> worlds;
  for (const auto& [name, world_id] : pkg.worlds) {
    const World& w = r_.worlds[world_id];
    if (w.imports.empty() || !all_imports_are_interfaces(w)) continue;
    worlds.push_back(world_id);
    for (const auto& item : w.imports) {
      PackageId p = *r_.interfaces[item.interface].package;
      if (p != id) includes.insert(p);
    }
  }

  std::string header = fmt::format(
      "// Generated by wasmrun-bindgen from the WIT of {}. Do not edit.\n#pragma once\n\n"
      "#include <array>\n#include <cstdint>\n#include <optional>\n#include <string>\n#include <tuple>\n"
      "#include <utility>\n#include <variant>\n#include <vector>\n\n"
      "#include \"wasmrun/component/trap.h\"\n#include \"wasmrun/component/types.h\"\n#include \"wasmrun/expected.h\"\n",
      pkg.name.to_string());
  std::string traits = fmt::format(
      "// Generated by wasmrun-bindgen from the WIT of {}: how its types lift and lower on the\n"
      "// typed canonical ABI. Do not edit.\n#pragma once\n\n#include \"canonical_abi/typed.h\"\n#include \"{}.h\"\n",
      pkg.name.to_string(), stem);
  for (PackageId dep : includes) {
    header += fmt::format("#include \"{}.h\"\n", package_file_stem(r_.packages[dep].name));
    traits += fmt::format("#include \"{}_traits.h\"\n", package_file_stem(r_.packages[dep].name));
  }
  header += "\n";
  traits += "\n";
  for (InterfaceId iface : order) TRY_VOID(interface(iface, header, traits));
  for (WorldId w : worlds) world(w, header);
  std::string package_ns = options_.root_namespace + "::" + snake_name(pkg.name.ns) + "::" + snake_name(pkg.name.name);
  std::string visits;
  for (InterfaceId iface : order) {
    visits += fmt::format("  visitor.begin_interface(\"{}\");\n  {}::visit_signatures(visitor);\n",
                          r_.interface_id(iface), qualified(iface));
  }
  header += fmt::format(
      "namespace {} {{\n// Every interface of {}: `visitor.begin_interface(name)`, then its visit_signatures.\n"
      "template <class Visitor>\nvoid visit_package_signatures(Visitor& visitor) {{\n{}}}\n}}  // namespace {}\n",
      package_ns, pkg.name.to_string(), visits, package_ns);
  return std::vector<GeneratedFile>{{stem + ".h", header}, {stem + "_traits.h", traits}};
}

}  // namespace

Expected<std::vector<GeneratedFile>> generate_cpp(const Resolve& resolve, const std::vector<PackageId>& packages,
                                                  const CppOptions& options) {
  // The packages asked for and every package their headers include.
  std::vector<PackageId> todo = packages;
  std::set<PackageId> all;
  while (!todo.empty()) {
    PackageId p = todo.back();
    todo.pop_back();
    if (!all.insert(p).second) continue;
    for (const auto& [name, iface] : resolve.packages[p].interfaces) {
      for (InterfaceId dep : resolve.interface_dependencies(iface)) {
        if (resolve.interfaces[dep].package) todo.push_back(*resolve.interfaces[dep].package);
      }
    }
    for (const auto& [name, world] : resolve.packages[p].worlds) {
      for (const auto& item : resolve.worlds[world].imports) {
        if (item.kind == WorldItem::Kind::Interface && resolve.interfaces[item.interface].package) {
          todo.push_back(*resolve.interfaces[item.interface].package);
        }
      }
    }
  }
  Generator generator(resolve, options);
  std::vector<GeneratedFile> files;
  for (PackageId p : all) {
    TRY(generated, generator.package(p));
    for (auto& f : generated) files.push_back(std::move(f));
  }
  return files;
}

}  // namespace wasmrun::wit::bindgen
