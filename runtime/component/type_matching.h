// Subtyping and resource substitution of component types (Explainer "Subtyping", "Resource
// types"): what an instantiation argument must satisfy, and how the resource types of a
// component type are bound to arguments or replaced by fresh ones.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "runtime/component/types.h"
#include "wasmrun/expected.h"

namespace wasmrun::wasm {
struct Module;
}

namespace wasmrun::component {

// Resource types to replace, by identity. An instantiation binds a few to some tens, so they are
// kept in an array and found by a scan (a hash map's node per binding and its buckets were a
// visible part of instantiating a component); past kIndexed entries an index finds them, so a
// component with thousands of resources is not scanned quadratically.
class ResourceMap {
 public:
  using value_type = std::pair<const ResourceType*, ResourceTypePtr>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void reserve(size_t n) { entries_.reserve(n); }

  const_iterator find(const ResourceType* key) const { return entries_.begin() + ptrdiff_t(position(key)); }
  iterator find(const ResourceType* key) { return entries_.begin() + ptrdiff_t(position(key)); }
  size_t count(const ResourceType* key) const { return position(key) < entries_.size() ? 1 : 0; }
  // Adds the binding unless the key has one; the entry and whether it was added.
  std::pair<iterator, bool> emplace(const ResourceType* key, ResourceTypePtr value);
  ResourceTypePtr& operator[](const ResourceType* key) { return emplace(key, nullptr).first->second; }

 private:
  static constexpr size_t kIndexed = 32;
  size_t position(const ResourceType* key) const;
  std::vector<value_type> entries_;
  std::unordered_map<const ResourceType*, size_t> index_;  // filled once past kIndexed entries
};

ValueTypePtr substitute(const ValueTypePtr& t, const ResourceMap& map);
EntityType substitute(const EntityType& t, const ResourceMap& map);

// Whether any of `resources` occurs in the type (where substitute() would replace it).
bool mentions_any(const EntityType& t, const std::unordered_set<const ResourceType*>& resources);

// The type with the abstract resources its instance types export replaced by new ones, as an
// import or an instantiation sees it; the new resources are appended to `created`.
EntityType freshen(const EntityType& t, std::vector<ResourceTypePtr>& created);

// Checks actual <: expected. Resources in `bindable` that no earlier check bound are bound to
// the actual side's resource on first use (the imported resources of the component being
// instantiated); `bound` then maps them for substitute().
class Matcher {
 public:
  std::unordered_set<const ResourceType*> bindable;
  bool bind_any = false;  // every resource not bound yet is bindable (instantiation: static -> runtime)
  // Link-time checks word their errors as Wasmtime's linker does ("expected function found
  // instance", "mismatched resource types"), validation as wasmparser does.
  bool link_wording = false;
  ResourceMap bound;

  Expected<void> entity(const EntityType& actual, const EntityType& expected);
  Expected<void> value(const ValueTypePtr& actual, const ValueTypePtr& expected);
  Expected<void> func(const FuncType& actual, const FuncType& expected);
  Expected<void> type_def(const TypeDef& actual, const TypeDef& expected);
  Expected<void> instance(const InstanceType& actual, const InstanceType& expected);
  Expected<void> component(const ComponentType& actual, const ComponentType& expected);
  Expected<void> module(const ModuleType& actual, const ModuleType& expected);
  Expected<void> resource(const ResourceTypePtr& actual, const ResourceTypePtr& expected);
};

// The type of a decoded core module: its imports and exports.
ModuleTypePtr module_type(const wasm::Module& m);

Expected<void> match_core_extern(const CoreExternType& actual, const CoreExternType& expected, bool link_wording = false);

std::string describe(const CoreExternType& t);
std::string describe(const ValueTypePtr& t);

}  // namespace wasmrun::component
