// Run time once the lazy tier has tiered up, against eager code:
//   steady_state BENCHMARK.wasm ITERATIONS [--lazy]            a Sightglass benchmark
//   steady_state KERNEL.wasm ITERATIONS [--lazy] --kernel N    a bench/compute kernel, run(N)
// A Sightglass benchmark runs from its directory (preopened as "."): per iteration a fresh store
// and instance run `_start`, timed from bench.start to bench.end, its output to /dev/null. A
// kernel is instantiated once and `run(N)` timed per call. Before the timed iterations, warm-up
// runs repeat (each followed by waiting for the background compiles it started) until one
// switches no further function to optimized code, in both modes, so eager code is warmed alike.
// Prints {"ready_ms": R, "warmups": W, "optimized": F, "runs_ms": [...], "cpu_ms": [...]}, R the
// time from the compile's start until the warm-up ended, F the functions then running optimized
// code, cpu_ms the running thread's CPU time of each timed run.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "runtime/vm/compiled_module.h"
#include "bench/sightglass_run.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;
using Clock = std::chrono::steady_clock;

namespace {
double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
// This thread's CPU time: less skewed than the wall time by other work on a loaded machine.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}
struct Timing {
  double wall_ms, cpu_ms;
};
int fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}
constexpr int kMaxWarmups = 20;
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE.wasm ITERATIONS [--lazy] [--kernel N]\n", argv[0]);
    return 2;
  }
  int iterations = std::atoi(argv[2]);
  Config config;
  config.lazy_min_code_bytes = 0;
  bool kernel = false;
  uint32_t kernel_n = 0;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--lazy") config.lazy = true;
    else if (a == "--kernel" && i + 1 < argc) kernel = true, kernel_n = uint32_t(std::strtoul(argv[++i], nullptr, 10));
    else return fail("unknown argument " + a);
  }
  auto engine = Engine::create(config);
  if (!engine) return fail(engine.error().message);
  auto start = Clock::now();
  auto module = Module::from_file(*engine, argv[1]);
  if (!module) return fail(module.error().message);
  vm::CompiledCode& code = *module->impl()->code;

  int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  std::function<Expected<Timing>()> run_once;
  std::optional<Store> kernel_store;
  std::optional<Instance> kernel_instance;
  std::optional<TypedFunc<uint32_t(uint32_t)>> run;
  if (kernel) {
    kernel_store.emplace(*engine);
    auto instance = Instance::create(*kernel_store, *module, {});
    if (!instance) return fail(instance.error().message);
    kernel_instance.emplace(*instance);
    auto f = kernel_instance->typed_func<uint32_t(uint32_t)>("run");
    if (!f) return fail(f.error().message);
    run.emplace(*f);
    run_once = [&]() -> Expected<Timing> {
      auto t = Clock::now();
      double cpu = thread_cpu_ms();
      auto r = (*run)(kernel_n);
      if (!r) return r.error();
      return Timing{ms(Clock::now() - t), thread_cpu_ms() - cpu};
    };
  } else {
    run_once = [&]() -> Expected<Timing> {
      Clock::time_point bench_start{}, bench_end{};
      double cpu_start = 0, cpu_end = 0;
      auto ran = bench::run_sightglass(
          *engine, *module, argv[1], null_fd, null_fd,
          [&] {
            bench_start = Clock::now();
            cpu_start = thread_cpu_ms();
          },
          [&] {
            bench_end = Clock::now();
            cpu_end = thread_cpu_ms();
          });
      if (!ran) return ran.error();
      return Timing{ms(bench_end - bench_start), cpu_end - cpu_start};
    };
  }

  int warmups = 0;
  for (size_t before = SIZE_MAX; warmups < kMaxWarmups && code.optimized_functions() != before; ++warmups) {
    before = code.optimized_functions();
    if (auto r = run_once(); !r) return fail(r.error().message);
    code.wait_for_tier_up();
  }
  double ready_ms = ms(Clock::now() - start);

  std::string runs, cpu;
  for (int i = 0; i < iterations; ++i) {
    auto elapsed = run_once();
    if (!elapsed) return fail(elapsed.error().message);
    char number[64];
    std::snprintf(number, sizeof number, "%s%.3f", i ? ", " : "", elapsed->wall_ms);
    runs += number;
    std::snprintf(number, sizeof number, "%s%.3f", i ? ", " : "", elapsed->cpu_ms);
    cpu += number;
  }
  std::printf("{\"ready_ms\": %.1f, \"warmups\": %d, \"optimized\": %zu, \"runs_ms\": [%s], \"cpu_ms\": [%s]}\n",
              ready_ms, warmups, code.optimized_functions(), runs.c_str(), cpu.c_str());
  return 0;
}
