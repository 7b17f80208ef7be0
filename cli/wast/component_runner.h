// The component commands of WAST scripts (component-model tests): `(component ...)`,
// `(component definition ...)`, `(component instance ...)`, `register`, actions on component
// instances and the assertions on them. WastRunner hands every component command here; they run
// on the public component API (include/wasmrun/component/), as Wasmtime's `wast` crate runs on
// the `wasmtime` crate, so the suites exercise what embedders use.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "wasmrun/component/linker.h"
#include "wasmrun/store.h"

namespace wasmrun::cli {

// What one script has defined and instantiated so far. The store is declared first: it outlives
// the instances and the linker that refer to it.
struct ComponentScripts {
  std::unique_ptr<Store> store;  // created with the script's first instantiation, with the linker
  std::unique_ptr<component::Linker> linker;
  std::map<std::string, Component> definitions;
  std::optional<Component> last_definition;
  std::optional<component::Instance> current;
  std::map<std::string, component::Instance> named;
  // Features the script switches with `;;! name = value` lines, as Wasmtime's test harness reads
  // them: component_model_implements, component_model_fixed_length_lists,
  // component_model_error_context, component_model_map.
  ComponentFeatures features;
};

}  // namespace wasmrun::cli
