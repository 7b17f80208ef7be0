// wasi:cli/exit: traps with an exit (wasmrun::TrapCode::Exit and the status), which unwinds the
// guest and reaches the caller of the export as Error::exit_status().
#include "wasi/p2/context.h"
#include "wit/wasi_cli.h"
#include "wit/wasi_cli_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace exit_ = bindings::wasi::cli::exit;

class ExitHost final : public exit_::Host {
 public:
  TrapOr<void> exit(component::Result<std::monostate, std::monostate> status) override {
    return leave(status.is_ok() ? 0 : 1);
  }
  TrapOr<void> exit_with_code(uint8_t status_code) override { return leave(status_code); }

 private:
  static TrapOr<void> leave(uint32_t status) {
    std::string message = "exit with status " + std::to_string(status);
    return Trap{TrapCode::Exit, std::move(message), {}, status};
  }
};

}  // namespace

Expected<void> add_cli_exit(component::Linker& linker, WasiP2& wasi) {
  return exit_::add_to_linker(linker, wasi.keep(std::make_unique<ExitHost>()));
}

}  // namespace wasmrun::wasi::p2
