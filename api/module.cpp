#include "wasmrun/module.h"

#include "api/conversions.h"
#include "jit/artifact.h"
#include "runtime/vm/compiled_module.h"
#include "support/file.h"
#include "text/wat.h"

namespace wasmrun {

namespace {

Expected<Module> compile_named(const Engine& engine, std::span<const uint8_t> bytes, std::string_view name) {
  if (text::is_wat_text(bytes)) {
    auto binary = text::parse_wat({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, name);
    if (!binary) return binary.error();  // the message starts with name:line:column
    return Module::compile(engine, *binary);
  }
  auto compiled = vm::compile_module(engine.impl(), bytes);
  if (!compiled) return compiled.error();
  return Module(engine, compiled.take());
}

}  // namespace

Expected<Module> Module::compile(const Engine& engine, std::span<const uint8_t> bytes) {
  return compile_named(engine, bytes, "<text>");
}

Expected<Module> Module::compile(const Engine& engine, std::string_view text) {
  return compile(engine, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Expected<Module> Module::from_file(const Engine& engine, const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  bool is_text = text::is_wat_text(*bytes);
  auto m = compile_named(engine, *bytes, path);
  if (!m && !is_text) return Error{path + ": " + m.error().message};
  return m;
}

Expected<std::vector<uint8_t>> Module::precompile(const Engine& engine, std::span<const uint8_t> bytes) {
  if (text::is_wat_text(bytes)) {
    auto binary = text::parse_wat({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, "<text>");
    if (!binary) return binary.error();
    return vm::precompile_module(engine.impl(), *binary);
  }
  return vm::precompile_module(engine.impl(), bytes);
}

Expected<Module> Module::deserialize(const Engine& engine, std::span<const uint8_t> artifact) {
  auto compiled = vm::load_precompiled(engine.impl(), artifact);
  if (!compiled) return compiled.error();
  return Module(engine, compiled.take());
}

bool Module::is_precompiled(std::span<const uint8_t> bytes) { return jit::looks_like_artifact(bytes); }

std::vector<ImportDesc> Module::imports() const {
  std::vector<ImportDesc> out;
  for (const wasm::Import& im : impl_->module.imports) out.push_back({im.module, im.name, api::from_wasm(im.kind)});
  return out;
}

std::vector<ExportDesc> Module::exports() const {
  std::vector<ExportDesc> out;
  for (const wasm::Export& e : impl_->module.exports) out.push_back({e.name, api::from_wasm(e.kind)});
  return out;
}

}  // namespace wasmrun
