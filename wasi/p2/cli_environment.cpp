// wasi:cli/environment: the arguments and environment of the context; no initial cwd (Wasmtime
// gives none either).
#include "wasi/p2/context.h"
#include "wit/wasi_cli.h"
#include "wit/wasi_cli_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace environment = bindings::wasi::cli::environment;

class EnvironmentHost final : public environment::Host {
 public:
  explicit EnvironmentHost(const WasiP2Config& config) : config_(config) {}
  TrapOr<std::vector<std::tuple<std::string, std::string>>> get_environment() override {
    std::vector<std::tuple<std::string, std::string>> env;
    for (const auto& [name, value] : config_.env) env.emplace_back(name, value);
    return env;
  }
  TrapOr<std::vector<std::string>> get_arguments() override { return config_.args; }
  TrapOr<std::optional<std::string>> initial_cwd() override { return std::optional<std::string>(); }

 private:
  const WasiP2Config& config_;
};

}  // namespace

Expected<void> add_cli_environment(component::Linker& linker, WasiP2& wasi) {
  return environment::add_to_linker(linker, wasi.keep(std::make_unique<EnvironmentHost>(wasi.config())));
}

}  // namespace wasmrun::wasi::p2
