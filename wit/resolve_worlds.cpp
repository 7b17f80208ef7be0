// Worlds: imports and exports, world-level types, `include ... with`, and elaboration (WIT.md
// "Item: world"): a world imports every interface its items use types from.
#include <algorithm>

#include <fmt/format.h>

#include "wit/resolver_impl.h"
#include "wit/try.h"

namespace wasmrun::wit::detail {

Expected<void> Resolver::ensure_world(WorldId id, const SourceFile& source, uint32_t include_offset) {
  auto it = world_draft_of_.find(id);
  if (it == world_draft_of_.end()) return {};
  WorldDraft& draft = world_drafts_[it->second];
  if (draft.state == State::Done) return {};
  if (draft.state == State::InProgress) {
    return error_at(source, include_offset, fmt::format("world `{}` includes itself", r_.worlds[id].name));
  }
  draft.state = State::InProgress;
  TRY_VOID(enter(source, include_offset));
  auto resolved = resolve_world(draft);
  leave();
  if (!resolved) return resolved.error();
  world_drafts_[it->second].state = State::Done;
  return {};
}

// Adds an import or export, refusing a second item under the same key.
Expected<void> Resolver::add_item(std::vector<WorldItem>& items, WorldItem item, const SourceFile& source,
                                  uint32_t offset, bool is_export) {
  std::string key = r_.item_key(item);
  for (const auto& existing : items) {
    if (r_.item_key(existing) == key) {
      return error_at(source, offset, fmt::format("{} `{}` is defined more than once", is_export ? "export" : "import", key));
    }
  }
  items.push_back(std::move(item));
  return {};
}

Expected<void> Resolver::resolve_world(WorldDraft& draft_ref) {
  // Copies: resolving an included world may grow the drafts vector.
  const ast::World& ast = *draft_ref.ast;
  WorldId id = draft_ref.id;
  const FileScope& scope = *scopes_[draft_ref.scope];
  const SourceFile& source = *scope.file->source;

  TypeScope types;
  types.owner = Owner{Owner::Kind::World, id};
  types.source = &source;
  std::vector<std::pair<std::string, TypeId>> names;
  std::vector<std::pair<const ast::TypeDecl*, TypeId>> decls;
  std::vector<WorldItem> imports, exports;
  auto import_type = [&](TypeId type, const ast::Gate& gate, uint32_t offset) -> Expected<void> {
    WorldItem item;
    item.kind = WorldItem::Kind::Type;
    item.name = r_.types[type].name;
    item.type = type;
    item.stability = stability_of(gate);
    return add_item(imports, std::move(item), source, offset, false);
  };
  // World-level `use`s and types are imports of the world (they name types it takes in).
  for (const auto& item : ast.items) {
    if (const auto* use = std::get_if<ast::Use>(&item)) {
      if (!enabled(use->gate)) continue;
      size_t first = names.size();
      TRY_VOID(add_use(*use, types, scope, names));
      for (size_t i = first; i < names.size(); ++i) {
        TRY_VOID(import_type(names[i].second, use->gate, use->names[i - first].name.offset));
      }
    } else if (const auto* decl = std::get_if<ast::TypeDecl>(&item)) {
      if (!enabled(decl->gate)) continue;
      TRY(type, declare_type(*decl, types, names));
      decls.emplace_back(decl, type);
      TRY_VOID(import_type(type, decl->gate, decl->name.offset));
    }
  }
  for (const auto& [decl, type] : decls) {
    TRY_VOID(fill_type(type, types));
    if (decl->kind != ast::TypeDecl::Kind::Resource) continue;
    std::vector<Function> functions;
    TRY_VOID(add_resource_functions(*decl, type, types, functions));
    for (auto& f : functions) {
      WorldItem item;
      item.kind = WorldItem::Kind::Function;
      item.name = f.component_name(decl->name.name);
      item.stability = f.stability;
      item.function = std::move(f);
      TRY_VOID(add_item(imports, std::move(item), source, decl->name.offset, false));
    }
  }
  TRY_VOID(check_no_cycles(types));

  for (const auto& item : ast.items) {
    const auto* ext = std::get_if<ast::Extern>(&item);
    if (!ext || !enabled(ext->gate)) continue;
    WorldItem out;
    out.stability = stability_of(ext->gate);
    uint32_t offset = ext->offset;
    switch (ext->kind) {
      case ast::Extern::Kind::Path: {
        TRY(iface, lookup_interface(ext->path, scope));
        TRY_VOID(ensure_interface(iface, source, ext->path.name.offset));
        out.kind = WorldItem::Kind::Interface;
        out.interface = iface;
        offset = ext->path.name.offset;
        break;
      }
      case ast::Extern::Kind::Func: {
        TRY(f, resolve_function(ext->func, ext->name.name, types));
        f.docs = ext->docs;
        f.stability = out.stability;
        out.kind = WorldItem::Kind::Function;
        out.name = ext->name.name;
        out.function = std::move(f);
        offset = ext->name.offset;
        break;
      }
      case ast::Extern::Kind::Interface: {
        Interface inline_iface;
        inline_iface.docs = ext->docs;
        inline_iface.stability = out.stability;
        r_.interfaces.push_back(std::move(inline_iface));
        InterfaceId iface = InterfaceId(r_.interfaces.size() - 1);
        TRY_VOID(resolve_interface_items(iface, ext->iface_items, scope));
        out.kind = WorldItem::Kind::Interface;
        out.name = ext->name.name;
        out.interface = iface;
        offset = ext->name.offset;
        break;
      }
    }
    // Names are unique among the imports and among the exports, each on its own.
    TRY_VOID(add_item(ext->is_export ? exports : imports, std::move(out), source, offset, ext->is_export));
  }
  r_.worlds[id].imports = std::move(imports);
  r_.worlds[id].exports = std::move(exports);

  for (const auto& item : ast.items) {
    const auto* inc = std::get_if<ast::Include>(&item);
    if (inc && enabled(inc->gate)) TRY_VOID(add_include(id, *inc, scope));
  }
  elaborate(id);
  return {};
}

Expected<void> Resolver::add_include(WorldId into, const ast::Include& include, const FileScope& scope) {
  const SourceFile& source = *scope.file->source;
  TRY(from, lookup_world(include.path, scope));
  TRY_VOID(ensure_world(from, source, include.path.name.offset));
  if (from == into) {
    return error_at(source, include.path.name.offset, fmt::format("world `{}` includes itself", r_.worlds[into].name));
  }
  // `with { a as b }` renames plain-named items of the included world; each must exist.
  for (const auto& rename : include.with) {
    bool found = false;
    for (const auto* items : {&r_.worlds[from].imports, &r_.worlds[from].exports}) {
      for (const auto& item : *items) found = found || (!item.name.empty() && item.name == rename.name.name);
    }
    if (!found) {
      return error_at(source, rename.name.offset,
                      fmt::format("`{}` is not an import or export of world `{}`", rename.name.name, r_.worlds[from].name));
    }
  }
  auto merge = [&](const std::vector<WorldItem>& from_items, std::vector<WorldItem>& into_items,
                   bool is_export) -> Expected<void> {
    for (WorldItem item : from_items) {
      if (item.kind == WorldItem::Kind::Interface && item.name.empty()) {
        // The same interface reached twice is one import.
        bool present = std::any_of(into_items.begin(), into_items.end(), [&](const WorldItem& e) {
          return e.kind == WorldItem::Kind::Interface && e.name.empty() && e.interface == item.interface;
        });
        if (!present) into_items.push_back(std::move(item));
        continue;
      }
      for (const auto& rename : include.with) {
        if (rename.name.name == item.name) item.name = rename.as.name;
      }
      bool same = std::any_of(into_items.begin(), into_items.end(), [&](const WorldItem& e) {
        return e.name == item.name && e.kind == item.kind && e.kind == WorldItem::Kind::Type && e.type == item.type;
      });
      if (same) continue;
      TRY_VOID(add_item(into_items, std::move(item), source, include.path.name.offset, is_export));
    }
    return {};
  };
  // Copies: `merge` appends to the vectors of another world of the same arena.
  std::vector<WorldItem> imports = r_.worlds[from].imports, exports = r_.worlds[from].exports;
  TRY_VOID(merge(imports, r_.worlds[into].imports, false));
  TRY_VOID(merge(exports, r_.worlds[into].exports, true));
  return {};
}

void Resolver::elaborate(WorldId id) {
  World& world = r_.worlds[id];
  std::vector<WorldItem> imports;
  auto imported = [&](InterfaceId iface) {
    return std::any_of(imports.begin(), imports.end(), [&](const WorldItem& e) {
      return e.kind == WorldItem::Kind::Interface && e.name.empty() && e.interface == iface;
    });
  };
  // Adds a named interface after the interfaces it depends on.
  auto import_interface = [&](auto&& self, InterfaceId iface, const Stability& stability) -> void {
    if (imported(iface)) return;
    for (InterfaceId dep : r_.interface_dependencies(iface)) self(self, dep, Stability{});
    if (imported(iface)) return;
    WorldItem item;
    item.kind = WorldItem::Kind::Interface;
    item.interface = iface;
    item.stability = stability;
    imports.push_back(std::move(item));
  };
  auto type_owner_interface = [&](TypeId type) -> std::optional<InterfaceId> {
    const TypeDef& def = r_.types[type];
    if (def.kind != TypeKind::Alias || def.target.prim != Prim::Id) return std::nullopt;
    const Owner& owner = r_.types[def.target.id].owner;
    if (owner.kind != Owner::Kind::Interface) return std::nullopt;
    return owner.id;
  };
  for (auto& item : world.imports) {
    switch (item.kind) {
      case WorldItem::Kind::Interface:
        if (item.name.empty()) {
          import_interface(import_interface, item.interface, item.stability);
          continue;
        }
        for (InterfaceId dep : r_.interface_dependencies(item.interface)) import_interface(import_interface, dep, Stability{});
        break;
      case WorldItem::Kind::Type:
        if (auto owner = type_owner_interface(item.type)) import_interface(import_interface, *owner, Stability{});
        break;
      case WorldItem::Kind::Function:
        break;
    }
    imports.push_back(std::move(item));
  }
  // An exported interface's dependencies are the world's exports when it exports them, else
  // imports.
  auto exported = [&](InterfaceId iface) {
    return std::any_of(world.exports.begin(), world.exports.end(), [&](const WorldItem& e) {
      return e.kind == WorldItem::Kind::Interface && e.name.empty() && e.interface == iface;
    });
  };
  for (const auto& item : world.exports) {
    if (item.kind != WorldItem::Kind::Interface) continue;
    for (InterfaceId dep : r_.interface_dependencies(item.interface)) {
      if (!exported(dep)) import_interface(import_interface, dep, Stability{});
    }
  }
  world.imports = std::move(imports);
}

}  // namespace wasmrun::wit::detail
