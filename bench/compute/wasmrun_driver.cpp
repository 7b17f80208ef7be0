// Times a compute kernel under wasmrun: wasmrun_driver KERNEL.wasm N ITERATIONS [OPT_LEVEL]
// Prints one JSON object: {"compile_ms": C, "runs_ms": [...], "results": [R, ...]} (one result per iteration). Compilation (decode,
// validate, LLVM) is timed apart from the calls.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "support/file.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s KERNEL.wasm N ITERATIONS [OPT_LEVEL]\n", argv[0]);
    return 2;
  }
  uint32_t n = uint32_t(std::strtoul(argv[2], nullptr, 10));
  int iterations = std::atoi(argv[3]);
  Config config;
  if (argc > 4) config.opt_level = std::atoi(argv[4]);
  auto engine = Engine::create(config);
  auto bytes = read_file(argv[1]);
  if (!engine || !bytes) return std::fprintf(stderr, "error: cannot start or read %s\n", argv[1]), 1;

  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  auto start = Clock::now();
  auto module = Module::compile(*engine, *bytes);
  double compile_ms = ms(Clock::now() - start);
  if (!module) return std::fprintf(stderr, "error: %s\n", module.error().message.c_str()), 1;

  Store store(*engine);
  auto instance = Instance::create(store, *module, {});
  if (!instance) return std::fprintf(stderr, "error: %s\n", instance.error().message.c_str()), 1;
  auto run = instance->typed_func<uint32_t(uint32_t)>("run");
  if (!run) return std::fprintf(stderr, "error: %s\n", run.error().message.c_str()), 1;

  std::vector<uint32_t> results;
  std::printf("{\"compile_ms\": %.3f, \"runs_ms\": [", compile_ms);
  for (int i = 0; i < iterations; ++i) {
    auto t = Clock::now();
    auto r = (*run)(n);
    double elapsed = ms(Clock::now() - t);
    if (!r) return std::fprintf(stderr, "\nerror: %s\n", r.error().message.c_str()), 1;
    results.push_back(*r);
    std::printf("%s%.3f", i ? ", " : "", elapsed);
  }
  std::printf("], \"results\": [");
  for (size_t i = 0; i < results.size(); ++i) std::printf("%s%u", i ? ", " : "", results[i]);
  std::printf("]}\n");
  return 0;
}
