#include "cli/run_component.h"

#include <fmt/format.h>

#include <optional>

#include "cli/commands.h"
#include "cli/invoke_component.h"
#include "cli/keep_until_exit.h"
#include "canonical_abi/wave_printer.h"
#include "wasi/p2/context.h"
#include "wasmrun/component/component.h"
#include "wasmrun/component/instance.h"
#include "wasmrun/component/linker.h"

namespace wasmrun::cli {

bool is_component_binary(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' && bytes[3] == 'm' && bytes[6] == 1 &&
         bytes[7] == 0;
}

int run_component(Engine& engine, std::span<const uint8_t> bytes, const std::string& path, const WasiConfig& config,
                  const WasiFlags& flags, const RunLimits& limits, std::string_view invoke) {
  auto component = Component::from_binary(engine, bytes);
  if (!component) return fail(fmt::format("{}: {}", path, component.error().message));
  keep_until_exit(*component);
  std::optional<InvokeCall> call;
  if (!invoke.empty()) {
    auto prepared = prepare_invoke(bytes, invoke);
    if (!prepared) return fail(prepared.error().message);
    call = prepared.take();
  }

  wasi::p2::WasiP2Config p2;
  p2.args = config.args;
  p2.env = config.env;
  for (const auto& dir : config.preopens) p2.preopens.emplace_back(dir.host_path, dir.guest_path);
  p2.stdin_fd = config.stdin_fd;
  p2.stdout_fd = config.stdout_fd;
  p2.stderr_fd = config.stderr_fd;
  p2.sockets = flags.sockets();
  if (flags.max_resources) p2.max_resources = *flags.max_resources;
  auto wasi = wasi::p2::WasiP2::create(std::move(p2));
  if (!wasi) return fail(wasi.error().message);

  component::Linker linker(engine);
  if (auto ok = (*wasi)->add_to_linker(linker); !ok) return fail(ok.error().message);
  // What the host does not offer (an interface outside WASI 0.2) traps when called.
  if (auto ok = linker.define_unknown_imports_as_traps(*component); !ok) return fail(ok.error().message);

  Store store(engine);
  limits.apply(store, flags.max_resources);
  std::optional<Watchdog> watchdog;
  if (limits.timeout) watchdog.emplace(engine, *limits.timeout);
  // An exit is an error too (ErrorKind::Exit, with the status).
  auto failed = [&](const Error& error) {
    if (auto status = error.exit_status()) return int(*status);
    if (error.kind != ErrorKind::Trap) return fail(error.message);
    if (watchdog && watchdog->fired()) {
      fail(fmt::format("wasm trap: interrupted: the guest ran longer than --timeout {}", limits.timeout_text));
      return kTimeoutExitStatus;
    }
    // The component runtime already says "wasm trap: " for a core trap.
    fail(error.message.starts_with("wasm trap: ") ? error.message : "wasm trap: " + error.message);
    return 1;
  };

  auto instance = linker.instantiate(store, *component);
  if (!instance) return failed(instance.error());
  if (call) {
    auto result = call_invoke(*instance, *call);
    if (!result) return failed(result.error());
    fmt::print("{}\n", wave::print_results(*result));
    return 0;
  }
  using RunResult = component::Result<std::monostate, std::monostate>;
  auto run = instance->get_typed_func<RunResult()>("wasi:cli/run@0.2.0", "run");
  if (!run) return fail(fmt::format("{} is not a wasi:cli/command: {}", path, run.error().message));
  auto result = run->call();
  if (!result) return failed(result.error());
  return result->is_ok() ? 0 : 1;
}

}  // namespace wasmrun::cli
