// A compiled core module: decoded, validated and turned into machine code once, instantiated
// any number of times in any number of stores.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmrun/engine.h"

namespace wasmrun {

namespace vm {
struct CompiledModule;
}

enum class ExternKind : uint8_t { Func, Table, Memory, Global };

struct ImportDesc {
  std::string module;
  std::string name;
  ExternKind kind;
};

struct ExportDesc {
  std::string name;
  ExternKind kind;
};

class Module {
 public:
  // Accepts a binary module or its text (WAT); errors say what is wrong and where: the byte
  // offset in a binary, line:column in text.
  static Expected<Module> compile(const Engine& engine, std::span<const uint8_t> bytes);
  static Expected<Module> compile(const Engine& engine, std::string_view text);
  // A .wasm or .wat file, told apart by content.
  static Expected<Module> from_file(const Engine& engine, const std::string& path);

  // Ahead-of-time compilation (`wasmrun compile`) of a binary or text module: an artifact holding
  // the module and its machine code, which deserialize() loads with no compilation. Loading checks that the artifact is
  // whole and was made by this wasmrun build for this CPU and the engine's options, and says
  // which one differs otherwise; it trusts the artifact's origin (load only artifacts you made).
  static Expected<std::vector<uint8_t>> precompile(const Engine& engine, std::span<const uint8_t> bytes);
  static Expected<Module> deserialize(const Engine& engine, std::span<const uint8_t> artifact);
  // True when `bytes` start like an artifact rather than a module binary.
  static bool is_precompiled(std::span<const uint8_t> bytes);

  std::vector<ImportDesc> imports() const;
  std::vector<ExportDesc> exports() const;

  const Engine& engine() const { return engine_; }
  const std::shared_ptr<const vm::CompiledModule>& impl() const { return impl_; }

  // For the library: wraps a module compiled by `engine`.
  Module(const Engine& engine, std::shared_ptr<const vm::CompiledModule> impl) : engine_(engine), impl_(std::move(impl)) {}

 private:
  Engine engine_;  // the code lives in the engine's JIT: a module keeps its engine alive
  std::shared_ptr<const vm::CompiledModule> impl_;
};

}  // namespace wasmrun
