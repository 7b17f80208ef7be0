// Component instantiate + drop in a loop: a fresh store per iteration, the component instantiated
// into it from an InstancePre (`pre`: imports resolved once and core instance templates, as
// `wasmrun serve` does per request; `pool`: the same with core instances in pooling-allocator
// slots; `resident`: pool slots whose memory is reset in place, not handed back with madvise, as
// `wasmrun serve` configures them) or through Linker::instantiate (`linker`: resolved per instance, as `wasmrun run`), the
// store dropped. Every import is a function that traps (none is called while instantiating).
//
//   component_driver OPT_LEVEL MODE:ITERATIONS[,...] COMPONENT.wasm
//
// Prints one JSON line per run: microseconds per instantiation, of wall time and of the thread's
// CPU time (user + system: steadier on a loaded machine), and page faults per instantiation.
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "wasmrun/component/component.h"
#include "wasmrun/component/linker.h"
#include "wasmrun/instance_pre.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "component_driver: %s\n", message.c_str());
  std::exit(1);
}

template <class T>
T take(Expected<T> e, const std::string& what) {
  if (!e) die(what + ": " + e.error().message);
  return e.take();
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

long page_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt + u.ru_majflt;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) die("usage: component_driver OPT_LEVEL MODE:ITERATIONS[,...] COMPONENT.wasm");
  Config config;
  config.opt_level = std::atoi(argv[1]);
  Engine engine = take(Engine::create(config), "engine");
  Component component = take(Component::from_file(engine, argv[3]), argv[3]);
  component::Linker linker(engine);
  if (auto ok = linker.define_unknown_imports_as_traps(component); !ok) die(ok.error().message);
  component::InstancePre pre = take(linker.instantiate_pre(component), "instance template");
  PoolingConfig pool_config;
  pool_config.instances = 64;
  pool_config.instance_bytes = size_t(4) << 20;
  PoolingAllocator pool = take(PoolingAllocator::create(pool_config), "pool");
  component::InstancePre pooled = take(linker.instantiate_pre(component, &pool), "pooled instance template");
  pool_config.keep_resident_bytes = size_t(4) << 20;
  PoolingAllocator resident_pool = take(PoolingAllocator::create(pool_config), "resident pool");
  component::InstancePre resident =
      take(linker.instantiate_pre(component, &resident_pool), "resident-pool instance template");

  std::string runs = argv[2];
  for (size_t at = 0; at < runs.size();) {
    size_t end = runs.find(',', at);
    if (end == std::string::npos) end = runs.size();
    std::string run = runs.substr(at, end - at);
    at = end + 1;
    size_t colon = run.find(':');
    if (colon == std::string::npos) die("a run reads MODE:ITERATIONS, not " + run);
    std::string mode = run.substr(0, colon);
    long iterations = std::atol(run.c_str() + colon + 1);
    if (mode != "pre" && mode != "pool" && mode != "resident" && mode != "linker") die("unknown mode " + mode);
    auto once = [&] {
      Store store(engine);
      auto inst = mode == "pre"        ? pre.instantiate(store)
                  : mode == "pool"     ? pooled.instantiate(store)
                  : mode == "resident" ? resident.instantiate(store)
                                       : linker.instantiate(store, component);
      if (!inst) die("instantiation failed: " + inst.error().message);
    };
    for (int i = 0; i < 20; ++i) once();
    long faults_before = page_faults();
    auto start = std::chrono::steady_clock::now();
    double cpu_start = thread_cpu_seconds();
    for (long i = 0; i < iterations; ++i) once();
    double cpu = thread_cpu_seconds() - cpu_start;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"mode\": \"%s\", \"iterations\": %ld, \"us_per_instantiation\": %.3f, \"cpu_us_per_instantiation\": %.3f, "
                "\"faults_per_instantiation\": %.3f}\n",
                mode.c_str(), iterations, seconds * 1e6 / double(iterations), cpu * 1e6 / double(iterations),
                double(page_faults() - faults_before) / double(iterations));
    std::fflush(stdout);
  }
}
