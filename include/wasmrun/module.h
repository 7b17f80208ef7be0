// A compiled core module: decoded, validated and turned into machine code once, instantiated
// any number of times in any number of stores.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
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
  // Accepts a binary module; errors say what is wrong and at which byte offset.
  static Expected<Module> compile(const Engine& engine, std::span<const uint8_t> bytes);
  static Expected<Module> from_file(const Engine& engine, const std::string& path);

  // Ahead-of-time compilation (`wasmrun compile`): an artifact holding the module and its machine
  // code, which deserialize() loads with no compilation. Loading checks that the artifact is
  // whole and was made by this wasmrun build for this CPU and the engine's options, and says
  // which one differs otherwise; it trusts the artifact's origin (load only artifacts you made).
  static Expected<std::vector<uint8_t>> precompile(const Engine& engine, std::span<const uint8_t> bytes);
  static Expected<Module> deserialize(const Engine& engine, std::span<const uint8_t> artifact);
  // True when `bytes` start like an artifact rather than a module binary.
  static bool is_precompiled(std::span<const uint8_t> bytes);

  std::vector<ImportDesc> imports() const;
  std::vector<ExportDesc> exports() const;

  const std::shared_ptr<const vm::CompiledModule>& impl() const { return impl_; }

 private:
  explicit Module(std::shared_ptr<const vm::CompiledModule> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const vm::CompiledModule> impl_;
};

}  // namespace wasmrun
