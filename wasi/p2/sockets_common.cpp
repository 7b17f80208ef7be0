#include "wasi/p2/sockets_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace wasmrun::wasi::p2::sockets {

ErrorCode error_code_of_errno(int e) {
  switch (e) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINTR: return ErrorCode::WouldBlock;
    case EPERM:
    case EACCES: return ErrorCode::AccessDenied;
    case EADDRINUSE: return ErrorCode::AddressInUse;
    case EADDRNOTAVAIL: return ErrorCode::AddressNotBindable;
    case EALREADY: return ErrorCode::ConcurrencyConflict;
    case ETIMEDOUT: return ErrorCode::Timeout;
    case ECONNREFUSED: return ErrorCode::ConnectionRefused;
    case ECONNRESET: return ErrorCode::ConnectionReset;
    case ECONNABORTED: return ErrorCode::ConnectionAborted;
    case EINVAL: return ErrorCode::InvalidArgument;
    case EHOSTUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
    case ENETUNREACH:
    case ENONET: return ErrorCode::RemoteUnreachable;
    case EISCONN:
    case ENOTCONN:
    case EDESTADDRREQ: return ErrorCode::InvalidState;
    case ENFILE:
    case EMFILE: return ErrorCode::NewSocketLimit;
    case EMSGSIZE: return ErrorCode::DatagramTooLarge;
    case ENOMEM:
    case ENOBUFS: return ErrorCode::OutOfMemory;
    case EOPNOTSUPP:
    case ENOPROTOOPT:
    case EPFNOSUPPORT:
    case EPROTONOSUPPORT:
    case EPROTOTYPE:
    case ESOCKTNOSUPPORT:
    case EAFNOSUPPORT: return ErrorCode::NotSupported;
    default: return ErrorCode::Unknown;
  }
}

SockError errno_error(int host_errno) { return SockError{error_code_of_errno(host_errno)}; }

namespace {

const sockaddr_in& v4(const HostAddress& a) { return *reinterpret_cast<const sockaddr_in*>(&a.storage); }
const sockaddr_in6& v6(const HostAddress& a) { return *reinterpret_cast<const sockaddr_in6*>(&a.storage); }

bool is_v4_mapped(const in6_addr& a) { return IN6_IS_ADDR_V4MAPPED(&a); }
uint32_t mapped_v4(const in6_addr& a) {
  uint32_t v;
  std::memcpy(&v, a.s6_addr + 12, 4);
  return ntohl(v);
}
// ::a.b.c.d, deprecated since RFC 4291 (other than :: and ::1).
bool is_v4_compatible(const in6_addr& a) {
  static const uint8_t zeros[12] = {};
  return std::memcmp(a.s6_addr, zeros, 12) == 0 && !IN6_IS_ADDR_UNSPECIFIED(&a) && !IN6_IS_ADDR_LOOPBACK(&a);
}

// The IPv4 address (host order) an address stands for, if any: its own or an IPv4-mapped one.
std::optional<uint32_t> canonical_v4(const HostAddress& a) {
  if (a.family() == AF_INET) return ntohl(v4(a).sin_addr.s_addr);
  if (a.family() == AF_INET6 && is_v4_mapped(v6(a).sin6_addr)) return mapped_v4(v6(a).sin6_addr);
  return std::nullopt;
}

uint16_t port_of(const HostAddress& a) {
  return ntohs(a.family() == AF_INET ? v4(a).sin_port : v6(a).sin6_port);
}

}  // namespace

bool HostAddress::operator==(const HostAddress& other) const {
  if (family() != other.family()) return false;
  if (family() == AF_INET)
    return v4(*this).sin_port == v4(other).sin_port && v4(*this).sin_addr.s_addr == v4(other).sin_addr.s_addr;
  if (family() == AF_INET6) {
    const sockaddr_in6 &a = v6(*this), &b = v6(other);
    return a.sin6_port == b.sin6_port && a.sin6_flowinfo == b.sin6_flowinfo && a.sin6_scope_id == b.sin6_scope_id &&
           std::memcmp(&a.sin6_addr, &b.sin6_addr, sizeof a.sin6_addr) == 0;
  }
  return length == other.length && std::memcmp(&storage, &other.storage, length) == 0;
}

HostAddress to_host(const IpSocketAddress& address) {
  HostAddress h;
  if (address.which() == IpSocketAddress::Case::Ipv4) {
    const auto& a = std::get<0>(address.v);
    auto* s = reinterpret_cast<sockaddr_in*>(&h.storage);
    s->sin_family = AF_INET;
    s->sin_port = htons(a.port);
    auto [b0, b1, b2, b3] = a.address;
    uint8_t bytes[4] = {b0, b1, b2, b3};
    std::memcpy(&s->sin_addr, bytes, 4);
    h.length = sizeof(sockaddr_in);
  } else {
    const auto& a = std::get<1>(address.v);
    auto* s = reinterpret_cast<sockaddr_in6*>(&h.storage);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(a.port);
    s->sin6_flowinfo = a.flow_info;
    s->sin6_scope_id = a.scope_id;
    auto [s0, s1, s2, s3, s4, s5, s6, s7] = a.address;
    uint16_t segments[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
    for (int i = 0; i < 8; ++i) {
      s->sin6_addr.s6_addr[2 * i] = uint8_t(segments[i] >> 8);
      s->sin6_addr.s6_addr[2 * i + 1] = uint8_t(segments[i]);
    }
    h.length = sizeof(sockaddr_in6);
  }
  return h;
}

std::optional<IpSocketAddress> from_host(const HostAddress& h) {
  if (h.family() == AF_INET) {
    const uint8_t* b = reinterpret_cast<const uint8_t*>(&v4(h).sin_addr);
    return IpSocketAddress::ipv4({port_of(h), {b[0], b[1], b[2], b[3]}});
  }
  if (h.family() == AF_INET6) {
    const sockaddr_in6& s = v6(h);
    const uint8_t* b = s.sin6_addr.s6_addr;
    auto seg = [b](int i) { return uint16_t(b[2 * i] << 8 | b[2 * i + 1]); };
    return IpSocketAddress::ipv6({port_of(h), s.sin6_flowinfo,
                                  {seg(0), seg(1), seg(2), seg(3), seg(4), seg(5), seg(6), seg(7)}, s.sin6_scope_id});
  }
  return std::nullopt;
}

net::IpAddress ip_of(const IpSocketAddress& address) {
  if (address.which() == IpSocketAddress::Case::Ipv4) return net::IpAddress::ipv4(std::get<0>(address.v).address);
  return net::IpAddress::ipv6(std::get<1>(address.v).address);
}

int host_family(IpAddressFamily family) { return family == IpAddressFamily::Ipv4 ? AF_INET : AF_INET6; }

HostAddress unspecified_address(IpAddressFamily family) {
  HostAddress h;
  h.storage.ss_family = sa_family_t(host_family(family));
  h.length = family == IpAddressFamily::Ipv4 ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  return h;
}

std::optional<HostAddress> local_address_of(int fd) {
  HostAddress h;
  h.length = sizeof h.storage;
  if (::getsockname(fd, h.get(), &h.length) != 0) return std::nullopt;
  return h;
}

std::optional<HostAddress> peer_address_of(int fd) {
  HostAddress h;
  h.length = sizeof h.storage;
  if (::getpeername(fd, h.get(), &h.length) != 0) return std::nullopt;
  return h;
}

bool is_valid_unicast(const HostAddress& a) {
  if (auto ip = canonical_v4(a)) return (*ip >> 28) != 0xE && *ip != 0xFFFFFFFFu;
  return !IN6_IS_ADDR_MULTICAST(&v6(a).sin6_addr);
}

bool is_valid_remote(const HostAddress& a) {
  if (port_of(a) == 0) return false;
  if (auto ip = canonical_v4(a)) return *ip != 0;
  return !IN6_IS_ADDR_UNSPECIFIED(&v6(a).sin6_addr);
}

bool is_valid_family(const HostAddress& a, IpAddressFamily family) {
  if (family == IpAddressFamily::Ipv4) return a.family() == AF_INET;
  if (a.family() != AF_INET6) return false;
  const in6_addr& ip = v6(a).sin6_addr;
  return !is_v4_mapped(ip) && !is_v4_compatible(ip);
}

SockResult<int> open_socket(IpAddressFamily family, int type) {
  int fd = ::socket(host_family(family), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error(errno);
  if (family == IpAddressFamily::Ipv6) {
    int one = 1;
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
      int e = errno;
      ::close(fd);
      return errno_error(e);
    }
  }
  return SockResult<int>::ok(fd);
}

namespace {
SockResult<int> get_int_option(int fd, int level, int option) {
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, level, option, &value, &length) != 0) return errno_error(errno);
  return SockResult<int>::ok(value);
}
SockResult<Unit> set_int_option(int fd, int level, int option, int value) {
  if (::setsockopt(fd, level, option, &value, sizeof value) != 0) return errno_error(errno);
  return ok();
}
}  // namespace

SockResult<uint8_t> hop_limit(int fd, IpAddressFamily family) {
  auto v = family == IpAddressFamily::Ipv4 ? get_int_option(fd, IPPROTO_IP, IP_TTL)
                                           : get_int_option(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
  if (!v.is_ok()) return SockError{v.error()};
  if (v.value() < 0 || v.value() > 255) return SockError{ErrorCode::NotSupported};
  return SockResult<uint8_t>::ok(uint8_t(v.value()));
}

SockResult<Unit> set_hop_limit(int fd, IpAddressFamily family, uint8_t value) {
  // A TTL of 0 is checked here: hosts disagree about it (Linux even between IPv4 and IPv6).
  if (value == 0) return SockError{ErrorCode::InvalidArgument};
  return family == IpAddressFamily::Ipv4 ? set_int_option(fd, IPPROTO_IP, IP_TTL, value)
                                         : set_int_option(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, value);
}

SockResult<uint64_t> buffer_size(int fd, int option) {
  auto v = get_int_option(fd, SOL_SOCKET, option);
  if (!v.is_ok()) return SockError{v.error()};
  // Linux reports twice what was set (the kernel's bookkeeping); halved, a guest reads back
  // about what it asked for, as in Wasmtime.
  return SockResult<uint64_t>::ok(uint64_t(std::max(v.value(), 0)) / 2);
}

SockResult<Unit> set_buffer_size(int fd, int option, uint64_t value) {
  if (value == 0) return SockError{ErrorCode::InvalidArgument};
  int size = int(std::min<uint64_t>(value, INT_MAX));
  // A size is a hint the host may clamp; ENOBUFS (a BSD's refusal of too large a size) too.
  if (::setsockopt(fd, SOL_SOCKET, option, &size, sizeof size) != 0 && errno != ENOBUFS) return errno_error(errno);
  return ok();
}

}  // namespace wasmrun::wasi::p2::sockets
