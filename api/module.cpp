#include "wasmrun/module.h"

#include "api/conversions.h"
#include "jit/artifact.h"
#include "runtime/vm/compiled_module.h"
#include "support/file.h"

namespace wasmrun {

Expected<Module> Module::compile(const Engine& engine, std::span<const uint8_t> bytes) {
  auto compiled = vm::compile_module(engine.impl(), bytes);
  if (!compiled) return compiled.error();
  return Module(compiled.take());
}

Expected<Module> Module::from_file(const Engine& engine, const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  auto m = compile(engine, *bytes);
  if (!m) return Error{path + ": " + m.error().message};
  return m;
}

Expected<std::vector<uint8_t>> Module::precompile(const Engine& engine, std::span<const uint8_t> bytes) {
  return vm::precompile_module(engine.impl(), bytes);
}

Expected<Module> Module::deserialize(const Engine& engine, std::span<const uint8_t> artifact) {
  auto compiled = vm::load_precompiled(engine.impl(), artifact);
  if (!compiled) return compiled.error();
  return Module(compiled.take());
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
