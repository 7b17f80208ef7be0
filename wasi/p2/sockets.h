// The wasi:sockets hosts (network, instance-network, ip-name-lookup, tcp, tcp-create-socket, udp,
// udp-create-socket). add_sockets registers them all (WasiP2::add_to_linker calls it); the
// factories are for tests that call a host directly.
#pragma once

#include <memory>

#include "wasi/p2/context.h"
#include "wit/wasi_sockets.h"

namespace wasmrun::wasi::p2::sockets {

std::unique_ptr<bindings::wasi::sockets::network::Host> make_network_host(WasiP2& wasi);
std::unique_ptr<bindings::wasi::sockets::instance_network::Host> make_instance_network_host(WasiP2& wasi);
std::unique_ptr<bindings::wasi::sockets::ip_name_lookup::Host> make_ip_name_lookup_host(WasiP2& wasi);
std::unique_ptr<bindings::wasi::sockets::tcp::Host> make_tcp_host(WasiP2& wasi);
std::unique_ptr<bindings::wasi::sockets::tcp_create_socket::Host> make_tcp_create_socket_host(WasiP2& wasi);
std::unique_ptr<bindings::wasi::sockets::udp::Host> make_udp_host(WasiP2& wasi);
std::unique_ptr<bindings::wasi::sockets::udp_create_socket::Host> make_udp_create_socket_host(WasiP2& wasi);

}  // namespace wasmrun::wasi::p2::sockets
