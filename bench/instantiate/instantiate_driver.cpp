// Instantiate + drop in a loop: a fresh store per iteration, the modules of one workload
// instantiated into it in order (a later module's memory import is the first instance's
// "memory" export, as a component's adapter imports its main module's memory), the store dropped.
//
//   instantiate_driver OPT_LEVEL MODE:THREADS:ITERATIONS[,...] MODULE.wasm...
//
// The modules are compiled once; then each run in turn. MODE: `pool` (InstancePre + pooling
// allocator + memory images + lazy tables), `pre` (InstancePre, instances on the heap and memories
// freshly mapped, images and lazy tables as with the pool), `linker` (Linker::instantiate: name
// lookups, type checks and host functions made per instance, data copied, tables filled). Every
// function import is a stub returning zeros. Prints one JSON line per run: microseconds per
// instantiation of the workload (wall time of a thread's loop / its iterations), page faults per
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

struct Run {
  std::string mode;
  int threads;
  long iterations;
};

std::vector<Run> parse_runs(const std::string& text) {
  std::vector<Run> runs;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    std::string run = text.substr(at, end - at);
    size_t a = run.find(':'), b = run.rfind(':');
    if (a == std::string::npos || a == b) die("a run reads MODE:THREADS:ITERATIONS, not " + run);
    runs.push_back({run.substr(0, a), std::atoi(run.c_str() + a + 1), std::atol(run.c_str() + b + 1)});
    at = end + 1;
  }
  return runs;
}

void measure(const Engine& engine, const std::vector<Module>& modules, const std::vector<Linker>& linkers, const Run& run) {
  Workload w{run.mode, engine, modules, linkers, {}, {}};
  if (run.mode == "pool") {
    PoolingConfig pc;
    pc.instances = 64;
    pc.instance_bytes = size_t(4) << 20;
    w.pool = take(PoolingAllocator::create(pc), "pool");
  } else if (run.mode != "pre" && run.mode != "linker") {
    die("unknown mode " + run.mode);
  }
  if (run.mode != "linker")
    for (size_t i = 0; i < w.modules.size(); ++i)
      w.pres.push_back(take(InstancePre::create(w.linkers[i], w.modules[i], w.pool ? &*w.pool : nullptr, i > 0),
                            "instance template"));

  // Warm up (first-touch of pool slots, host stubs, allocator caches), then measure.
  for (int i = 0; i < 100; ++i) instantiate_once(w);
  std::fprintf(stderr, "measuring %s\n", run.mode.c_str());  // a profiler may attach now
  long rss_before = rss_kib();
  long faults_before = page_faults();
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < run.threads; ++t)
    threads.emplace_back([&] {
      for (long i = 0; i < run.iterations; ++i) instantiate_once(w);
    });
  for (std::thread& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long faults = page_faults() - faults_before;
  long rss_after = rss_kib();
  double total = double(run.iterations) * run.threads;
  std::printf("{\"mode\": \"%s\", \"threads\": %d, \"iterations\": %ld, \"us_per_instantiation\": %.3f, "
              "\"instantiations_per_second\": %.0f, \"faults_per_instantiation\": %.3f, \"rss_before_kib\": %ld, "
              "\"rss_after_kib\": %ld}\n",
              run.mode.c_str(), run.threads, run.iterations, seconds * 1e6 / double(run.iterations), total / seconds,
              double(faults) / total, rss_before, rss_after);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) die("usage: instantiate_driver OPT_LEVEL MODE:THREADS:ITERATIONS[,...] MODULE.wasm...");
  Config config;
  config.opt_level = std::atoi(argv[1]);
  std::vector<Run> runs = parse_runs(argv[2]);
  Engine engine = take(Engine::create(config), "engine");
  std::vector<Module> modules;
  for (int i = 3; i < argc; ++i) modules.push_back(take(Module::from_file(engine, argv[i]), argv[i]));
  std::vector<Linker> linkers;
  for (const Module& m : modules) linkers.push_back(stub_linker(engine, m));
  for (const Run& run : runs) measure(engine, modules, linkers, run);
}
