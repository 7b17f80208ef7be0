#include "wasi/p2/context.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

namespace wasmrun::wasi::p2 {

Expected<std::unique_ptr<WasiP2>> WasiP2::create(WasiP2Config config) {
  std::unique_ptr<WasiP2> wasi(new WasiP2(std::move(config)));
  for (const auto& [host, guest] : wasi->config_.preopens) {
    int fd = ::open(host.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Error{"cannot open directory '" + host + "': " + std::strerror(errno)};
    wasi->preopens_.push_back({std::make_shared<preview1::UniqueFd>(fd), guest});
  }
  return wasi;
}

Expected<void> WasiP2::add_to_linker(component::Linker& linker) {
  for (auto add : {add_io_error, add_io_poll, add_io_streams, add_clocks, add_random, add_cli_environment, add_cli_exit,
                   add_cli_stdio, add_cli_terminal, add_filesystem_types, add_filesystem_preopens,
                   add_sockets}) {
    if (auto ok = add(linker, *this); !ok) return ok;
  }
  return {};
}

Expected<void> WasiP2::add_proxy_interfaces_to_linker(component::Linker& linker) {
  for (auto add : {add_io_error, add_io_poll, add_io_streams, add_clocks, add_random_secure, add_cli_stdio}) {
    if (auto ok = add(linker, *this); !ok) return ok;
  }
  return {};
}

}  // namespace wasmrun::wasi::p2
