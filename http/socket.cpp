#include "http/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace wasmrun::http {

uint16_t SocketAddress::port() const {
  if (storage.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (storage.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SocketAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buf, sizeof buf);
    return fmt::format("{}:{}", buf, port());
  }
  if (storage.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buf, sizeof buf);
    return fmt::format("[{}]:{}", buf, port());
  }
  return "?";
}

Expected<SocketAddress> SocketAddress::parse(const std::string& host, uint16_t port) {
  SocketAddress a;
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length = sizeof(sockaddr_in);
    return a;
  }
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof(sockaddr_in6);
    return a;
  }
  return Error{fmt::format("'{}' is not a numeric IPv4 or IPv6 address", host)};
}

Expected<int> listen_tcp(const SocketAddress& address, bool reuse_port, int backlog) {
  int fd = socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{fmt::format("socket: {}", std::strerror(errno))};
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    int e = errno;
    close(fd);
    return Error{fmt::format("SO_REUSEPORT: {}", std::strerror(e))};
  }
  if (bind(fd, address.get(), address.length) < 0) {
    int e = errno;
    close(fd);
    return Error{fmt::format("bind {}: {}", address.to_string(), std::strerror(e))};
  }
  if (listen(fd, backlog) < 0) {
    int e = errno;
    close(fd);
    return Error{fmt::format("listen {}: {}", address.to_string(), std::strerror(e))};
  }
  return fd;
}

Expected<SocketAddress> local_address(int fd) {
  SocketAddress a;
  a.length = sizeof a.storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a.storage), &a.length) < 0)
    return Error{fmt::format("getsockname: {}", std::strerror(errno))};
  return a;
}

Expected<int> start_connect(const SocketAddress& address, int& immediate_errno) {
  immediate_errno = 0;
  int fd = socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    immediate_errno = errno;
    return Error{fmt::format("socket: {}", std::strerror(errno))};
  }
  set_nodelay(fd);
  if (connect(fd, address.get(), address.length) < 0 && errno != EINPROGRESS) {
    immediate_errno = errno;
    close(fd);
    return Error{fmt::format("connect to {}: {}", address.to_string(), std::strerror(immediate_errno))};
  }
  return fd;
}

int connect_result(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
  return err;
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace wasmrun::http
