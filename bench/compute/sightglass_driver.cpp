// Times a Sightglass benchmark under wasmrun:
//   wasmrun_sightglass BENCHMARK.wasm ITERATIONS OUT_DIR [OPT_LEVEL]
// Run from the benchmark's directory, which the guest gets preopened as "." (Sightglass's
// convention for inputs). Compiles once, then per iteration instantiates in a fresh store and
// runs `_start`; the time between the guest's bench.start and bench.end calls is the run time.
// The guest's stdout and stderr go to OUT_DIR/wasmrun.stdout and .stderr (appended per
// iteration). Prints one JSON object: {"compile_ms": C, "runs_ms": [...], "instantiate_ms": [...]}.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/sightglass_run.h"
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
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s BENCHMARK.wasm ITERATIONS OUT_DIR [OPT_LEVEL]\n", argv[0]);
    return 2;
  }
  int iterations = std::atoi(argv[2]);
  std::string out_dir = argv[3];
  Config config;
  if (argc > 4) config.opt_level = std::atoi(argv[4]);
  auto engine = Engine::create(config);
  if (!engine) return fail(engine.error().message);

  auto start = Clock::now();
  auto module = Module::from_file(*engine, argv[1]);
  double compile_ms = ms(Clock::now() - start);
  if (!module) return fail(module.error().message);

  int out_fd = open((out_dir + "/wasmrun.stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  int err_fd = open((out_dir + "/wasmrun.stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0 || err_fd < 0) return fail("cannot create the output files in " + out_dir);

  std::string runs, instantiations;
  for (int i = 0; i < iterations; ++i) {
    Clock::time_point bench_start{}, bench_end{};
    auto instantiate_ms = bench::run_sightglass(
        *engine, *module, argv[1], out_fd, err_fd, [&] { bench_start = Clock::now(); },
        [&] { bench_end = Clock::now(); });
    if (!instantiate_ms) return fail(instantiate_ms.error().message);
    char number[64];
    std::snprintf(number, sizeof number, "%s%.3f", i ? ", " : "", ms(bench_end - bench_start));
    runs += number;
    std::snprintf(number, sizeof number, "%s%.3f", i ? ", " : "", *instantiate_ms);
    instantiations += number;
  }
  std::printf("{\"compile_ms\": %.3f, \"runs_ms\": [%s], \"instantiate_ms\": [%s]}\n", compile_ms, runs.c_str(),
              instantiations.c_str());
  return 0;
}
