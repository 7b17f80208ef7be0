// A compiled component (component model Explainer): decoded, validated and its core modules
// compiled once, instantiated any number of times in any number of stores through a
// component::Linker. The counterpart of wasmrun::Module for components (Wasmtime's
// `component::Component`); it lives in namespace wasmrun because wasmrun::component::Component
// names the component IR inside the runtime.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wasmrun/engine.h"

namespace wasmrun {

namespace component {
struct CompiledComponent;
}

class Component {
 public:
  // Accepts a component binary, or component text (`(component ...)`, as Wasmtime does);
  // errors say what is wrong and at which byte offset or line:column.
  static Expected<Component> from_binary(const Engine& engine, std::span<const uint8_t> bytes);
  static Expected<Component> from_file(const Engine& engine, const std::string& path);

  // The names of the component's imports and exports, in order (`wasi:io/streams@0.2.0`,
  // `run`, ...).
  std::vector<std::string> import_names() const;
  std::vector<std::string> export_names() const;

  const std::shared_ptr<const component::CompiledComponent>& impl() const { return impl_; }

 private:
  explicit Component(std::shared_ptr<const component::CompiledComponent> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const component::CompiledComponent> impl_;
};

}  // namespace wasmrun
