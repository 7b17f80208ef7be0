// Packages, their interfaces and worlds by name, top-level `use`, and use-path lookup.
#include <fmt/format.h>

#include "wit/resolver_impl.h"
#include "wit/try.h"

namespace wasmrun::wit {

using namespace detail;

Expected<std::vector<std::optional<PackageId>>> resolve_packages(Resolve& resolve,
                                                                 std::vector<PackageSources> groups,
                                                                 const ResolveOptions& options) {
  return Resolver(resolve, options).run(std::move(groups));
}

namespace detail {

bool Resolver::enabled(const ast::Gate& gate) const {
  if (!gate.unstable_feature || options_.all_features) return true;
  for (const auto& f : options_.features) {
    if (f == *gate.unstable_feature) return true;
  }
  return false;
}

Expected<PackageId> Resolver::add_package(const ast::PackageRef& ref, const SourceFile& source, std::string docs) {
  PackageName name{ref.ns, ref.name, ref.version};
  if (r_.find_package(name)) {
    return error_at(source, ref.offset, fmt::format("package `{}` is defined more than once", name.to_string()));
  }
  r_.packages.push_back(Package{std::move(name), {}, {}, std::move(docs)});
  return PackageId(r_.packages.size() - 1);
}

// Numbers the interfaces and worlds of one block of items, so any item can name any other.
Expected<void> Resolver::register_block(const ast::File& file, const ast::PackageItems& items, PackageId package) {
  scopes_.push_back(std::make_unique<FileScope>(FileScope{&file, &items, package, {}}));
  size_t scope = scopes_.size() - 1;
  auto taken = [&](const std::string& name) {
    return r_.find_interface(package, name) || r_.find_world(package, name);
  };
  for (const auto& iface : items.interfaces) {
    if (!enabled(iface.gate)) continue;
    if (taken(iface.name.name)) {
      return error_at(*file.source, iface.name.offset,
                      fmt::format("`{}` is defined more than once in package `{}`", iface.name.name,
                                  r_.packages[package].name.to_string()));
    }
    Interface out;
    out.name = iface.name.name;
    out.package = package;
    out.docs = iface.docs;
    out.stability = stability_of(iface.gate);
    r_.interfaces.push_back(std::move(out));
    InterfaceId id = InterfaceId(r_.interfaces.size() - 1);
    r_.packages[package].interfaces.emplace_back(iface.name.name, id);
    interface_draft_of_[id] = interface_drafts_.size();
    interface_drafts_.push_back(InterfaceDraft{&iface, scope, id, State::Pending});
  }
  for (const auto& world : items.worlds) {
    if (!enabled(world.gate)) continue;
    if (taken(world.name.name)) {
      return error_at(*file.source, world.name.offset,
                      fmt::format("`{}` is defined more than once in package `{}`", world.name.name,
                                  r_.packages[package].name.to_string()));
    }
    World out;
    out.name = world.name.name;
    out.package = package;
    out.docs = world.docs;
    out.stability = stability_of(world.gate);
    r_.worlds.push_back(std::move(out));
    WorldId id = WorldId(r_.worlds.size() - 1);
    r_.packages[package].worlds.emplace_back(world.name.name, id);
    world_draft_of_[id] = world_drafts_.size();
    world_drafts_.push_back(WorldDraft{&world, scope, id, State::Pending});
  }
  return {};
}

Expected<std::vector<std::optional<PackageId>>> Resolver::run(std::vector<PackageSources> groups) {
  groups_ = std::move(groups);
  std::vector<std::optional<PackageId>> mains;
  for (const auto& group : groups_) {
    // The package the group's top-level items belong to: every file that declares one agrees.
    const ast::File* declaring = nullptr;
    bool has_items = false;
    for (const auto& file : group.files) {
      has_items = has_items || !file.items.interfaces.empty() || !file.items.worlds.empty() ||
                  !file.items.uses.empty();
      if (!file.package) continue;
      if (!declaring) {
        declaring = &file;
        continue;
      }
      const auto& a = *declaring->package;
      const auto& b = *file.package;
      if (a.ns != b.ns || a.name != b.name || a.version != b.version) {
        PackageName na{a.ns, a.name, a.version}, nb{b.ns, b.name, b.version};
        return error_at(*file.source, b.offset,
                        fmt::format("package `{}` differs from package `{}` declared in {}", nb.to_string(),
                                    na.to_string(), declaring->source->path));
      }
    }
    std::optional<PackageId> main;
    if (declaring) {
      TRY(id, add_package(*declaring->package, *declaring->source, declaring->package_docs));
      main = id;
    } else if (has_items) {
      for (const auto& file : group.files) {
        if (!file.items.interfaces.empty() || !file.items.worlds.empty() || !file.items.uses.empty()) {
          return error_at(*file.source, 0, "no `package ns:name;` declaration: one file of a package must name it");
        }
      }
    }
    for (const auto& file : group.files) {
      if (main) TRY_VOID(register_block(file, file.items, *main));
      for (const auto& nested : file.nested) {
        TRY(id, add_package(nested.name, *file.source, nested.docs));
        TRY_VOID(register_block(file, nested.items, id));
      }
    }
    mains.push_back(main);
  }
  for (auto& scope : scopes_) TRY_VOID(resolve_toplevel_uses(*scope));
  for (size_t i = 0; i < interface_drafts_.size(); ++i) {
    const InterfaceDraft& d = interface_drafts_[i];
    TRY_VOID(ensure_interface(d.id, *scopes_[d.scope]->file->source, d.ast->name.offset));
  }
  for (size_t i = 0; i < world_drafts_.size(); ++i) {
    const WorldDraft& d = world_drafts_[i];
    TRY_VOID(ensure_world(d.id, *scopes_[d.scope]->file->source, d.ast->name.offset));
  }
  return mains;
}

Expected<PackageId> Resolver::find_package(const ast::PackageRef& ref, const SourceFile& source) const {
  PackageName name{ref.ns, ref.name, ref.version};
  if (auto id = r_.find_package(name)) return *id;
  // Without a version, a package name stands for the one package of that name, if unique.
  if (!ref.version) {
    std::optional<PackageId> only;
    size_t count = 0;
    for (PackageId i = 0; i < r_.packages.size(); ++i) {
      if (r_.packages[i].name.ns == ref.ns && r_.packages[i].name.name == ref.name) {
        only = i;
        ++count;
      }
    }
    if (count == 1) return *only;
  }
  return error_at(source, ref.offset, fmt::format("package `{}` not found", name.to_string()));
}

Expected<void> Resolver::resolve_toplevel_uses(FileScope& scope) {
  const SourceFile& source = *scope.file->source;
  for (const auto& use : scope.items->uses) {
    TRY(target, lookup_interface(use.path, scope));
    const ast::Id& name = use.as ? *use.as : use.path.name;
    if (scope.aliases.count(name.name) || r_.find_interface(scope.package, name.name) ||
        r_.find_world(scope.package, name.name)) {
      return error_at(source, name.offset, fmt::format("name `{}` is already defined", name.name));
    }
    scope.aliases[name.name] = target;
  }
  return {};
}

Expected<InterfaceId> Resolver::lookup_interface(const ast::UsePath& path, const FileScope& scope) {
  const SourceFile& source = *scope.file->source;
  if (path.package) {
    TRY(package, find_package(*path.package, source));
    if (auto id = r_.find_interface(package, path.name.name)) return *id;
    return error_at(source, path.name.offset,
                    fmt::format("interface `{}` not found in package `{}`", path.name.name,
                                r_.packages[package].name.to_string()));
  }
  if (auto it = scope.aliases.find(path.name.name); it != scope.aliases.end()) return it->second;
  if (auto id = r_.find_interface(scope.package, path.name.name)) return *id;
  return error_at(source, path.name.offset, fmt::format("interface `{}` does not exist", path.name.name));
}

Expected<WorldId> Resolver::lookup_world(const ast::UsePath& path, const FileScope& scope) {
  const SourceFile& source = *scope.file->source;
  PackageId package = scope.package;
  if (path.package) {
    TRY(p, find_package(*path.package, source));
    package = p;
  }
  if (auto id = r_.find_world(package, path.name.name)) return *id;
  return error_at(source, path.name.offset,
                  fmt::format("world `{}` not found in package `{}`", path.name.name,
                              r_.packages[package].name.to_string()));
}

Stability Resolver::stability_of(const ast::Gate& gate) const {
  return Stability{gate.since, gate.unstable_feature, gate.deprecated};
}

}  // namespace detail
}  // namespace wasmrun::wit
