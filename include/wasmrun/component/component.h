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

// Component-model features beyond the MVP that a component may use, each on by default (as
// Wasmtime's Config::wasm_component_model_* switches, which its test scripts turn off with
// `;;! component_model_map = false` lines): a component using one that is off is invalid.
struct ComponentFeatures {
  bool fixed_length_lists = true;  // `list<T, N>`
  bool implements = true;          // `implements` names of imports and exports
  bool error_context = true;       // the `error-context` type and its built-ins
  bool map = true;                 // `map<K, V>`
};

class Component {
 public:
  // Accepts a component binary, or component text (`(component ...)`, as Wasmtime does);
  // errors say what is wrong and at which byte offset or line:column. A component that uses
  // a feature wasmrun does not implement (async, core GC types, ...) is an Error of kind
  // ErrorKind::Unsupported.
  static Expected<Component> from_binary(const Engine& engine, std::span<const uint8_t> bytes,
                                         const ComponentFeatures& features = {});
  static Expected<Component> from_file(const Engine& engine, const std::string& path);
  // Decodes and validates a component binary without compiling it: what from_binary would
  // reject, with the same errors (Wasmtime's Component::validate).
  static Expected<void> validate(std::span<const uint8_t> bytes, const ComponentFeatures& features = {});

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
