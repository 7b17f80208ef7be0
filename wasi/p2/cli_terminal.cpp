// wasi:cli/terminal-*: the guest is told its stdio are no terminals (get-terminal-* return none),
// so the terminal resources are never handed out.
#include "wasi/p2/context.h"
#include "wit/wasi_cli.h"
#include "wit/wasi_cli_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace cli = bindings::wasi::cli;
using cli::terminal_input::TerminalInput;
using cli::terminal_output::TerminalOutput;

class TerminalInputHost final : public cli::terminal_input::Host {
 public:
  TrapOr<void> terminal_input_drop(Resource<TerminalInput>) override { return {}; }
};
class TerminalOutputHost final : public cli::terminal_output::Host {
 public:
  TrapOr<void> terminal_output_drop(Resource<TerminalOutput>) override { return {}; }
};
class TerminalStdinHost final : public cli::terminal_stdin::Host {
 public:
  TrapOr<std::optional<Resource<TerminalInput>>> get_terminal_stdin() override {
    return std::optional<Resource<TerminalInput>>();
  }
};
class TerminalStdoutHost final : public cli::terminal_stdout::Host {
 public:
  TrapOr<std::optional<Resource<TerminalOutput>>> get_terminal_stdout() override {
    return std::optional<Resource<TerminalOutput>>();
  }
};
class TerminalStderrHost final : public cli::terminal_stderr::Host {
 public:
  TrapOr<std::optional<Resource<TerminalOutput>>> get_terminal_stderr() override {
    return std::optional<Resource<TerminalOutput>>();
  }
};

}  // namespace

Expected<void> add_cli_terminal(component::Linker& linker, WasiP2& wasi) {
  if (auto ok = cli::terminal_input::add_to_linker(linker, wasi.keep(std::make_unique<TerminalInputHost>())); !ok)
    return ok;
  if (auto ok = cli::terminal_output::add_to_linker(linker, wasi.keep(std::make_unique<TerminalOutputHost>())); !ok)
    return ok;
  if (auto ok = cli::terminal_stdin::add_to_linker(linker, wasi.keep(std::make_unique<TerminalStdinHost>())); !ok)
    return ok;
  if (auto ok = cli::terminal_stdout::add_to_linker(linker, wasi.keep(std::make_unique<TerminalStdoutHost>())); !ok)
    return ok;
  return cli::terminal_stderr::add_to_linker(linker, wasi.keep(std::make_unique<TerminalStderrHost>()));
}

}  // namespace wasmrun::wasi::p2
