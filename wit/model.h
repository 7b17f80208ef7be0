// Resolved WIT: packages, interfaces, worlds and types with every name bound (WIT.md "Name
// resolution"). Items live in the arenas of a `Resolve` and refer to each other by index, so
// a type `use`d by ten interfaces is one definition. Worlds are elaborated: their imports hold
// every interface their items depend on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wit/semver.h"

namespace wasmrun::wit {

using TypeId = uint32_t;
using InterfaceId = uint32_t;
using WorldId = uint32_t;
using PackageId = uint32_t;

struct PackageName {
  std::string ns;
  std::string name;
  std::optional<Version> version;

  // `wasi:http@0.2.0`
  std::string to_string() const;
  // `wasi:http/types@0.2.0`, the name a component imports an interface by.
  std::string qualify(const std::string& item) const;
  bool operator==(const PackageName& other) const {
    return ns == other.ns && name == other.name && version == other.version;
  }
};

// Where a definition came from: `@since`, `@unstable` and `@deprecated` as written.
struct Stability {
  std::optional<Version> since;
  std::optional<std::string> unstable_feature;
  std::optional<Version> deprecated;
};

enum class Prim : uint8_t {
  Bool, U8, U16, U32, U64, S8, S16, S32, S64, F32, F64, Char, String, ErrorContext,
  Id,  // a TypeDef of the Resolve
};

struct TypeRef {
  Prim prim = Prim::Bool;
  TypeId id = 0;  // when prim is Id

  static TypeRef of(TypeId id) { return TypeRef{Prim::Id, id}; }
  bool operator==(const TypeRef&) const = default;
};

struct Owner {
  enum class Kind : uint8_t { None, Interface, World };
  Kind kind = Kind::None;
  uint32_t id = 0;
  bool operator==(const Owner&) const = default;
};

enum class TypeKind : uint8_t {
  Alias,      // `type a = b;` and every name brought in by `use`
  Record, Variant, Enum, Flags, Resource,
  Tuple, List, FixedList, Option, Result, Map, Own, Borrow, Future, Stream,
};

struct Field {
  std::string name;
  TypeRef type;
  std::string docs;
};

struct Case {
  std::string name;
  std::optional<TypeRef> type;
  std::string docs;
};

struct TypeDef {
  std::string name;  // empty for anonymous types (`list<u8>`)
  Owner owner;
  TypeKind kind = TypeKind::Alias;
  std::string docs;
  Stability stability;
  TypeRef target;                   // Alias, List, FixedList, Option, Own, Borrow (the resource)
  std::vector<Field> fields;        // Record
  std::vector<Case> cases;          // Variant, Enum, Flags (no types for the last two)
  std::vector<TypeRef> elements;    // Tuple; Map: key then value
  std::optional<TypeRef> ok, err;   // Result
  std::optional<TypeRef> payload;   // Future, Stream
  uint32_t length = 0;              // FixedList
};

enum class FunctionKind : uint8_t { Freestanding, Method, Static, Constructor };

struct Param {
  std::string name;
  TypeRef type;
};

struct Function {
  std::string name;  // as written: `get-type`; a constructor's is the resource's name
  FunctionKind kind = FunctionKind::Freestanding;
  bool async = false;
  TypeId resource = 0;          // Method, Static, Constructor
  std::vector<Param> params;    // methods start with `self: borrow<resource>`
  std::optional<TypeRef> result;
  std::string docs;
  Stability stability;

  // The name in a component (Explainer.md, "Import and export definitions"):
  // `get`, `[method]fields.get`, `[static]fields.from-list`, `[constructor]fields`,
  // with `[async]`, `[async method]`, `[async static]` for async functions.
  std::string component_name(const std::string& resource_name) const;
};

struct Interface {
  std::optional<std::string> name;   // none for an interface written inline in a world
  std::optional<PackageId> package;  // none for an inline interface
  std::vector<std::pair<std::string, TypeId>> types;  // in source order, `use`d names included
  std::vector<Function> functions;                     // in source order, resource members included
  std::string docs;
  Stability stability;

  const TypeId* find_type(const std::string& name) const;
};

struct WorldItem {
  enum class Kind : uint8_t { Interface, Function, Type };
  Kind kind = Kind::Interface;
  std::string name;            // the plain name: functions, types, inline interfaces
  InterfaceId interface = 0;   // Interface
  Function function;           // Function
  TypeId type = 0;             // Type
  Stability stability;
};

struct World {
  std::string name;
  PackageId package = 0;
  std::vector<WorldItem> imports;  // elaborated: every interface the world depends on
  std::vector<WorldItem> exports;
  std::string docs;
  Stability stability;
};

struct Package {
  PackageName name;
  std::vector<std::pair<std::string, InterfaceId>> interfaces;
  std::vector<std::pair<std::string, WorldId>> worlds;
  std::string docs;
};

struct Resolve {
  std::vector<Package> packages;
  std::vector<Interface> interfaces;
  std::vector<World> worlds;
  std::vector<TypeDef> types;

  std::optional<PackageId> find_package(const PackageName& name) const;
  std::optional<InterfaceId> find_interface(PackageId package, const std::string& name) const;
  std::optional<WorldId> find_world(PackageId package, const std::string& name) const;

  // `wasi:io/streams@0.2.0` for a named interface; its plain name for an inline one.
  std::string interface_id(InterfaceId id) const;
  // The key a world item is imported or exported under.
  std::string item_key(const WorldItem& item) const;
  // Follows aliases to the definition a name stands for.
  TypeId canonical(TypeId id) const;
  // Interfaces whose types `id` uses, directly, each once, in first-use order.
  std::vector<InterfaceId> interface_dependencies(InterfaceId id) const;
};

}  // namespace wasmrun::wit
