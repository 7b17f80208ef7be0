// Run time of a Sightglass benchmark once the lazy tier has tiered up, against eager code:
//   steady_state BENCHMARK.wasm ITERATIONS [--lazy]
// Run from the benchmark's directory (preopened as "."). Compiles (eagerly at O2, or lazily, then
// waits until the optimized code is switched in), then per iteration instantiates in a fresh
// store and runs `_start`, timing bench.start to bench.end; the guest's output goes to
// /dev/null. Prints {"ready_ms": R, "runs_ms": [...]}, R the time until the optimized code ran.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/vm/compiled_module.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;
using Clock = std::chrono::steady_clock;

namespace {
double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
int fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s BENCHMARK.wasm ITERATIONS [--lazy]\n", argv[0]);
    return 2;
  }
  int iterations = std::atoi(argv[2]);
  Config config;
  config.lazy = argc > 3 && std::string(argv[3]) == "--lazy";
  config.lazy_min_code_bytes = 0;
  auto engine = Engine::create(config);
  if (!engine) return fail(engine.error().message);
  auto start = Clock::now();
  auto module = Module::from_file(*engine, argv[1]);
  if (!module) return fail(module.error().message);
  module->impl()->code->wait_for_tier_up();
  double ready_ms = ms(Clock::now() - start);

  int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  std::string runs;
  for (int i = 0; i < iterations; ++i) {
    WasiConfig wasi_config;
    wasi_config.args = {argv[1]};
    wasi_config.preopens = {{".", "."}};
    wasi_config.stdin_fd = -1;
    wasi_config.stdout_fd = null_fd;
    wasi_config.stderr_fd = null_fd;
    auto wasi = Wasi::create(wasi_config);
    if (!wasi) return fail(wasi.error().message);
    Linker linker(*engine);
    if (auto ok = wasi->add_to_linker(linker); !ok) return fail(ok.error().message);
    Clock::time_point bench_start{}, bench_end{};
    (void)linker.func_wrap("bench", "start", [&] { bench_start = Clock::now(); });
    (void)linker.func_wrap("bench", "end", [&] { bench_end = Clock::now(); });
    Store store(*engine);
    auto instance = linker.instantiate(store, *module);
    if (!instance) return fail(instance.error().message);
    auto status = wasi->run_command(*instance);
    if (!status) return fail("wasm trap: " + status.error().message);
    if (*status != 0) return fail("the benchmark exited with status " + std::to_string(*status));
    char number[64];
    std::snprintf(number, sizeof number, "%s%.3f", i ? ", " : "", ms(bench_end - bench_start));
    runs += number;
  }
  std::printf("{\"ready_ms\": %.1f, \"runs_ms\": [%s]}\n", ready_ms, runs.c_str());
  return 0;
}
