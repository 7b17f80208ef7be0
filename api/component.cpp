#include "wasmrun/component/component.h"

#include <fstream>
#include <iterator>

#include "api/component_internal.h"
#include "runtime/decode/component_decoder.h"
#include "text/wat.h"

namespace wasmrun {

namespace {

// Compiles the core modules of `c` and of its nested components, each once.
Expected<void> compile_all(vm::Engine& engine, const component::Component& c, component::CompiledComponent& out) {
  for (const auto& m : c.modules) {
    bool seen = false;
    for (const auto& [done, code] : out.compiled) seen = seen || done == m.get();
    if (seen) continue;
    // From the binary, so the engine's code cache (Config::cache_dir) can answer.
    auto code = vm::compile_module(engine, std::span<const uint8_t>(m->bytes));
    if (!code) return Error{"core module failed to compile: " + code.error().message};
    out.compiled.emplace_back(m.get(), code.take());
  }
  for (const auto& nested : c.components) {
    if (auto r = compile_all(engine, *nested, out); !r) return r;
  }
  return {};
}

std::vector<std::string> names_of(const std::vector<component::NamedEntity>& entities) {
  std::vector<std::string> out;
  for (const auto& e : entities) out.push_back(e.name);
  return out;
}

// Decoded and validated, and held to what a root component may import.
Expected<std::shared_ptr<const component::Component>> decode(std::span<const uint8_t> bytes,
                                                             const ComponentFeatures& features) {
  component::ComponentDecodeOptions options;
  options.fixed_length_lists = features.fixed_length_lists;
  options.implements = features.implements;
  options.error_context = features.error_context;
  options.map = features.map;
  auto decoded = component::decode_component(bytes, options);
  if (!decoded.component) {
    if (decoded.unsupported) return Error{std::move(decoded.error.message), ErrorKind::Unsupported};
    return decoded.error;
  }
  if (auto r = vm::check_root_imports(*decoded.component); !r) return r.error();
  return decoded.component;
}

}  // namespace

Expected<Component> Component::from_binary(const Engine& engine, std::span<const uint8_t> bytes,
                                           const ComponentFeatures& features) {
  if (text::is_wat_text(bytes)) {
    auto binary = text::parse_wat(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "<text>");
    if (!binary) return binary.error();
    return from_binary(engine, *binary, features);
  }
  auto ir = decode(bytes, features);
  if (!ir) return ir.error();
  auto impl = std::make_shared<component::CompiledComponent>(component::CompiledComponent{engine, *ir, {}});
  if (auto r = compile_all(engine.impl(), **ir, *impl); !r) return r.error();
  return Component(std::move(impl));
}

Expected<void> Component::validate(std::span<const uint8_t> bytes, const ComponentFeatures& features) {
  auto ir = decode(bytes, features);
  if (!ir) return ir.error();
  return {};
}

Expected<Component> Component::from_file(const Engine& engine, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path};
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto c = from_binary(engine, bytes);
  if (!c) return Error{path + ": " + c.error().message};
  return c;
}

std::vector<std::string> Component::import_names() const { return names_of(impl_->ir->type->imports); }
std::vector<std::string> Component::export_names() const { return names_of(impl_->ir->type->exports); }

}  // namespace wasmrun
