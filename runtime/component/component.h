// A decoded, validated component (component Explainer "Component Definitions"): its definitions
// in binary order, each with the indices it refers to and the types validation resolved, so
// instantiation replays them one by one without looking at the binary again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/component/types.h"
#include "runtime/wasm/module.h"

namespace wasmrun::component {

struct SortIndex {
  Sort sort = Sort::Func;
  uint32_t index = 0;
};

struct NamedSortIndex {
  std::string name;
  SortIndex item;
};

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };

// Canonical options (Explainer "Canonical ABI options"); indices into the core index spaces.
struct CanonOptions {
  StringEncoding encoding = StringEncoding::Utf8;
  std::optional<uint32_t> memory;
  std::optional<uint32_t> realloc;
  std::optional<uint32_t> post_return;
  bool async = false;               // component-model-async: the `async` option
  std::optional<uint32_t> callback;  // and its `callback` function
  bool operator==(const CanonOptions&) const = default;
};

struct Component;

struct Definition {
  enum class Kind : uint8_t {
    CoreModule,          // index: into Component::modules
    CoreInstantiate,     // index: module; items: arguments (instances, by module name)
    CoreInlineInstance,  // items: the exports
    Component,           // index: into Component::components
    Instantiate,         // index: component; items: arguments
    InlineInstance,      // items: the exports
    AliasExport,         // sort, index: instance, name
    AliasCoreExport,     // sort, index: core instance, name
    AliasOuter,          // sort, outer_count, index
    Type,                // type (a resource definition creates a new resource per instance)
    CanonLift,           // index: core func; options; func
    CanonLower,          // index: func; options
    ResourceNew,         // type.resource
    ResourceDrop,        // type.resource
    ResourceRep,         // type.resource
    ErrorContextNew,           // options
    ErrorContextDebugMessage,  // options
    ErrorContextDrop,
    // A built-in of component-model-async or threading (CanonicalABI.md "Canonical
    // definitions"): `builtin` its canon code; options; type.value the stream or future type;
    // func the result of task.return; flag its `async` or `cancellable` immediate; index
    // context.get/set's slot, new-indirect's table.
    AsyncBuiltin,
    Import,              // name; entity
    Export,              // name; items[0]: what; entity: its (possibly ascribed) type
  };
  Kind kind = Kind::CoreModule;
  size_t offset = 0;
  Sort sort = Sort::Func;
  uint32_t index = 0;
  uint32_t outer_count = 0;
  std::string name;
  std::vector<NamedSortIndex> items;
  CanonOptions options;
  TypeDef type;
  FuncTypePtr func;
  EntityType entity;
  std::optional<uint32_t> dtor;  // Type of a resource: its destructor, a core func index
  uint8_t builtin = 0;           // AsyncBuiltin
  bool flag = false;             // AsyncBuiltin
  wasm::FuncType core_type;      // AsyncBuiltin, and CanonLower with `async`: the core function made
};

struct Component {
  std::vector<Definition> definitions;
  std::vector<std::shared_ptr<const wasm::Module>> modules;
  std::vector<std::shared_ptr<const Component>> components;
  ComponentTypePtr type;
  // The component `name` section (Binary.md "Name section"), when present and well-formed.
  std::string name;
  std::unordered_map<uint32_t, std::string> names[kSortCount];
};

}  // namespace wasmrun::component
