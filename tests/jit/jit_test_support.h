// What the JIT tests share: modules from WAT, an engine with or without a code cache, calling an
// export, and a fresh temporary directory.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "jit/llvm_code_generator.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/invoke.h"
#include "text/wat.h"

namespace wasmrun::test {

inline std::vector<uint8_t> wat(std::string_view source) {
  auto bytes = text::parse_wat(source, "test.wat");
  REQUIRE_MESSAGE(bytes, (bytes ? "" : bytes.error().message));
  return bytes.take();
}

// add_one(x) = x + 1, through a call, so that linking resolves a call between functions.
inline const char* kAddOne = R"((module
  (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func (export "add_one") (param i32) (result i32) local.get 0 call $inc)))";

struct TempDir {
  TempDir() {
    char name[] = "/tmp/wasmrun-jit-test-XXXXXX";
    REQUIRE(mkdtemp(name));
    path = name;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

inline std::unique_ptr<vm::Engine> make_engine(std::shared_ptr<jit::CodeCache> cache, vm::EngineConfig config = {}) {
  auto codegen = jit::create_llvm_code_generator(std::move(cache));
  REQUIRE(codegen);
  return std::make_unique<vm::Engine>(config, codegen.take());
}

// Instantiates a module in `store` with `imports` and calls export `name` with one i32.
inline int32_t call_i32(vm::Store& store, const std::shared_ptr<const vm::CompiledModule>& module,
                        const std::vector<vm::Extern>& imports, const std::string& name, int32_t arg) {
  auto instance = vm::instantiate(store, module, imports);
  REQUIRE(instance);
  auto e = (*instance)->find_export(name);
  REQUIRE(e);
  vm::VMValue values[1];
  std::memcpy(values[0].bytes, &arg, 4);
  REQUIRE(vm::invoke(store, std::get<vm::FuncInstance*>(*e), values));
  int32_t result;
  std::memcpy(&result, values[0].bytes, 4);
  return result;
}

// The same in a store of its own, for a module without imports.
inline int32_t call_i32(vm::Engine& engine, const std::shared_ptr<const vm::CompiledModule>& module,
                        const std::string& name, int32_t arg) {
  vm::Store store(engine);
  return call_i32(store, module, {}, name, arg);
}

}  // namespace wasmrun::test
