// Instantiate + drop in a loop: a fresh store per iteration, the modules of one workload
// instantiated into it in order (a later module's memory import is the first instance's
// "memory" export, as a component's adapter imports its main module's memory), the store dropped.
//
//   instantiate_driver MODE THREADS ITERATIONS OPT_LEVEL MODULE.wasm...
//
// MODE: `pool` (InstancePre + pooling allocator + memory images), `pre` (InstancePre, memories
// and instances on the heap, images mapped), `linker` (Linker::instantiate: name lookups and host
// functions made per instance, no pool). Every function import is a stub returning zeros. Prints
// one JSON line: microseconds per instantiation of the workload (per thread), page faults per
// instantiation, and RSS before and after the loop.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/conversions.h"
#include "runtime/vm/compiled_module.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "instantiate_driver: %s\n", message.c_str());
  std::exit(1);
}

template <class T>
T take(Expected<T> e, const std::string& what) {
  if (!e) die(what + ": " + e.error().message);
  return e.take();
}

// Every function import of `module` defined as a stub that returns zeros.
Linker stub_linker(const Engine& engine, const Module& module) {
  Linker linker(engine);
  const wasm::Module& m = module.impl()->module;
  for (const wasm::Import& im : m.imports) {
    if (im.kind != wasm::ExternKind::Func) continue;
    FuncType type = api::from_wasm(m.types[im.func_type]);
    size_t results = type.results.size();
    auto ok = linker.func_new(im.module, im.name, type, [results](Caller&, std::span<RawValue> values) -> Expected<void> {
      for (size_t i = 0; i < results; ++i) values[i] = RawValue{};
      return {};
    });
    if (!ok && !ok.error().message.starts_with("duplicate")) die(ok.error().message);
  }
  return linker;
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  return 0;
}

long page_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt + u.ru_majflt;
}

struct Workload {
  std::string mode;
  Engine engine;
  std::vector<Module> modules;
  std::vector<Linker> linkers;
  std::optional<PoolingAllocator> pool;
  std::vector<InstancePre> pres;
};

// One iteration: a store, every module instantiated into it, the store dropped.
void instantiate_once(const Workload& w) {
  Store store(w.engine);
  std::optional<Extern> memory;
  for (size_t i = 0; i < w.modules.size(); ++i) {
    std::vector<Extern> open;
    if (i > 0 && memory) open.push_back(*memory);
    Expected<Instance> inst = [&]() -> Expected<Instance> {
      if (w.mode == "linker") {
        Linker linker = w.linkers[i];
        if (i > 0 && memory)
          if (auto ok = linker.define("env", "memory", *memory); !ok) return ok.error();
        return linker.instantiate(store, w.modules[i]);
      }
      return w.pres[i].instantiate(store, open);
    }();
    if (!inst) die("instantiation failed: " + inst.error().message);
    if (i == 0) memory = inst->get_export("memory");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) die("usage: instantiate_driver pool|pre|linker THREADS ITERATIONS OPT_LEVEL MODULE.wasm...");
  std::string mode = argv[1];
  int threads = std::atoi(argv[2]);
  long iterations = std::atol(argv[3]);
  Config config;
  config.opt_level = std::atoi(argv[4]);
  Workload w{mode, take(Engine::create(config), "engine"), {}, {}, {}, {}};
  for (int i = 5; i < argc; ++i) w.modules.push_back(take(Module::from_file(w.engine, argv[i]), argv[i]));
  for (const Module& m : w.modules) w.linkers.push_back(stub_linker(w.engine, m));
  if (mode == "pool") {
    PoolingConfig pc;
    pc.instances = 64;
    pc.instance_bytes = size_t(4) << 20;
    w.pool = take(PoolingAllocator::create(pc), "pool");
  } else if (mode != "pre" && mode != "linker") {
    die("unknown mode " + mode);
  }
  if (mode != "linker")
    for (size_t i = 0; i < w.modules.size(); ++i)
      w.pres.push_back(take(InstancePre::create(w.linkers[i], w.modules[i], w.pool ? &*w.pool : nullptr, i > 0),
                            "instance template"));

  // Warm up (first-touch of pool slots, host stubs, allocator caches), then measure.
  for (int i = 0; i < 100; ++i) instantiate_once(w);
  std::fprintf(stderr, "measuring\n");  // a profiler may attach now
  long rss_before = rss_kib();
  long faults_before = page_faults();
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (long i = 0; i < iterations; ++i) instantiate_once(w);
    });
  for (std::thread& t : pool) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long faults = page_faults() - faults_before;
  long rss_after = rss_kib();
  double total = double(iterations) * threads;
  std::printf("{\"us_per_instantiation\": %.3f, \"instantiations_per_second\": %.0f, \"faults_per_instantiation\": %.3f, "
              "\"rss_before_kib\": %ld, \"rss_after_kib\": %ld, \"iterations\": %ld, \"threads\": %d}\n",
              seconds * 1e6 / double(iterations), total / seconds, double(faults) / total, rss_before, rss_after,
              iterations, threads);
}
