// Time to first call of a large module, in one process (bench/startup/run drives it):
//   startup_bench [-O N] [--cache-dir DIR] FILE.wasm|FILE.cwasm [EXPORT [I32...]]
// Loads the module (compiling it, or through the code cache, or from an artifact), instantiates
// it with every import stubbed (functions trap if called; memories, tables and globals are
// created to the import's type), and calls EXPORT with i32 arguments. Prints one JSON object with
// the phases in milliseconds: {"load_ms", "instantiate_ms", "first_call_ms", "cache_hit"}.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "jit/artifact.h"
#include "jit/llvm_code_generator.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/invoke.h"
#include "support/file.h"

using namespace wasmrun;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

Expected<vm::Extern> stub(vm::Store& store, const wasm::Module& m, const wasm::Import& im) {
  switch (im.kind) {
    case wasm::ExternKind::Func: {
      std::string name = im.module + "::" + im.name;
      auto f = store.create_host_func(m.types[im.func_type], [name](vm::Caller&, std::span<vm::VMValue>) {
        return Expected<void>(Error{"stub import called: " + name});
      });
      if (!f) return f.error();
      return vm::Extern(*f);
    }
    case wasm::ExternKind::Memory: {
      auto mem = store.create_memory(im.memory);
      if (!mem) return mem.error();
      return vm::Extern(*mem);
    }
    case wasm::ExternKind::Table: {
      auto t = store.create_table(im.table, nullptr);
      if (!t) return t.error();
      return vm::Extern(*t);
    }
    case wasm::ExternKind::Global: return vm::Extern(store.create_global(im.global));
  }
  return Error{"unknown import kind"};
}

}  // namespace

int main(int argc, char** argv) {
  vm::EngineConfig config;
  std::string cache_dir;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    std::string a = argv[i];
    if (a == "-O" && i + 1 < argc) config.compile.opt_level = std::atoi(argv[++i]);
    else if (a == "--cache-dir" && i + 1 < argc) cache_dir = argv[++i];
    else return fail("unknown option " + a);
  }
  if (i >= argc) return fail("usage: startup_bench [-O N] [--cache-dir DIR] FILE.wasm|FILE.cwasm [EXPORT [I32...]]");
  std::string path = argv[i++];
  std::string export_name = i < argc ? argv[i++] : "";
  std::vector<vm::VMValue> values(16);
  for (size_t k = 0; i < argc; ++i, ++k) {
    int32_t v = std::atoi(argv[i]);
    std::memcpy(values[k].bytes, &v, 4);
  }

  auto t0 = Clock::now();
  std::shared_ptr<jit::CodeCache> cache;
  if (!cache_dir.empty()) cache = std::make_shared<jit::CodeCache>(jit::CodeCacheConfig{cache_dir});
  auto codegen = jit::create_llvm_code_generator(cache);
  if (!codegen) return fail(codegen.error().message);
  vm::Engine engine(config, codegen.take());
  auto bytes = read_file(path);
  if (!bytes) return fail(bytes.error().message);
  auto module = jit::looks_like_artifact(*bytes) ? vm::load_precompiled(engine, *bytes) : vm::compile_module(engine, *bytes);
  if (!module) return fail(module.error().message);
  auto t1 = Clock::now();

  vm::Store store(engine);
  std::vector<vm::Extern> imports;
  for (const wasm::Import& im : (*module)->module.imports) {
    auto x = stub(store, (*module)->module, im);
    if (!x) return fail(x.error().message);
    imports.push_back(*x);
  }
  auto instance = vm::instantiate(store, *module, imports);
  if (!instance) return fail(instance.error().message);
  auto t2 = Clock::now();

  if (!export_name.empty()) {
    auto e = (*instance)->find_export(export_name);
    if (!e || !std::holds_alternative<vm::FuncInstance*>(*e)) return fail("no function export " + export_name);
    if (auto ok = vm::invoke(store, std::get<vm::FuncInstance*>(*e), values); !ok) return fail(ok.error().message);
  }
  auto t3 = Clock::now();
  std::printf("{\"load_ms\": %.1f, \"instantiate_ms\": %.1f, \"first_call_ms\": %.1f, \"cache_hit\": %s}\n",
              ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), cache && cache->stats().hits ? "true" : "false");
  return 0;
}
