// Resolved component-level types (component Explainer "Type Definitions", "Subtyping"): what a
// type index denotes, and the types of the entities in every component sort. Validation builds
// these from a component's binary; instantiation and subtyping read them. Value types are the
// trees of value_type.h; resources are compared by identity (ResourceType pointers).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/component/binary_codes.h"
#include "runtime/component/value_type.h"
#include "runtime/wasm/types.h"

namespace wasmrun::component {

// A core extern type (core spec §2.3.11), as module types, core instances and canon see it.
struct CoreExternType {
  enum class Kind : uint8_t { Func, Table, Memory, Global, Tag } kind = Kind::Func;
  wasm::FuncType func;  // Func, Tag
  wasm::TableType table;
  wasm::MemoryType memory;
  wasm::GlobalType global;
};

struct CoreExport {
  std::string name;
  CoreExternType type;
};
struct CoreImport {
  std::string module, name;
  CoreExternType type;
};

// A core module type (Binary.md `core:moduletype`), and a module's own imports and exports.
struct ModuleType {
  std::vector<CoreImport> imports;
  std::vector<CoreExport> exports;
};
using ModuleTypePtr = std::shared_ptr<const ModuleType>;

// A core instance's type: its exports.
struct CoreInstanceType {
  std::vector<CoreExport> exports;
  const CoreExport* find(std::string_view name) const;
};
using CoreInstanceTypePtr = std::shared_ptr<const CoreInstanceType>;

using FuncTypePtr = std::shared_ptr<const FuncType>;
struct ComponentType;
struct InstanceType;
using ComponentTypePtr = std::shared_ptr<const ComponentType>;
using InstanceTypePtr = std::shared_ptr<const InstanceType>;

// What a component type index denotes.
struct TypeDef {
  enum class Kind : uint8_t { Value, Func, Component, Instance, Resource } kind = Kind::Value;
  ValueTypePtr value;
  FuncTypePtr func;
  ComponentTypePtr component;
  InstanceTypePtr instance;
  ResourceTypePtr resource;
};

// The type of an entity of a component sort (an import, an export, an index-space entry).
struct EntityType {
  Sort sort = Sort::Func;  // CoreModule, Func, Value, Type, Component or Instance
  ModuleTypePtr module;
  FuncTypePtr func;
  ValueTypePtr value;
  TypeDef type;
  ComponentTypePtr component;
  InstanceTypePtr instance;
};

struct NamedEntity {
  std::string name;
  EntityType type;
};

// An instance type: its exports, and the abstract resources it exports (`(export "t" (type (sub
// resource)))`), which every import or instantiation of the type replaces by fresh ones.
struct InstanceType {
  std::vector<NamedEntity> exports;
  std::vector<ResourceTypePtr> fresh;
  const NamedEntity* find(std::string_view name) const;
};

// A component type: imports and exports. `imported` are the resources its imports introduce
// (bound by the arguments of an instantiation); `defined` those it creates, fresh per
// instantiation (generative resource types).
struct ComponentType {
  std::vector<NamedEntity> imports;
  std::vector<NamedEntity> exports;
  std::vector<ResourceTypePtr> imported;
  std::vector<ResourceTypePtr> defined;
};

const char* sort_kind_name(Sort s);  // "func", "instance", ... as messages name an entity's kind

}  // namespace wasmrun::component
