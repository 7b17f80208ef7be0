// The syntax tree of one WIT file, as written (WIT.md grammar). Names are not resolved here;
// every node keeps the byte offset its messages point at.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "wit/semver.h"
#include "wit/source.h"

namespace wasmrun::wit::ast {

struct Id {
  std::string name;
  uint32_t offset = 0;
};

// `@since(version = ..)`, `@unstable(feature = ..)`, `@deprecated(version = ..)`.
struct Gate {
  std::optional<Version> since;
  std::optional<std::string> unstable_feature;
  std::optional<Version> deprecated;
  uint32_t offset = 0;
};

// `ns:pkg@1.0.0` in `package` declarations and the package part of a use-path.
struct PackageRef {
  std::string ns;
  std::string name;
  std::optional<Version> version;
  uint32_t offset = 0;
};

// An interface name: `types` (in the current package) or `wasi:io/streams@0.2.0`.
struct UsePath {
  std::optional<PackageRef> package;
  Id name;
};

struct Type {
  enum class Kind : uint8_t {
    Bool, U8, U16, U32, U64, S8, S16, S32, S64, F32, F64, Char, String, ErrorContext,
    Named, List, FixedList, Option, Result, Tuple, Map, Own, Borrow, Future, Stream,
  };
  Kind kind = Kind::Bool;
  uint32_t offset = 0;
  Id name;                  // Named, Own, Borrow
  std::vector<Type> args;   // List, FixedList, Option: 1; Tuple: n; Map: key, value;
                            // Future, Stream: 0 or 1; Result: see below
  bool result_ok = false;   // Result: args holds the ok type first when present,
  bool result_err = false;  //         then the error type when present
  uint32_t length = 0;      // FixedList
};

struct Param {
  Id name;
  Type type;
};

struct FuncType {
  bool async = false;
  std::vector<Param> params;
  std::vector<Type> result;  // none or one
  uint32_t offset = 0;
};

struct Func {
  Id name;
  FuncType type;
  Gate gate;
  std::string docs;
};

struct Field {
  Id name;
  Type type;
  std::string docs;
};

struct Case {
  Id name;
  std::vector<Type> payload;  // none or one
  std::string docs;
};

struct ResourceFunc {
  enum class Kind : uint8_t { Method, Static, Constructor };
  Kind kind = Kind::Method;
  Id name;  // the constructor's is `constructor`
  FuncType type;
  Gate gate;
  std::string docs;
};

struct TypeDecl {
  enum class Kind : uint8_t { Alias, Record, Variant, Enum, Flags, Resource };
  Kind kind = Kind::Alias;
  Id name;
  Gate gate;
  std::string docs;
  Type alias;                       // Alias
  std::vector<Field> fields;        // Record
  std::vector<Case> cases;          // Variant, Enum, Flags (no payloads for the last two)
  std::vector<ResourceFunc> funcs;  // Resource
};

struct UseName {
  Id name;
  std::optional<Id> as;
};

// `use path.{a, b as c};` inside an interface or world.
struct Use {
  UsePath path;
  std::vector<UseName> names;
  Gate gate;
  uint32_t offset = 0;
};

using InterfaceItem = std::variant<Use, TypeDecl, Func>;

struct Interface {
  Id name;
  Gate gate;
  std::string docs;
  std::vector<InterfaceItem> items;
};

// `import`/`export` in a world: an interface by path, or a named function or inline interface.
struct Extern {
  enum class Kind : uint8_t { Path, Func, Interface };
  Kind kind = Kind::Path;
  bool is_export = false;
  Id name;                                // Func, Interface
  UsePath path;                           // Path
  FuncType func;                          // Func
  std::vector<InterfaceItem> iface_items; // Interface
  Gate gate;
  std::string docs;
  uint32_t offset = 0;
};

struct IncludeName {
  Id name;
  Id as;
};

struct Include {
  UsePath path;
  std::vector<IncludeName> with;
  Gate gate;
  uint32_t offset = 0;
};

using WorldItem = std::variant<Extern, Use, TypeDecl, Include>;

struct World {
  Id name;
  Gate gate;
  std::string docs;
  std::vector<WorldItem> items;
};

// `use wasi:io/streams@0.2.0 as streams;` at the top of a file: names an interface for this
// file only.
struct TopLevelUse {
  UsePath path;
  std::optional<Id> as;
  uint32_t offset = 0;
};

struct PackageItems {
  std::vector<TopLevelUse> uses;
  std::vector<Interface> interfaces;
  std::vector<World> worlds;
};

struct NestedPackage {
  PackageRef name;
  std::string docs;
  PackageItems items;
};

struct File {
  std::shared_ptr<const SourceFile> source;
  std::optional<PackageRef> package;  // `package a:b;` at the top
  std::string package_docs;
  PackageItems items;
  std::vector<NestedPackage> nested;  // `package a:b { ... }` blocks
};

}  // namespace wasmrun::wit::ast
