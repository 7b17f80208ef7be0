// The resolver's working state, shared by resolve_*.cpp. Not part of the layer's interface.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wit/resolver.h"

namespace wasmrun::wit::detail {

enum class State : uint8_t { Pending, InProgress, Done };
// Depth-first search marks: unvisited, on the current path, finished.
enum class Color : uint8_t { White, Grey, Black };

// The names a block of top-level items sees: its package, and the interfaces its file's
// top-level `use`s name.
struct FileScope {
  const ast::File* file = nullptr;
  const ast::PackageItems* items = nullptr;
  PackageId package = 0;
  std::map<std::string, InterfaceId> aliases;
};

struct InterfaceDraft {
  const ast::Interface* ast = nullptr;
  size_t scope = 0;
  InterfaceId id = 0;
  State state = State::Pending;
};

struct WorldDraft {
  const ast::World* ast = nullptr;
  size_t scope = 0;
  WorldId id = 0;
  State state = State::Pending;
};

// Type names inside one interface or world while its items are resolved. Declarations are
// numbered first and filled in afterwards, so a type may be used before it is defined.
struct TypeScope {
  Owner owner;
  const SourceFile* source = nullptr;
  std::map<std::string, TypeId> names;
  struct Pending {
    const ast::TypeDecl* decl = nullptr;
    State state = State::Pending;
  };
  std::map<TypeId, Pending> pending;
};

class Resolver {
 public:
  Resolver(Resolve& resolve, const ResolveOptions& options) : r_(resolve), options_(options) {}

  Expected<std::vector<std::optional<PackageId>>> run(std::vector<PackageSources> groups);

 private:
  // resolve_packages.cpp
  Expected<void> register_block(const ast::File& file, const ast::PackageItems& items, PackageId package);
  Expected<PackageId> add_package(const ast::PackageRef& ref, const SourceFile& source, std::string docs);
  Expected<void> resolve_toplevel_uses(FileScope& scope);
  Expected<PackageId> find_package(const ast::PackageRef& ref, const SourceFile& source) const;
  Expected<InterfaceId> lookup_interface(const ast::UsePath& path, const FileScope& scope);
  Expected<WorldId> lookup_world(const ast::UsePath& path, const FileScope& scope);
  bool enabled(const ast::Gate& gate) const;
  Error error_at(const SourceFile& source, uint32_t offset, const std::string& message) const {
    return Error{source.error_at(offset, message)};
  }

  // resolve_types.cpp
  Expected<void> ensure_interface(InterfaceId id, const SourceFile& source, uint32_t use_offset);
  Expected<void> resolve_interface_items(InterfaceId id, const std::vector<ast::InterfaceItem>& items,
                                         const FileScope& scope);
  Expected<void> add_use(const ast::Use& use, TypeScope& types, const FileScope& scope,
                         std::vector<std::pair<std::string, TypeId>>& out);
  Expected<TypeId> declare_type(const ast::TypeDecl& decl, TypeScope& types,
                                std::vector<std::pair<std::string, TypeId>>& out);
  Expected<void> fill_type(TypeId id, TypeScope& types);
  Expected<void> fill_declaration(TypeId id, const ast::TypeDecl& decl, TypeScope& types);
  Expected<TypeRef> resolve_type(const ast::Type& type, TypeScope& types);
  Expected<bool> is_resource(TypeId id, TypeScope& types);
  Expected<Function> resolve_function(const ast::FuncType& type, std::string name, TypeScope& types);
  Expected<void> add_resource_functions(const ast::TypeDecl& decl, TypeId resource, TypeScope& types,
                                        std::vector<Function>& out);
  Expected<void> check_no_cycles(const TypeScope& types);
  TypeId new_type(TypeDef def);
  Stability stability_of(const ast::Gate& gate) const;

  // resolve_worlds.cpp
  Expected<void> ensure_world(WorldId id, const SourceFile& source, uint32_t include_offset);
  Expected<void> resolve_world(WorldDraft& draft);
  Expected<void> add_include(WorldId into, const ast::Include& include, const FileScope& scope);
  Expected<void> add_item(std::vector<WorldItem>& items, WorldItem item, const SourceFile& source,
                          uint32_t offset, bool is_export);
  void elaborate(WorldId id);

  // How deep ensure_interface, ensure_world and fill_type call each other: bounded so that
  // hostile input cannot exhaust the native stack.
  Expected<void> enter(const SourceFile& source, uint32_t offset);
  void leave() { --depth_; }
  int depth_ = 0;
  std::vector<Color> cycle_colors_;  // check_no_cycles's search state, kept across interfaces

  Resolve& r_;
  const ResolveOptions& options_;
  std::vector<PackageSources> groups_;  // the trees the drafts point into
  std::vector<std::unique_ptr<FileScope>> scopes_;
  std::vector<InterfaceDraft> interface_drafts_;
  std::vector<WorldDraft> world_drafts_;
  std::map<InterfaceId, size_t> interface_draft_of_;
  std::map<WorldId, size_t> world_draft_of_;
};

}  // namespace wasmrun::wit::detail
