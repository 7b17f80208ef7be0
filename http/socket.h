// Non-blocking TCP sockets: listeners (SO_REUSEPORT, one per loop) and outgoing connects.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "wasmrun/expected.h"

namespace wasmrun::http {

// An IPv4 or IPv6 socket address.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  uint16_t port() const;
  std::string to_string() const;  // "127.0.0.1:80", "[::1]:80"
  // Parses a numeric host ("127.0.0.1", "::1") and a port.
  static Expected<SocketAddress> parse(const std::string& host, uint16_t port);
};

// Binds and listens, non-blocking, with SO_REUSEADDR and (if asked) SO_REUSEPORT so that one
// listener per loop thread shares the port and the kernel spreads connections across them.
Expected<int> listen_tcp(const SocketAddress& address, bool reuse_port, int backlog = 4096);
// The address a socket is bound to.
Expected<SocketAddress> local_address(int fd);
// Starts a non-blocking connect; the fd becomes writable when it completes (check
// connect_result). Returns the fd, or the errno of an immediate failure in the Error message.
Expected<int> start_connect(const SocketAddress& address, int& immediate_errno);
// The outcome of a finished non-blocking connect: 0 or an errno.
int connect_result(int fd);
void set_nodelay(int fd);

}  // namespace wasmrun::http
