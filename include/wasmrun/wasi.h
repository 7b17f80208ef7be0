// WASI preview1 (wasi_snapshot_preview1) for core modules: the host functions a program built
// for wasm32-wasi imports, with arguments, environment, inherited stdio and preopened
// directories that the guest cannot escape.
//
//   wasmrun::WasiConfig config;
//   config.args = {"prog.wasm", "input.txt"};
//   config.preopens = {{"/srv/data", "."}};
//   auto wasi = wasmrun::Wasi::create(config).take();
//   wasi.add_to_linker(linker);
//   auto instance = linker.instantiate(store, module).take();
//   auto status = wasi.run_command(instance);   // Expected<uint32_t>: proc_exit's status, or 0
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "wasmrun/instance.h"
#include "wasmrun/linker.h"

namespace wasmrun {

namespace wasi::preview1 {
class Context;
}

struct WasiConfig {
  struct Dir {
    std::string host_path;   // a directory on the host
    std::string guest_path;  // what the guest calls it, e.g. "." or "/data"
  };
  std::vector<std::string> args;  // args[0] is the program name
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<Dir> preopens;
  // The host descriptors behind the guest's fds 0, 1 and 2: the process's own by default.
  // They are borrowed (the caller keeps them open while the guest runs); -1 leaves one closed.
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;
};

class Wasi {
 public:
  // Fails when a preopened directory cannot be opened.
  static Expected<Wasi> create(const WasiConfig& config);

  // Defines every wasi_snapshot_preview1 function in `linker`, bound to this context.
  Expected<void> add_to_linker(Linker& linker) const;

  // Runs a WASI command: calls its `_start` export. The result is the status the guest passed to
  // proc_exit, or 0 when _start returns; a trap is an Error with the trap's message.
  Expected<uint32_t> run_command(const Instance& instance) const;

  // Calls an export with exit-aware results: `exit_status` is set when the guest called
  // proc_exit (the values are then meaningless).
  struct CallOutcome {
    std::vector<Val> results;
    std::optional<uint32_t> exit_status;
  };
  static Expected<CallOutcome> call(const Func& func, std::span<const Val> args);

  const std::shared_ptr<wasi::preview1::Context>& context() const { return ctx_; }

 private:
  explicit Wasi(std::shared_ptr<wasi::preview1::Context> ctx) : ctx_(std::move(ctx)) {}
  std::shared_ptr<wasi::preview1::Context> ctx_;
};

}  // namespace wasmrun
