// wasi:sockets/network and instance-network: the network is a capability handle and nothing
// more (as in Wasmtime, what a guest may do is WasiP2Config::sockets). And add_sockets, which
// registers every wasi:sockets interface.
#include "wasi/p2/sockets.h"
#include "wasi/p2/sockets_common.h"
#include "wit/wasi_sockets_traits.h"

namespace wasmrun::wasi::p2 {

namespace sockets {

namespace {

namespace instance_network = bindings::wasi::sockets::instance_network;

class NetworkHost final : public net::Host {
 public:
  explicit NetworkHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<void> network_drop(Resource<net::Network> self) override {
    if (!wasi_.remove<NetworkObject>(self)) return unknown_handle("network");
    return {};
  }

 private:
  WasiP2& wasi_;
};

class InstanceNetworkHost final : public instance_network::Host {
 public:
  explicit InstanceNetworkHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<Resource<net::Network>> instance_network() override { return wasi_.push<net::Network>(NetworkObject{}); }

 private:
  WasiP2& wasi_;
};

}  // namespace

std::unique_ptr<net::Host> make_network_host(WasiP2& wasi) { return std::make_unique<NetworkHost>(wasi); }
std::unique_ptr<instance_network::Host> make_instance_network_host(WasiP2& wasi) {
  return std::make_unique<InstanceNetworkHost>(wasi);
}

}  // namespace sockets

Expected<void> add_sockets(component::Linker& linker, WasiP2& wasi) {
  namespace ws = bindings::wasi::sockets;
  // Network first: the others use its resource type and error code.
  if (auto ok = ws::network::add_to_linker(linker, wasi.keep(sockets::make_network_host(wasi))); !ok) return ok;
  if (auto ok = ws::instance_network::add_to_linker(linker, wasi.keep(sockets::make_instance_network_host(wasi))); !ok)
    return ok;
  if (auto ok = ws::ip_name_lookup::add_to_linker(linker, wasi.keep(sockets::make_ip_name_lookup_host(wasi))); !ok)
    return ok;
  if (auto ok = ws::tcp::add_to_linker(linker, wasi.keep(sockets::make_tcp_host(wasi))); !ok) return ok;
  if (auto ok = ws::tcp_create_socket::add_to_linker(linker, wasi.keep(sockets::make_tcp_create_socket_host(wasi))); !ok)
    return ok;
  if (auto ok = ws::udp::add_to_linker(linker, wasi.keep(sockets::make_udp_host(wasi))); !ok) return ok;
  return ws::udp_create_socket::add_to_linker(linker, wasi.keep(sockets::make_udp_create_socket_host(wasi)));
}

}  // namespace wasmrun::wasi::p2
