// Time to first call of a large module, in one process (bench/startup/run drives it):
//   startup_bench [-O N] [--lazy[=baseline]] [--tier-up=module] [--cache-dir DIR] [--wait-tier-up]
//                 [--repeat N] FILE.wasm|FILE.cwasm [EXPORT [I32...]]
// Loads the module (compiling it, or through the code cache, or from an artifact), instantiates
// it with every import stubbed (functions trap if called; memories, tables and globals are
// created to the import's type), and calls EXPORT with i32 arguments. Prints one JSON object with
// the phases in milliseconds: {"load_ms", "instantiate_ms", "first_call_ms", "cache_hit"}; with
// --lazy --wait-tier-up, then waits until the optimized code is in ("tier_up_ms", after the call;
// hot functions, or with --tier-up=module the whole module, compiled in the background).
// --repeat N: after the first call, N more calls ("calls_ms"), the wait for the functions they
// made hot ("tier_up_ms", "optimized" functions), and N calls again ("steady_calls_ms").
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
  bool wait_tier_up = false;
  int repeat = 0;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    std::string a = argv[i];
    if (a == "-O" && i + 1 < argc) config.compile.opt_level = std::atoi(argv[++i]);
    else if (a == "--cache-dir" && i + 1 < argc) cache_dir = argv[++i];
    else if (a == "--lazy") config.compile.lazy = true;
    else if (a == "--wait-tier-up") wait_tier_up = true;
    else if (a == "--tier-up=module") config.compile.tier_up_whole_module = true;
    else if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (a == "--lazy=baseline") config.compile.lazy = true, config.compile.tier_up = false;
    else return fail("unknown option " + a);
  }
  if (i >= argc)
    return fail(
        "usage: startup_bench [-O N] [--lazy[=baseline]] [--tier-up=module] [--cache-dir DIR] [--wait-tier-up] "
        "[--repeat N] FILE.wasm|FILE.cwasm [EXPORT [I32...]]");
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

  vm::FuncInstance* function = nullptr;
  std::vector<vm::VMValue> arguments = values;
  auto call = [&]() -> Expected<void> {
    values = arguments;
    return vm::invoke(store, function, values);
  };
  if (!export_name.empty()) {
    auto e = (*instance)->find_export(export_name);
    if (!e || !std::holds_alternative<vm::FuncInstance*>(*e)) return fail("no function export " + export_name);
    function = std::get<vm::FuncInstance*>(*e);
    if (auto ok = call(); !ok) return fail(ok.error().message);
  }
  auto t3 = Clock::now();
  std::printf("{\"load_ms\": %.1f, \"instantiate_ms\": %.1f, \"first_call_ms\": %.1f, \"cache_hit\": %s",
              ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), cache && cache->stats().hits ? "true" : "false");
  if (function && repeat > 0) {
    auto calls = [&]() -> Expected<double> {
      auto start = Clock::now();
      for (int k = 0; k < repeat; ++k)
        if (auto ok = call(); !ok) return ok.error();
      return ms(Clock::now() - start);
    };
    auto before = calls();
    if (!before) return fail(before.error().message);
    auto waited = Clock::now();
    (*module)->code->wait_for_tier_up();
    double tier_up_ms = ms(Clock::now() - waited);
    auto after = calls();
    if (!after) return fail(after.error().message);
    std::printf(", \"calls_ms\": %.1f, \"tier_up_ms\": %.1f, \"optimized\": %zu, \"steady_calls_ms\": %.1f",
                *before, tier_up_ms, (*module)->code->optimized_functions(), *after);
  } else if (wait_tier_up) {
    (*module)->code->wait_for_tier_up();
    std::printf(", \"tier_up_ms\": %.1f", ms(Clock::now() - t3));
  }
  std::printf("}\n");
  return 0;
}
