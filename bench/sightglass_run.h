// One run of a Sightglass benchmark as its runners make it: a WASI command with the module's
// path as argv[0], the current directory preopened (its inputs), no stdin, output to `out_fd` and
// `err_fd`, and the imports bench.start / bench.end around its timed part calling `on_start` and
// `on_end`. Gives the instantiation's milliseconds; a trap, a non-zero exit status or markers
// missing or out of order are errors.
#pragma once

#include <chrono>
#include <string>

#include "wasmrun/wasmrun.h"

namespace wasmrun::bench {

template <class OnStart, class OnEnd>
Expected<double> run_sightglass(const Engine& engine, const Module& module, const std::string& path, int out_fd,
                                int err_fd, OnStart&& on_start, OnEnd&& on_end) {
  WasiConfig wasi_config;
  wasi_config.args = {path};
  wasi_config.preopens = {{".", "."}};
  wasi_config.stdin_fd = -1;
  wasi_config.stdout_fd = out_fd;
  wasi_config.stderr_fd = err_fd;
  auto wasi = Wasi::create(wasi_config);
  if (!wasi) return wasi.error();
  Linker linker(engine);
  if (auto ok = wasi->add_to_linker(linker); !ok) return ok.error();
  bool started = false, ended = false;
  (void)linker.func_wrap("bench", "start", [&] {
    started = true;
    on_start();
  });
  (void)linker.func_wrap("bench", "end", [&] {
    ended = started;
    on_end();
  });
  Store store(engine);
  auto t = std::chrono::steady_clock::now();
  auto instance = linker.instantiate(store, module);
  double instantiate_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
  if (!instance) return instance.error();
  auto status = wasi->run_command(*instance);
  if (!status) return Error{"wasm trap: " + status.error().message};
  if (*status != 0) return Error{"the benchmark exited with status " + std::to_string(*status)};
  if (!ended) return Error{"the benchmark did not call bench.start and then bench.end"};
  return instantiate_ms;
}

}  // namespace wasmrun::bench
