// wasi:cli/exit: records the status in the context and traps to unwind the guest; the host
// (cli/run_command.cpp) reads WasiP2::exit_status() before it looks at the trap.
#include "wasi/p2/context.h"
#include "wit/wasi_cli.h"
#include "wit/wasi_cli_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace exit_ = bindings::wasi::cli::exit;

class ExitHost final : public exit_::Host {
 public:
  explicit ExitHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<void> exit(component::Result<std::monostate, std::monostate> status) override {
    return leave(status.is_ok() ? 0 : 1);
  }
  TrapOr<void> exit_with_code(uint8_t status_code) override { return leave(status_code); }

 private:
  TrapOr<void> leave(int status) {
    wasi_.set_exit_status(status);
    return Trap{TrapKind::CoreTrap, "exited with status " + std::to_string(status)};
  }
  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_cli_exit(component::Linker& linker, WasiP2& wasi) {
  return exit_::add_to_linker(linker, wasi.keep(std::make_unique<ExitHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
