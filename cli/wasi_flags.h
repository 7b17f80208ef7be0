// `-S NAME[=VALUE][,NAME[=VALUE]...]` of `wasmrun run`: the WASI options of `wasmtime run -S`
// that wasmrun has, the wasi:sockets ones (off by default, as in Wasmtime):
//   inherit-network       the guest may use any address (and TCP and UDP unless turned off)
//   allow-ip-name-lookup  wasi:sockets/ip-name-lookup resolves names
//   tcp, udp              the guest may create TCP / UDP sockets
//   cli                   serve: give the guest every WASI 0.2 interface (wasi:cli/command's
//                         imports: environment, exit, filesystem, sockets, ...), not only the
//                         wasi:http/proxy world's (as wasmtime serve -S cli); run always does
// A value is y, yes, true, n, no or false; a name alone means yes. And a limit:
//   max-resources=N       the most resources the guest may hold at once: objects in the WASI
//                         host's table, and handles in each component instance's table (default
//                         2^20); one more traps
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "wasi/p2/context.h"
#include "wasmrun/expected.h"

namespace wasmrun::cli {

struct WasiFlags {
  std::optional<bool> inherit_network, allow_ip_name_lookup, tcp, udp, cli;
  std::optional<uint32_t> max_resources;

  // Reads one -S argument; an error names the unknown option or the bad value.
  Expected<void> parse(std::string_view spec);
  // What the flags allow, resolved as Wasmtime does: inherit-network turns TCP and UDP on, an
  // explicit tcp or udp wins.
  wasi::p2::WasiP2Config::Sockets sockets() const;
};

}  // namespace wasmrun::cli
