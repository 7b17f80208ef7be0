// What the public component API's handles point to (include/wasmrun/component/): a compiled
// component, the linker's tree of host definitions, resolved imports, a live instantiation.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/vm/component_instance.h"
#include "wasmrun/component/component.h"
#include "wasmrun/component/linker.h"

namespace wasmrun::component {

struct CompiledComponent {
  Engine engine;
  std::shared_ptr<const Component> ir;
  // The machine code of every core module, nested components' included, keyed by the IR's module.
  std::vector<std::pair<const wasm::Module*, std::shared_ptr<const vm::CompiledModule>>> compiled;
};

namespace detail {

// A name defined on a Linker: an instance of further names, a host function, a resource type,
// or an item given as it is (an export of a component instance, a core module).
struct LinkerNode {
  enum class Kind : uint8_t { Instance, Func, Resource, Item };
  Kind kind = Kind::Instance;
  std::map<std::string, std::unique_ptr<LinkerNode>, std::less<>> children;
  std::shared_ptr<const HostFunc> func;
  ResourceTypePtr resource;
  // Item: with its own type, which the instantiation checks against the import's.
  std::optional<vm::ComponentItem> item;
  std::shared_ptr<const void> owner;  // what the item lives in: its instance's state
  std::shared_ptr<const vm::CompiledModule> code;  // a core module's machine code
};

// The resource types a Linker's host defined, by the C++ type each stands for (its tag's address).
struct HostResources {
  std::unordered_map<const void*, ResourceTypePtr> by_cpp_type;
};

// A component's imports as the linker satisfies them, by import name.
struct Resolved {
  wasmrun::Component component;
  std::vector<std::pair<std::string, vm::ComponentItem>> items;
  std::shared_ptr<const vm::ComponentTemplates> templates;  // of the core modules; null: none
  std::vector<std::shared_ptr<const void>> owners;  // of the items that are other instances' exports
  vm::ComponentLinker::CompiledModules modules;     // the machine code of the core modules imported
};

struct InstanceState {
  std::shared_ptr<const CompiledComponent> component;
  std::shared_ptr<const Resolved> resolved;  // the items its linker refers to
  std::optional<vm::ComponentLinker> linker;  // its frames back every function and resource
  std::shared_ptr<vm::ComponentInstance> instance;
};

// `func(s: string) -> string`, for messages.
std::string describe_func(const FuncType& f);

}  // namespace detail

}  // namespace wasmrun::component
