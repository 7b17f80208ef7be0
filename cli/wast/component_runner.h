// The component commands of WAST scripts (component-model tests): `(component ...)`,
// `(component definition ...)`, `(component instance ...)`, `register`, actions on component
// instances and the assertions on them. WastRunner hands every component command here.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "runtime/component/component.h"
#include "runtime/decode/component_decoder.h"
#include "runtime/vm/component_instance.h"
#include "text/wast_script.h"

namespace wasmrun::cli {

// What one script has defined and instantiated so far.
struct ComponentScripts {
  std::unique_ptr<vm::ComponentLinker> linker;  // created with the script's first instantiation
  std::map<std::string, std::shared_ptr<const component::Component>> definitions;
  std::shared_ptr<const component::Component> last_definition;
  std::shared_ptr<vm::ComponentInstance> current;
  // Features the script switches with `;;! name = value` lines, as Wasmtime's test harness reads
  // them: component_model_implements, component_model_fixed_length_lists,
  // component_model_error_context, component_model_map, component_model_async,
  // component_model_threading.
  component::ComponentDecodeOptions features;
  std::map<std::string, std::shared_ptr<vm::ComponentInstance>> named;
};

}  // namespace wasmrun::cli
