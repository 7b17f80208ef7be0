// Interfaces: `use`d names, type definitions, functions and resource members.
#include <unordered_set>

#include <fmt/format.h>

#include "wit/resolver_impl.h"
#include "wit/try.h"

namespace wasmrun::wit::detail {

namespace {
constexpr int max_depth = 500;
}  // namespace

Expected<void> Resolver::enter(const SourceFile& source, uint32_t offset) {
  if (++depth_ > max_depth) {
    --depth_;
    return error_at(source, offset, fmt::format("definitions nest too deeply: more than {} levels of `use`, `include` "
                                                "or type references", max_depth));
  }
  return {};
}

TypeId Resolver::new_type(TypeDef def) {
  r_.types.push_back(std::move(def));
  return TypeId(r_.types.size() - 1);
}

Expected<void> Resolver::ensure_interface(InterfaceId id, const SourceFile& source, uint32_t use_offset) {
  auto it = interface_draft_of_.find(id);
  if (it == interface_draft_of_.end()) return {};  // resolved before this run
  InterfaceDraft& draft = interface_drafts_[it->second];
  if (draft.state == State::Done) return {};
  if (draft.state == State::InProgress) {
    return error_at(source, use_offset,
                    fmt::format("interface `{}` depends on itself through `use`", r_.interface_id(id)));
  }
  draft.state = State::InProgress;
  // `draft` may move while other interfaces resolve: keep what is needed by value.
  const ast::Interface* ast = draft.ast;
  size_t scope = draft.scope;
  TRY_VOID(enter(source, use_offset));
  auto resolved = resolve_interface_items(id, ast->items, *scopes_[scope]);
  leave();
  if (!resolved) return resolved.error();
  interface_drafts_[it->second].state = State::Done;
  return {};
}

Expected<void> Resolver::add_use(const ast::Use& use, TypeScope& types, const FileScope& scope,
                                 std::vector<std::pair<std::string, TypeId>>& out) {
  TRY(target, lookup_interface(use.path, scope));
  TRY_VOID(ensure_interface(target, *types.source, use.path.name.offset));
  for (const auto& name : use.names) {
    const TypeId* found = r_.interfaces[target].find_type(name.name.name);
    if (!found) {
      return error_at(*types.source, name.name.offset,
                      fmt::format("type `{}` is not defined in interface `{}`", name.name.name,
                                  r_.interface_id(target)));
    }
    const ast::Id& local = name.as ? *name.as : name.name;
    if (types.names.count(local.name)) {
      return error_at(*types.source, local.offset, fmt::format("name `{}` is defined more than once", local.name));
    }
    TypeDef alias;
    alias.name = local.name;
    alias.owner = types.owner;
    alias.kind = TypeKind::Alias;
    alias.target = TypeRef::of(*found);
    alias.stability = stability_of(use.gate);
    TypeId id = new_type(std::move(alias));
    types.names[local.name] = id;
    out.emplace_back(local.name, id);
  }
  return {};
}

Expected<TypeId> Resolver::declare_type(const ast::TypeDecl& decl, TypeScope& types,
                                        std::vector<std::pair<std::string, TypeId>>& out) {
  if (types.names.count(decl.name.name)) {
    return error_at(*types.source, decl.name.offset, fmt::format("name `{}` is defined more than once", decl.name.name));
  }
  TypeDef def;
  def.name = decl.name.name;
  def.owner = types.owner;
  def.docs = decl.docs;
  def.stability = stability_of(decl.gate);
  // Resources are known as such before any type refers to them; the rest is filled in later.
  def.kind = decl.kind == ast::TypeDecl::Kind::Resource ? TypeKind::Resource : TypeKind::Alias;
  TypeId id = new_type(std::move(def));
  types.names[decl.name.name] = id;
  types.pending[id] = TypeScope::Pending{&decl, State::Pending};
  out.emplace_back(decl.name.name, id);
  return id;
}

Expected<void> Resolver::fill_type(TypeId id, TypeScope& types) {
  auto it = types.pending.find(id);
  if (it == types.pending.end() || it->second.state == State::Done) return {};
  const ast::TypeDecl& decl = *it->second.decl;
  if (it->second.state == State::InProgress) {
    return error_at(*types.source, decl.name.offset, fmt::format("type `{}` refers to itself", decl.name.name));
  }
  it->second.state = State::InProgress;
  TRY_VOID(enter(*types.source, decl.name.offset));
  auto filled = fill_declaration(id, decl, types);
  leave();
  if (!filled) return filled.error();
  types.pending[id].state = State::Done;
  return {};
}

Expected<void> Resolver::fill_declaration(TypeId id, const ast::TypeDecl& decl, TypeScope& types) {
  using K = ast::TypeDecl::Kind;
  switch (decl.kind) {
    case K::Alias: {
      TRY(target, resolve_type(decl.alias, types));
      r_.types[id].kind = TypeKind::Alias;
      r_.types[id].target = target;
      break;
    }
    case K::Record: {
      std::vector<Field> fields;
      for (const auto& f : decl.fields) {
        for (const auto& seen : fields) {
          if (seen.name == f.name.name) {
            return error_at(*types.source, f.name.offset, fmt::format("field `{}` is defined more than once", f.name.name));
          }
        }
        TRY(t, resolve_type(f.type, types));
        fields.push_back(Field{f.name.name, t, f.docs});
      }
      r_.types[id].kind = TypeKind::Record;
      r_.types[id].fields = std::move(fields);
      break;
    }
    case K::Variant: case K::Enum: case K::Flags: {
      std::vector<Case> cases;
      for (const auto& c : decl.cases) {
        for (const auto& seen : cases) {
          if (seen.name == c.name.name) {
            return error_at(*types.source, c.name.offset, fmt::format("case `{}` is defined more than once", c.name.name));
          }
        }
        Case out{c.name.name, std::nullopt, c.docs};
        if (!c.payload.empty()) {
          TRY(t, resolve_type(c.payload[0], types));
          out.type = t;
        }
        cases.push_back(std::move(out));
      }
      r_.types[id].kind = decl.kind == K::Variant ? TypeKind::Variant : decl.kind == K::Enum ? TypeKind::Enum : TypeKind::Flags;
      r_.types[id].cases = std::move(cases);
      break;
    }
    case K::Resource:
      break;
  }
  return {};
}

Expected<bool> Resolver::is_resource(TypeId id, TypeScope& types) {
  for (size_t steps = 0; steps <= r_.types.size(); ++steps) {
    TRY_VOID(fill_type(id, types));
    const TypeDef& def = r_.types[id];
    if (def.kind == TypeKind::Resource) return true;
    if (def.kind != TypeKind::Alias || def.target.prim != Prim::Id) return false;
    id = def.target.id;
  }
  return false;
}

Expected<TypeRef> Resolver::resolve_type(const ast::Type& type, TypeScope& types) {
  using K = ast::Type::Kind;
  auto anonymous = [&](TypeKind kind) {
    TypeDef def;
    def.owner = types.owner;
    def.kind = kind;
    return def;
  };
  auto lookup = [&](const ast::Id& name) -> Expected<TypeId> {
    auto it = types.names.find(name.name);
    if (it == types.names.end()) {
      return error_at(*types.source, name.offset, fmt::format("type `{}` is not defined", name.name));
    }
    return it->second;
  };
  switch (type.kind) {
    case K::Bool: return TypeRef{Prim::Bool};
    case K::U8: return TypeRef{Prim::U8};
    case K::U16: return TypeRef{Prim::U16};
    case K::U32: return TypeRef{Prim::U32};
    case K::U64: return TypeRef{Prim::U64};
    case K::S8: return TypeRef{Prim::S8};
    case K::S16: return TypeRef{Prim::S16};
    case K::S32: return TypeRef{Prim::S32};
    case K::S64: return TypeRef{Prim::S64};
    case K::F32: return TypeRef{Prim::F32};
    case K::F64: return TypeRef{Prim::F64};
    case K::Char: return TypeRef{Prim::Char};
    case K::String: return TypeRef{Prim::String};
    case K::ErrorContext: return TypeRef{Prim::ErrorContext};
    case K::Named: {
      TRY(id, lookup(type.name));
      TRY(resource, is_resource(id, types));
      if (!resource) return TypeRef::of(id);
      // A resource's bare name is an owned handle (WIT.md "Handles").
      TypeDef own = anonymous(TypeKind::Own);
      own.target = TypeRef::of(id);
      return TypeRef::of(new_type(std::move(own)));
    }
    case K::Own: case K::Borrow: {
      TRY(id, lookup(type.name));
      TRY(resource, is_resource(id, types));
      if (!resource) {
        return error_at(*types.source, type.name.offset, fmt::format("`{}` is not a resource type", type.name.name));
      }
      TypeDef handle = anonymous(type.kind == K::Own ? TypeKind::Own : TypeKind::Borrow);
      handle.target = TypeRef::of(id);
      return TypeRef::of(new_type(std::move(handle)));
    }
    case K::List: case K::FixedList: case K::Option: {
      TRY(element, resolve_type(type.args[0], types));
      TypeDef def = anonymous(type.kind == K::List ? TypeKind::List : type.kind == K::Option ? TypeKind::Option : TypeKind::FixedList);
      def.target = element;
      def.length = type.length;
      return TypeRef::of(new_type(std::move(def)));
    }
    case K::Tuple: case K::Map: {
      TypeDef def = anonymous(type.kind == K::Tuple ? TypeKind::Tuple : TypeKind::Map);
      for (const auto& arg : type.args) {
        TRY(t, resolve_type(arg, types));
        def.elements.push_back(t);
      }
      return TypeRef::of(new_type(std::move(def)));
    }
    case K::Result: {
      TypeDef def = anonymous(TypeKind::Result);
      size_t next = 0;
      if (type.result_ok) {
        TRY(ok, resolve_type(type.args[next++], types));
        def.ok = ok;
      }
      if (type.result_err) {
        TRY(err, resolve_type(type.args[next], types));
        def.err = err;
      }
      return TypeRef::of(new_type(std::move(def)));
    }
    case K::Future: case K::Stream: {
      TypeDef def = anonymous(type.kind == K::Future ? TypeKind::Future : TypeKind::Stream);
      if (!type.args.empty()) {
        TRY(payload, resolve_type(type.args[0], types));
        def.payload = payload;
      }
      return TypeRef::of(new_type(std::move(def)));
    }
  }
  return TypeRef{};
}


namespace {

// The types a value of `def` contains. Handles contain nothing: a resource may be mentioned
// inside its own methods' types.
std::vector<TypeRef> contained(const TypeDef& def) {
  std::vector<TypeRef> out;
  switch (def.kind) {
    case TypeKind::Alias: case TypeKind::List: case TypeKind::FixedList: case TypeKind::Option:
      out.push_back(def.target);
      break;
    case TypeKind::Record:
      for (const auto& f : def.fields) out.push_back(f.type);
      break;
    case TypeKind::Variant:
      for (const auto& c : def.cases) {
        if (c.type) out.push_back(*c.type);
      }
      break;
    case TypeKind::Tuple: case TypeKind::Map:
      out = def.elements;
      break;
    case TypeKind::Result:
      if (def.ok) out.push_back(*def.ok);
      if (def.err) out.push_back(*def.err);
      break;
    case TypeKind::Future: case TypeKind::Stream:
      if (def.payload) out.push_back(*def.payload);
      break;
    default:
      break;
  }
  return out;
}

// Depth-first search, with an explicit stack, for a type that contains itself.
bool reaches_itself(const Resolve& r, TypeId root, std::vector<Color>& color) {
  struct Frame {
    TypeId id;
    std::vector<TypeRef> children;
    size_t next = 0;
  };
  if (color[root] != Color::White) return false;
  std::vector<Frame> stack;
  color[root] = Color::Grey;
  stack.push_back(Frame{root, contained(r.types[root])});
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.children.size()) {
      color[top.id] = Color::Black;
      stack.pop_back();
      continue;
    }
    TypeRef child = top.children[top.next++];
    if (child.prim != Prim::Id) continue;
    if (color[child.id] == Color::Grey) return true;
    if (color[child.id] == Color::Black) continue;
    color[child.id] = Color::Grey;
    stack.push_back(Frame{child.id, contained(r.types[child.id])});
  }
  return false;
}

// Whether a value of `type` holds a `borrow` handle (functions may not return one). Each type
// is looked at once: types shared by many fields cost nothing more.
bool contains_borrow(const Resolve& r, TypeRef type) {
  if (type.prim != Prim::Id) return false;
  std::vector<TypeId> todo{type.id};
  std::unordered_set<TypeId> seen;
  while (!todo.empty()) {
    TypeId id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    if (r.types[id].kind == TypeKind::Borrow) return true;
    for (TypeRef child : contained(r.types[id])) {
      if (child.prim == Prim::Id) todo.push_back(child.id);
    }
  }
  return false;
}

}  // namespace

Expected<Function> Resolver::resolve_function(const ast::FuncType& type, std::string name, TypeScope& types) {
  Function f;
  f.name = std::move(name);
  f.async = type.async;
  for (const auto& p : type.params) {
    for (const auto& seen : f.params) {
      if (seen.name == p.name.name) {
        return error_at(*types.source, p.name.offset, fmt::format("parameter `{}` is defined more than once", p.name.name));
      }
    }
    TRY(t, resolve_type(p.type, types));
    f.params.push_back(Param{p.name.name, t});
  }
  if (!type.result.empty()) {
    TRY(t, resolve_type(type.result[0], types));
    if (contains_borrow(r_, t)) {
      return error_at(*types.source, type.result[0].offset, "a function cannot return a `borrow` handle");
    }
    f.result = t;
  }
  return f;
}

Expected<void> Resolver::add_resource_functions(const ast::TypeDecl& decl, TypeId resource, TypeScope& types,
                                                std::vector<Function>& out) {
  std::vector<std::string> seen;
  for (const auto& member : decl.funcs) {
    if (!enabled(member.gate)) continue;
    for (const auto& s : seen) {
      if (s == member.name.name) {
        return error_at(*types.source, member.name.offset,
                        member.kind == ast::ResourceFunc::Kind::Constructor
                            ? fmt::format("resource `{}` has more than one constructor", decl.name.name)
                            : fmt::format("`{}` is defined more than once in resource `{}`", member.name.name, decl.name.name));
      }
    }
    seen.push_back(member.name.name);
    using RK = ast::ResourceFunc::Kind;
    TRY(f, resolve_function(member.type, member.kind == RK::Constructor ? decl.name.name : member.name.name, types));
    f.resource = resource;
    f.docs = member.docs;
    f.stability = stability_of(member.gate);
    if (member.kind == RK::Method) {
      f.kind = FunctionKind::Method;
      TypeDef self;
      self.owner = types.owner;
      self.kind = TypeKind::Borrow;
      self.target = TypeRef::of(resource);
      f.params.insert(f.params.begin(), Param{"self", TypeRef::of(new_type(std::move(self)))});
    } else if (member.kind == RK::Static) {
      f.kind = FunctionKind::Static;
    } else {
      f.kind = FunctionKind::Constructor;
      if (!f.result) {
        TypeDef own;
        own.owner = types.owner;
        own.kind = TypeKind::Own;
        own.target = TypeRef::of(resource);
        f.result = TypeRef::of(new_type(std::move(own)));
      } else {
        // A fallible constructor returns `result<R, E>` (or `result<R>`), R this resource.
        const TypeDef& result = r_.types[f.result->id];
        bool ok = f.result->prim == Prim::Id && result.kind == TypeKind::Result && result.ok &&
                  result.ok->prim == Prim::Id && r_.types[result.ok->id].kind == TypeKind::Own &&
                  r_.canonical(r_.types[result.ok->id].target.id) == resource;
        if (!ok) {
          return error_at(*types.source, member.type.result[0].offset,
                          fmt::format("a constructor returns `result<{}, E>` or nothing", decl.name.name));
        }
      }
    }
    out.push_back(std::move(f));
  }
  return {};
}


Expected<void> Resolver::check_no_cycles(const TypeScope& types) {
  // Types searched before are done (Black) for good: their contents never change.
  cycle_colors_.resize(r_.types.size(), Color::White);
  auto& color = cycle_colors_;
  for (const auto& [id, pending] : types.pending) {
    if (reaches_itself(r_, id, color)) {
      return error_at(*types.source, pending.decl->name.offset,
                      fmt::format("type `{}` refers to itself", pending.decl->name.name));
    }
  }
  return {};
}

Expected<void> Resolver::resolve_interface_items(InterfaceId id, const std::vector<ast::InterfaceItem>& items,
                                                 const FileScope& scope) {
  TypeScope types;
  types.owner = Owner{Owner::Kind::Interface, id};
  types.source = scope.file->source.get();
  std::vector<std::pair<std::string, TypeId>> names;
  std::vector<std::pair<const ast::TypeDecl*, TypeId>> decls;
  for (const auto& item : items) {
    if (const auto* use = std::get_if<ast::Use>(&item)) {
      if (enabled(use->gate)) TRY_VOID(add_use(*use, types, scope, names));
    } else if (const auto* decl = std::get_if<ast::TypeDecl>(&item)) {
      if (!enabled(decl->gate)) continue;
      TRY(type, declare_type(*decl, types, names));
      decls.emplace_back(decl, type);
    }
  }
  std::vector<Function> functions;
  size_t next_decl = 0;
  for (const auto& item : items) {
    if (const auto* decl = std::get_if<ast::TypeDecl>(&item)) {
      if (next_decl >= decls.size() || decls[next_decl].first != decl) continue;
      TypeId type = decls[next_decl++].second;
      TRY_VOID(fill_type(type, types));
      if (decl->kind == ast::TypeDecl::Kind::Resource) {
        TRY_VOID(add_resource_functions(*decl, type, types, functions));
      }
    } else if (const auto* func = std::get_if<ast::Func>(&item)) {
      if (!enabled(func->gate)) continue;
      if (types.names.count(func->name.name)) {
        return error_at(*types.source, func->name.offset, fmt::format("name `{}` is defined more than once", func->name.name));
      }
      for (const auto& f : functions) {
        if (f.kind == FunctionKind::Freestanding && f.name == func->name.name) {
          return error_at(*types.source, func->name.offset, fmt::format("name `{}` is defined more than once", func->name.name));
        }
      }
      TRY(f, resolve_function(func->type, func->name.name, types));
      f.docs = func->docs;
      f.stability = stability_of(func->gate);
      functions.push_back(std::move(f));
    }
  }
  TRY_VOID(check_no_cycles(types));
  r_.interfaces[id].types = std::move(names);
  r_.interfaces[id].functions = std::move(functions);
  return {};
}

}  // namespace wasmrun::wit::detail
