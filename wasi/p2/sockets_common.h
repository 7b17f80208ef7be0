// What the wasi:sockets interfaces share: error codes from errno, socket addresses between WIT
// and the host, the address checks of the WIT (and of Wasmtime, the reference for semantics),
// the socket options TCP and UDP both have, and the permission to use the network.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <variant>

#include "wasi/p2/context.h"
#include "wasi/p2/pollable.h"
#include "wit/wasi_sockets.h"

namespace wasmrun::wasi::p2::sockets {

namespace net = bindings::wasi::sockets::network;
using net::ErrorCode;
using net::IpAddressFamily;
using net::IpSocketAddress;
using Unit = std::monostate;

template <class T>
using SockResult = component::Result<T, ErrorCode>;

// An error code that becomes the error of any SockResult (or TrapOr of one) it is returned as.
struct SockError {
  ErrorCode code;
  template <class T>
  operator SockResult<T>() const { return SockResult<T>::err(code); }
  template <class T>
  operator TrapOr<SockResult<T>>() const { return SockResult<T>::err(code); }
};
inline SockResult<Unit> ok() { return SockResult<Unit>::ok({}); }

// The wasi:sockets error code of a host errno (Wasmtime's mapping; EINPROGRESS is connect's).
ErrorCode error_code_of_errno(int host_errno);
SockError errno_error(int host_errno);

// A socket address in host form.
struct HostAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  bool operator==(const HostAddress& other) const;
};
HostAddress to_host(const IpSocketAddress& address);
// None for a family other than IPv4 or IPv6.
std::optional<IpSocketAddress> from_host(const HostAddress& address);
net::IpAddress ip_of(const IpSocketAddress& address);

int host_family(IpAddressFamily family);
// 0.0.0.0:0 or [::]:0.
HostAddress unspecified_address(IpAddressFamily family);
std::optional<HostAddress> local_address_of(int fd);
std::optional<HostAddress> peer_address_of(int fd);

// The checks of the WIT on addresses, as Wasmtime makes them. IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d) count as their IPv4 address.
bool is_valid_unicast(const HostAddress& address);           // not multicast, not broadcast
bool is_valid_remote(const HostAddress& address);            // neither unspecified nor port 0
bool is_valid_family(const HostAddress& address, IpAddressFamily family);  // IPv6: not IPv4-mapped or -compatible

// A new non-blocking socket; IPv6 sockets are IPv6-only (the WIT says so).
SockResult<int> open_socket(IpAddressFamily family, int type);

// Options both TCP and UDP sockets have; 0 is invalid-argument for each setter (the WIT).
SockResult<uint8_t> hop_limit(int fd, IpAddressFamily family);
SockResult<Unit> set_hop_limit(int fd, IpAddressFamily family, uint8_t value);
SockResult<uint64_t> buffer_size(int fd, int option);  // SO_RCVBUF or SO_SNDBUF
SockResult<Unit> set_buffer_size(int fd, int option, uint64_t value);

// What the embedder allows (WasiP2Config::sockets). Without inherit-network no address may be
// used (access-denied), as Wasmtime's default address check allows none.
inline bool address_allowed(const WasiP2& wasi) { return wasi.config().sockets.inherit_network; }

// Ready when poll(2) reports `events` on a socket; keeps the socket open while it lives.
class SocketPollable final : public Pollable {
 public:
  SocketPollable(std::shared_ptr<preview1::UniqueFd> fd, short events) : fd_(std::move(fd)), events_(events) {}
  bool ready() override { return FdPollable(fd_->get(), events_).ready(); }
  WaitSource source() const override { return {WaitSource::Kind::Fd, 0, fd_->get(), events_}; }

 private:
  std::shared_ptr<preview1::UniqueFd> fd_;
  short events_;
};

// The `network` a function is passed must be a live handle; it grants nothing beyond that.
struct NetworkObject {};
inline bool is_network(WasiP2& wasi, Borrow<net::Network> network) {
  return wasi.get<NetworkObject>(network) != nullptr;
}

}  // namespace wasmrun::wasi::p2::sockets
