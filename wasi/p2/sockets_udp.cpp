// wasi:sockets/udp and udp-create-socket over non-blocking host sockets, with Wasmtime's
// semantics: a socket is bound before it streams; `stream` connects it to a remote address (or
// disconnects it) and hands out an incoming and an outgoing datagram stream, at most one pair at a
// time; receive and send move up to 16 datagrams a call.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "wasi/p2/sockets.h"
#include "wasi/p2/sockets_common.h"

namespace wasmrun::wasi::p2::sockets {

namespace udp = bindings::wasi::sockets::udp;
namespace udp_create = bindings::wasi::sockets::udp_create_socket;

namespace {

constexpr size_t kMaxDatagrams = 16;          // per receive or check-send (Wasmtime's)
constexpr size_t kMaxDatagramSize = 65535;    // the largest a UDP header can state
constexpr size_t kMaxReceiveBytes = 64 * 1024;  // a receive stops after about this much

struct UdpSocket {
  std::shared_ptr<preview1::UniqueFd> fd;
  IpAddressFamily family = IpAddressFamily::Ipv4;
  bool network_allowed = false;
  bool bound = false;  // once true, stays
  bool bind_in_progress = false;
  std::optional<HostAddress> remote;  // the connected address
  int live_streams = 0;               // datagram streams not dropped yet

  bool is_bound() {
    if (!bound) {
      auto local = local_address_of(fd->get());
      bound = local && !(*local == unspecified_address(family));
    }
    return bound;
  }
  void update_remote() {
    auto peer = peer_address_of(fd->get());
    if (peer && !(*peer == unspecified_address(family))) remote = *peer;
    else remote.reset();
  }
};

struct UdpSocketObject {
  std::shared_ptr<UdpSocket> socket;
};

// A datagram stream's hold on its socket: while one lives, the socket neither binds nor makes
// new streams (in Wasmtime the streams are the socket's children).
class StreamLease {
 public:
  explicit StreamLease(std::shared_ptr<UdpSocket> socket) : socket_(std::move(socket)) { ++socket_->live_streams; }
  StreamLease(StreamLease&&) = default;
  StreamLease& operator=(StreamLease&&) = delete;
  ~StreamLease() {
    if (socket_) --socket_->live_streams;
  }
  UdpSocket& socket() const { return *socket_; }

 private:
  std::shared_ptr<UdpSocket> socket_;
};

struct IncomingObject {
  StreamLease lease;
  std::optional<HostAddress> connected;  // datagrams from elsewhere are dropped
};

// A datagram the socket could not take yet (EAGAIN): sent before anything else.
struct PendingDatagram {
  std::vector<uint8_t> data;
  std::optional<HostAddress> to;  // none: send(2) on the connected socket
};
struct Outgoing {
  std::optional<PendingDatagram> pending;
  std::optional<ErrorCode> failure;  // of a pending datagram, reported by the next send
};
struct OutgoingObject {
  StreamLease lease;
  size_t permit = 0;  // datagrams the last check-send allowed
  std::shared_ptr<Outgoing> state;
};

int send_datagram(int fd, const PendingDatagram& d) {
  ssize_t n = d.to ? ::sendto(fd, d.data.data(), d.data.size(), MSG_DONTWAIT | MSG_NOSIGNAL, d.to->get(), d.to->length)
                   : ::send(fd, d.data.data(), d.data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  return n < 0 ? errno : 0;
}

// Sends the pending datagram if the socket takes it now; true when none is left.
bool flush_pending(int fd, Outgoing& out) {
  if (!out.pending) return true;
  int e = send_datagram(fd, *out.pending);
  if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR) return false;
  if (e != 0) out.failure = error_code_of_errno(e);
  out.pending.reset();
  return true;
}

class OutgoingPollable final : public Pollable {
 public:
  OutgoingPollable(std::shared_ptr<preview1::UniqueFd> fd, std::shared_ptr<Outgoing> state)
      : fd_(std::move(fd)), state_(std::move(state)) {}
  bool ready() override { return flush_pending(fd_->get(), *state_); }
  WaitSource source() const override { return {WaitSource::Kind::Fd, 0, fd_->get(), POLLOUT}; }

 private:
  std::shared_ptr<preview1::UniqueFd> fd_;
  std::shared_ptr<Outgoing> state_;
};

// connect(2) for UDP, as Wasmtime does it on Linux: a socket already associated with another
// route is disconnected and connected again; EAFNOSUPPORT is the caller's invalid address.
int connect_udp(int fd, const HostAddress& address) {
  if (::connect(fd, address.get(), address.length) == 0) return 0;
  if (errno == EINVAL) {
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    ::connect(fd, &unspec, sizeof unspec);
    if (::connect(fd, address.get(), address.length) == 0) return 0;
  }
  return errno == EAFNOSUPPORT ? EINVAL : errno;
}

int disconnect_udp(int fd) {
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  return ::connect(fd, &unspec, sizeof unspec) == 0 ? 0 : errno;
}

using StreamPair = std::tuple<Resource<udp::IncomingDatagramStream>, Resource<udp::OutgoingDatagramStream>>;

class UdpHost final : public udp::Host {
 public:
  explicit UdpHost(WasiP2& wasi) : wasi_(wasi) {}

  TrapOr<void> udp_socket_drop(Resource<udp::UdpSocket> self) override {
    if (!wasi_.remove<UdpSocketObject>(self)) return unknown_handle("udp-socket");
    return {};
  }
  TrapOr<void> incoming_datagram_stream_drop(Resource<udp::IncomingDatagramStream> self) override {
    if (!wasi_.remove<IncomingObject>(self)) return unknown_handle("incoming-datagram-stream");
    return {};
  }
  // Datagrams the guest was told were sent are not lost: a pending one goes out first.
  TrapOr<void> outgoing_datagram_stream_drop(Resource<udp::OutgoingDatagramStream> self) override {
    auto out = wasi_.remove<OutgoingObject>(self);
    if (!out) return unknown_handle("outgoing-datagram-stream");
    int fd = out->lease.socket().fd->get();
    while (!flush_pending(fd, *out->state)) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, -1) < 0 && errno != EINTR) break;
    }
    return {};
  }

  TrapOr<SockResult<Unit>> udp_socket_start_bind(Borrow<udp::UdpSocket> self, Borrow<net::Network> network,
                                                 IpSocketAddress local_address) override {
    UdpSocket* s = get(self);
    if (!s || !is_network(wasi_, network)) return unknown_handle(s ? "network" : "udp-socket");
    if (s->bind_in_progress) return SockError{ErrorCode::ConcurrencyConflict};
    if (s->live_streams > 0 || s->is_bound()) return SockError{ErrorCode::InvalidState};
    HostAddress address = to_host(local_address);
    if (!is_valid_family(address, s->family)) return SockError{ErrorCode::InvalidArgument};
    if (!s->network_allowed) return SockError{ErrorCode::AccessDenied};
    if (::bind(s->fd->get(), address.get(), address.length) != 0)
      return errno == EAFNOSUPPORT ? SockError{ErrorCode::InvalidArgument} : errno_error(errno);
    s->bind_in_progress = true;
    return ok();
  }

  TrapOr<SockResult<Unit>> udp_socket_finish_bind(Borrow<udp::UdpSocket> self) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    if (!s->bind_in_progress) return SockError{ErrorCode::NotInProgress};
    s->bind_in_progress = false;
    return ok();
  }

  TrapOr<SockResult<StreamPair>> udp_socket_stream(Borrow<udp::UdpSocket> self,
                                                   std::optional<IpSocketAddress> remote_address) override {
    auto* object = wasi_.get<UdpSocketObject>(self);
    if (!object) return unknown_handle("udp-socket");
    UdpSocket& s = *object->socket;
    if (s.live_streams > 0) return Trap{TrapCode::HostError, "UDP streams not dropped yet"};
    // WASI 0.2 streams only on a socket bound before.
    if (!s.is_bound()) return SockError{ErrorCode::InvalidState};
    if (remote_address) {
      HostAddress address = to_host(*remote_address);
      if (!is_valid_family(address, s.family) || !is_valid_remote(address)) return SockError{ErrorCode::InvalidArgument};
      if (!s.network_allowed) return SockError{ErrorCode::AccessDenied};
      int e = connect_udp(s.fd->get(), address);
      s.update_remote();
      if (e != 0) return errno_error(e);
    } else if (s.remote) {
      // Linux may let go of the local port of a socket bound to the wildcard address when it
      // disconnects; the socket stays bound for the guest.
      s.bound = true;
      int e = disconnect_udp(s.fd->get());
      s.update_remote();
      if (e != 0) return errno_error(e);
    }
    auto in = wasi_.push<udp::IncomingDatagramStream>(IncomingObject{StreamLease(object->socket), s.remote});
    if (!in) return in.take_trap();
    auto out = wasi_.push<udp::OutgoingDatagramStream>(
        OutgoingObject{StreamLease(object->socket), 0, std::make_shared<Outgoing>()});
    if (!out) return out.take_trap();
    return SockResult<StreamPair>::ok({*in, *out});
  }

  TrapOr<SockResult<IpSocketAddress>> udp_socket_local_address(Borrow<udp::UdpSocket> self) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    if (!s->is_bound()) return SockError{ErrorCode::InvalidState};
    auto local = local_address_of(s->fd->get());
    if (!local) return errno_error(errno);
    return address_result(*local);
  }

  TrapOr<SockResult<IpSocketAddress>> udp_socket_remote_address(Borrow<udp::UdpSocket> self) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    if (!s->remote) return SockError{ErrorCode::InvalidState};
    return address_result(*s->remote);
  }

  TrapOr<IpAddressFamily> udp_socket_address_family(Borrow<udp::UdpSocket> self) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    return s->family;
  }

  TrapOr<SockResult<uint8_t>> udp_socket_unicast_hop_limit(Borrow<udp::UdpSocket> self) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    return hop_limit(s->fd->get(), s->family);
  }
  TrapOr<SockResult<Unit>> udp_socket_set_unicast_hop_limit(Borrow<udp::UdpSocket> self, uint8_t value) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    return set_hop_limit(s->fd->get(), s->family, value);
  }
  TrapOr<SockResult<uint64_t>> udp_socket_receive_buffer_size(Borrow<udp::UdpSocket> self) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    return buffer_size(s->fd->get(), SO_RCVBUF);
  }
  TrapOr<SockResult<Unit>> udp_socket_set_receive_buffer_size(Borrow<udp::UdpSocket> self, uint64_t value) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    return set_buffer_size(s->fd->get(), SO_RCVBUF, value);
  }
  TrapOr<SockResult<uint64_t>> udp_socket_send_buffer_size(Borrow<udp::UdpSocket> self) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    return buffer_size(s->fd->get(), SO_SNDBUF);
  }
  TrapOr<SockResult<Unit>> udp_socket_set_send_buffer_size(Borrow<udp::UdpSocket> self, uint64_t value) override {
    UdpSocket* s = get(self);
    if (!s) return unknown_handle("udp-socket");
    return set_buffer_size(s->fd->get(), SO_SNDBUF, value);
  }

  // Nothing a udp-socket does waits.
  TrapOr<Resource<udp::Pollable>> udp_socket_subscribe(Borrow<udp::UdpSocket> self) override {
    if (!get(self)) return unknown_handle("udp-socket");
    return wasi_.push<udp::Pollable>(PollableObject{std::make_unique<ReadyPollable>()});
  }

  TrapOr<SockResult<std::vector<udp::IncomingDatagram>>> incoming_datagram_stream_receive(
      Borrow<udp::IncomingDatagramStream> self, uint64_t max_results) override {
    using R = SockResult<std::vector<udp::IncomingDatagram>>;
    auto* in = wasi_.get<IncomingObject>(self);
    if (!in) return unknown_handle("incoming-datagram-stream");
    UdpSocket& s = in->lease.socket();
    size_t max = size_t(std::min<uint64_t>(max_results, kMaxDatagrams));
    std::vector<udp::IncomingDatagram> datagrams;
    size_t total = 0;
    std::vector<uint8_t> buffer(kMaxDatagramSize);
    while (datagrams.size() < max && total < kMaxReceiveBytes) {
      std::optional<ErrorCode> failure;
      HostAddress from;
      from.length = sizeof from.storage;
      ssize_t n = -1;
      if (!s.is_bound()) {
        failure = ErrorCode::InvalidState;
      } else {
        n = ::recvfrom(s.fd->get(), buffer.data(), buffer.size(), MSG_DONTWAIT, from.get(), &from.length);
        if (n < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
          failure = error_code_of_errno(errno);
        }
      }
      if (failure) {
        // The WIT: once a datagram was received, the call does not fail.
        if (!datagrams.empty()) break;
        return SockError{*failure};
      }
      // The host filters by the connected address when datagrams arrive, not when they are read:
      // ones queued before a (re)connect may come from elsewhere.
      if (in->connected && !(from == *in->connected)) continue;
      auto address = from_host(from);
      if (!address) continue;
      total += 1 + size_t(n);
      datagrams.push_back({std::vector<uint8_t>(buffer.begin(), buffer.begin() + n), *address});
    }
    return R::ok(std::move(datagrams));
  }

  TrapOr<Resource<udp::Pollable>> incoming_datagram_stream_subscribe(Borrow<udp::IncomingDatagramStream> self) override {
    auto* in = wasi_.get<IncomingObject>(self);
    if (!in) return unknown_handle("incoming-datagram-stream");
    return wasi_.push<udp::Pollable>(PollableObject{std::make_unique<SocketPollable>(in->lease.socket().fd, POLLIN)});
  }

  TrapOr<SockResult<uint64_t>> outgoing_datagram_stream_check_send(Borrow<udp::OutgoingDatagramStream> self) override {
    auto* out = wasi_.get<OutgoingObject>(self);
    if (!out) return unknown_handle("outgoing-datagram-stream");
    out->permit = flush_pending(out->lease.socket().fd->get(), *out->state) ? kMaxDatagrams : 0;
    return SockResult<uint64_t>::ok(out->permit);
  }

  TrapOr<SockResult<uint64_t>> outgoing_datagram_stream_send(Borrow<udp::OutgoingDatagramStream> self,
                                                             std::vector<udp::OutgoingDatagram> datagrams) override {
    auto* out = wasi_.get<OutgoingObject>(self);
    if (!out) return unknown_handle("outgoing-datagram-stream");
    if (datagrams.empty()) return SockResult<uint64_t>::ok(0);
    if (datagrams.size() > out->permit)
      return Trap{TrapCode::HostError, "unpermitted: argument exceeds permitted size"};
    // The WIT: each send must be permitted by a check-send before it.
    out->permit = 0;
    uint64_t sent = 0;
    for (auto& d : datagrams) {
      std::optional<ErrorCode> failure = send_one(*out, std::move(d));
      if (failure == ErrorCode::WouldBlock) break;
      if (failure) {
        // The WIT: once a datagram was sent, the call does not fail.
        if (sent > 0) break;
        return SockError{*failure};
      }
      ++sent;
    }
    return SockResult<uint64_t>::ok(sent);
  }

  TrapOr<Resource<udp::Pollable>> outgoing_datagram_stream_subscribe(Borrow<udp::OutgoingDatagramStream> self) override {
    auto* out = wasi_.get<OutgoingObject>(self);
    if (!out) return unknown_handle("outgoing-datagram-stream");
    return wasi_.push<udp::Pollable>(
        PollableObject{std::make_unique<OutgoingPollable>(out->lease.socket().fd, out->state)});
  }

 private:
  UdpSocket* get(Borrow<udp::UdpSocket> handle) {
    auto* object = wasi_.get<UdpSocketObject>(handle);
    return object ? object->socket.get() : nullptr;
  }

  static SockResult<IpSocketAddress> address_result(const HostAddress& address) {
    auto converted = from_host(address);
    if (!converted) return SockError{ErrorCode::NotSupported};
    return SockResult<IpSocketAddress>::ok(*converted);
  }

  // One datagram: none when it was sent (or waits to be, when the socket would block).
  std::optional<ErrorCode> send_one(OutgoingObject& out, udp::OutgoingDatagram d) {
    UdpSocket& s = out.lease.socket();
    int fd = s.fd->get();
    if (!flush_pending(fd, *out.state)) return ErrorCode::WouldBlock;
    if (auto failure = std::exchange(out.state->failure, std::nullopt)) return failure;
    if (d.data.size() > kMaxDatagramSize) return ErrorCode::DatagramTooLarge;
    std::optional<HostAddress> to;
    if (d.remote_address) {
      HostAddress address = to_host(*d.remote_address);
      if (!is_valid_remote(address) || !is_valid_family(address, s.family)) return ErrorCode::InvalidArgument;
      // A connected socket sends only to its remote address.
      if (s.remote && !(*s.remote == address)) return ErrorCode::InvalidArgument;
      to = address;
    } else if (!s.remote) {
      return ErrorCode::InvalidArgument;
    }
    if (!s.network_allowed) return ErrorCode::AccessDenied;
    PendingDatagram datagram{std::move(d.data), s.remote ? std::nullopt : to};
    int e = send_datagram(fd, datagram);
    if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR) {
      out.state->pending = std::move(datagram);
      return std::nullopt;
    }
    if (e != 0) return error_code_of_errno(e);
    return std::nullopt;
  }

  WasiP2& wasi_;
};

class UdpCreateHost final : public udp_create::Host {
 public:
  explicit UdpCreateHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<SockResult<Resource<udp::UdpSocket>>> create_udp_socket(IpAddressFamily family) override {
    using R = SockResult<Resource<udp::UdpSocket>>;
    if (!wasi_.config().sockets.udp) return SockError{ErrorCode::AccessDenied};
    auto fd = open_socket(family, SOCK_DGRAM);
    if (!fd.is_ok()) return SockError{fd.error()};
    auto socket = std::make_shared<UdpSocket>();
    socket->fd = std::make_shared<preview1::UniqueFd>(fd.value());
    socket->family = family;
    socket->network_allowed = address_allowed(wasi_);
    auto handle = wasi_.push<udp::UdpSocket>(UdpSocketObject{std::move(socket)});
    if (!handle) return handle.take_trap();
    return R::ok(*handle);
  }

 private:
  WasiP2& wasi_;
};

}  // namespace

std::unique_ptr<udp::Host> make_udp_host(WasiP2& wasi) { return std::make_unique<UdpHost>(wasi); }
std::unique_ptr<udp_create::Host> make_udp_create_socket_host(WasiP2& wasi) {
  return std::make_unique<UdpCreateHost>(wasi);
}

}  // namespace wasmrun::wasi::p2::sockets
