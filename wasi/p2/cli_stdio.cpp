// wasi:cli/stdin, stdout, stderr: streams over the context's stdio fds (each call a new handle).
#include "wasi/p2/context.h"
#include "wit/wasi_cli.h"
#include "wit/wasi_cli_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace cli = bindings::wasi::cli;

InputStreamObject input_on(int fd) { return {fd_input_stream({.fd = fd})}; }
OutputStreamObject output_on(int fd) { return {fd_output_stream({.fd = fd})}; }

class StdinHost final : public cli::stdin_::Host {
 public:
  explicit StdinHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<Resource<cli::stdin_::InputStream>> get_stdin() override {
    return wasi_.push<cli::stdin_::InputStream>(input_on(wasi_.config().stdin_fd));
  }

 private:
  WasiP2& wasi_;
};

class StdoutHost final : public cli::stdout_::Host {
 public:
  explicit StdoutHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<Resource<cli::stdout_::OutputStream>> get_stdout() override {
    return wasi_.push<cli::stdout_::OutputStream>(output_on(wasi_.config().stdout_fd));
  }

 private:
  WasiP2& wasi_;
};

class StderrHost final : public cli::stderr_::Host {
 public:
  explicit StderrHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<Resource<cli::stderr_::OutputStream>> get_stderr() override {
    return wasi_.push<cli::stderr_::OutputStream>(output_on(wasi_.config().stderr_fd));
  }

 private:
  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_cli_stdio(component::Linker& linker, WasiP2& wasi) {
  if (auto ok = cli::stdin_::add_to_linker(linker, wasi.keep(std::make_unique<StdinHost>(wasi))); !ok) return ok;
  if (auto ok = cli::stdout_::add_to_linker(linker, wasi.keep(std::make_unique<StdoutHost>(wasi))); !ok) return ok;
  return cli::stderr_::add_to_linker(linker, wasi.keep(std::make_unique<StderrHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
