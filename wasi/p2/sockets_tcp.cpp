// wasi:sockets/tcp and tcp-create-socket over non-blocking host sockets. A socket moves through
// Wasmtime's states: default (maybe bound) → connecting → connected, or default (bound) →
// listening; a failed connect leaves it closed with that error. The start-/finish- pairs track
// the operation in progress as Wasmtime does: bind and listen complete in their start-, connect
// completes when the socket turns writable, and finish- says would-block until then.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "wasi/p2/sockets.h"
#include "wasi/p2/sockets_common.h"
#include "wasi/p2/sockets_tcp_streams.h"

namespace wasmrun::wasi::p2::sockets {

namespace tcp = bindings::wasi::sockets::tcp;
namespace tcp_create = bindings::wasi::sockets::tcp_create_socket;
namespace io_streams = bindings::wasi::io::streams;

namespace {

constexpr uint32_t kDefaultBacklog = 128;  // Rust's std, which Wasmtime follows
constexpr uint64_t kNanosPerSecond = 1'000'000'000;

struct TcpSocket {
  enum class State { Default, Connecting, Connected, Listening, Closed };
  enum class Operation { None, Bind, Connect, Listen };

  std::shared_ptr<preview1::UniqueFd> fd;
  IpAddressFamily family = IpAddressFamily::Ipv4;
  bool network_allowed = false;
  State state = State::Default;
  ErrorCode closed_error = ErrorCode::Unknown;  // Closed: what every later call reports
  Operation in_progress = Operation::None;
  std::optional<ErrorCode> connect_failure;  // Connecting: known before the socket says so
  bool bound = false;                        // once true, stays
  uint32_t backlog = kDefaultBacklog;
  bool listener = false;                     // start-listen succeeded: accept may be called
  std::shared_ptr<TcpReader> reader;         // Connected, once the streams are handed out
  std::shared_ptr<TcpWriter> writer;

  bool is_bound() {
    if (!bound) {
      if (state != State::Default) {
        bound = true;
      } else {
        auto local = local_address_of(fd->get());
        bound = local && !(*local == unspecified_address(family));
      }
    }
    return bound;
  }

  // The fd for a socket option: none while connecting (Wasmtime's socket is inside its connect
  // future then), the error of a closed socket.
  SockResult<int> option_fd() const {
    if (state == State::Connecting) return SockError{ErrorCode::InvalidState};
    if (state == State::Closed) return SockError{closed_error};
    return SockResult<int>::ok(fd->get());
  }

  // Whether the connect in progress is over (it succeeded or failed).
  bool connect_done() const {
    return connect_failure || FdPollable(fd->get(), POLLOUT).ready();
  }
};

struct TcpSocketObject {
  std::shared_ptr<TcpSocket> socket;
};

// tcp-socket.subscribe: ready when finish-connect or accept would not say would-block.
class TcpSocketPollable final : public Pollable {
 public:
  explicit TcpSocketPollable(std::shared_ptr<TcpSocket> socket) : socket_(std::move(socket)) {}
  bool ready() override {
    const TcpSocket& s = *socket_;
    if (s.in_progress == TcpSocket::Operation::Connect && s.state == TcpSocket::State::Connecting)
      return s.connect_done();
    if (s.in_progress == TcpSocket::Operation::None && s.listener) return FdPollable(s.fd->get(), POLLIN).ready();
    return true;
  }
  WaitSource source() const override {
    short events = socket_->state == TcpSocket::State::Connecting ? POLLOUT : POLLIN;
    return {WaitSource::Kind::Fd, 0, socket_->fd->get(), events};
  }

 private:
  std::shared_ptr<TcpSocket> socket_;
};

using Streams = std::tuple<Resource<io_streams::InputStream>, Resource<io_streams::OutputStream>>;

class TcpHost final : public tcp::Host {
 public:
  explicit TcpHost(WasiP2& wasi) : wasi_(wasi) {}

  TrapOr<void> tcp_socket_drop(Resource<tcp::TcpSocket> self) override {
    if (!wasi_.remove<TcpSocketObject>(self)) return unknown_handle("tcp-socket");
    return {};
  }

  TrapOr<SockResult<Unit>> tcp_socket_start_bind(Borrow<tcp::TcpSocket> self, Borrow<net::Network> network,
                                                 IpSocketAddress local_address) override {
    TcpSocket* s = get(self);
    if (!s || !is_network(wasi_, network)) return unknown_handle(s ? "network" : "tcp-socket");
    if (s->in_progress != TcpSocket::Operation::None) return SockError{ErrorCode::ConcurrencyConflict};
    if (s->is_bound() || s->state != TcpSocket::State::Default) return SockError{ErrorCode::InvalidState};
    HostAddress address = to_host(local_address);
    if (!is_valid_unicast(address) || !is_valid_family(address, s->family)) return SockError{ErrorCode::InvalidArgument};
    if (!s->network_allowed) return SockError{ErrorCode::AccessDenied};
    // The WIT: a bind is not hindered by a recently closed socket's TIME_WAIT (SO_REUSEADDR).
    int one = 1;
    ::setsockopt(s->fd->get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(s->fd->get(), address.get(), address.length) != 0)
      return errno == EAFNOSUPPORT ? SockError{ErrorCode::InvalidArgument} : errno_error(errno);
    s->in_progress = TcpSocket::Operation::Bind;
    return ok();
  }

  TrapOr<SockResult<Unit>> tcp_socket_finish_bind(Borrow<tcp::TcpSocket> self) override {
    return finish(self, TcpSocket::Operation::Bind);
  }

  TrapOr<SockResult<Unit>> tcp_socket_start_connect(Borrow<tcp::TcpSocket> self, Borrow<net::Network> network,
                                                    IpSocketAddress remote_address) override {
    TcpSocket* s = get(self);
    if (!s || !is_network(wasi_, network)) return unknown_handle(s ? "network" : "tcp-socket");
    if (s->in_progress != TcpSocket::Operation::None) return SockError{ErrorCode::ConcurrencyConflict};
    if (s->state != TcpSocket::State::Default) return SockError{ErrorCode::InvalidState};
    HostAddress address = to_host(remote_address);
    if (!is_valid_unicast(address) || !is_valid_remote(address) || !is_valid_family(address, s->family))
      return SockError{ErrorCode::InvalidArgument};
    s->state = TcpSocket::State::Connecting;
    s->in_progress = TcpSocket::Operation::Connect;
    // As in Wasmtime, what happens after the checks of the arguments (the permission to use the
    // address, the connect itself) is the outcome finish-connect reports.
    if (!s->network_allowed) {
      s->connect_failure = ErrorCode::AccessDenied;
    } else if (::connect(s->fd->get(), address.get(), address.length) != 0 && errno != EINPROGRESS) {
      s->connect_failure = error_code_of_errno(errno);
    }
    return ok();
  }

  TrapOr<SockResult<Streams>> tcp_socket_finish_connect(Borrow<tcp::TcpSocket> self) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (s->in_progress != TcpSocket::Operation::Connect) return SockError{ErrorCode::NotInProgress};
    if (s->state == TcpSocket::State::Connecting) {
      if (!s->connect_done()) return SockError{ErrorCode::WouldBlock};
      std::optional<ErrorCode> failure = s->connect_failure;
      if (!failure) {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(s->fd->get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
        if (error != 0) failure = error_code_of_errno(error);
      }
      s->connect_failure.reset();
      if (failure) {
        s->state = TcpSocket::State::Closed;
        s->closed_error = *failure;
      } else {
        s->state = TcpSocket::State::Connected;
      }
    }
    s->in_progress = TcpSocket::Operation::None;
    if (s->state == TcpSocket::State::Closed) return SockError{s->closed_error};
    if (s->state != TcpSocket::State::Connected) return SockError{ErrorCode::InvalidState};
    return take_streams(*s);
  }

  TrapOr<SockResult<Unit>> tcp_socket_start_listen(Borrow<tcp::TcpSocket> self) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (s->in_progress != TcpSocket::Operation::None) return SockError{ErrorCode::ConcurrencyConflict};
    // WASI 0.2 listens only on a socket bound before (0.3 binds implicitly).
    if (!s->is_bound() || s->state != TcpSocket::State::Default) return SockError{ErrorCode::InvalidState};
    if (!s->network_allowed) return SockError{ErrorCode::AccessDenied};
    if (::listen(s->fd->get(), int(s->backlog)) != 0) return errno_error(errno);
    s->state = TcpSocket::State::Listening;
    s->listener = true;
    s->in_progress = TcpSocket::Operation::Listen;
    return ok();
  }

  TrapOr<SockResult<Unit>> tcp_socket_finish_listen(Borrow<tcp::TcpSocket> self) override {
    return finish(self, TcpSocket::Operation::Listen);
  }

  TrapOr<SockResult<std::tuple<Resource<tcp::TcpSocket>, Resource<io_streams::InputStream>,
                               Resource<io_streams::OutputStream>>>>
  tcp_socket_accept(Borrow<tcp::TcpSocket> self) override {
    using R = SockResult<std::tuple<Resource<tcp::TcpSocket>, Resource<io_streams::InputStream>,
                                    Resource<io_streams::OutputStream>>>;
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (!s->listener) return SockError{ErrorCode::InvalidState};
    int fd = ::accept4(s->fd->get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      switch (errno) {
        // Linux passes a connection's pending network error on through accept (accept(2),
        // "Error handling"); other systems, and Wasmtime, call that an aborted connection.
        case ECONNRESET:
        case ENETRESET:
        case EHOSTUNREACH:
        case EHOSTDOWN:
        case ENETDOWN:
        case ENETUNREACH:
        case EPROTO:
        case ENOPROTOOPT:
        case ENONET:
        case EOPNOTSUPP: return SockError{ErrorCode::ConnectionAborted};
        default: return errno_error(errno);
      }
    }
    auto client = std::make_shared<TcpSocket>();
    client->fd = std::make_shared<preview1::UniqueFd>(fd);
    client->family = s->family;
    client->network_allowed = s->network_allowed;
    client->state = TcpSocket::State::Connected;
    client->bound = true;
    auto streams = take_streams(*client);
    if (!streams) return streams.take_trap();
    auto handle = wasi_.push<tcp::TcpSocket>(TcpSocketObject{std::move(client)});
    if (!handle) return handle.take_trap();
    auto [in, out] = streams->value();
    return R::ok({*handle, in, out});
  }

  TrapOr<SockResult<IpSocketAddress>> tcp_socket_local_address(Borrow<tcp::TcpSocket> self) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (!s->is_bound() || s->state == TcpSocket::State::Connecting) return SockError{ErrorCode::InvalidState};
    if (s->state == TcpSocket::State::Closed) return SockError{s->closed_error};
    return address_result(local_address_of(s->fd->get()));
  }

  TrapOr<SockResult<IpSocketAddress>> tcp_socket_remote_address(Borrow<tcp::TcpSocket> self) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (s->state == TcpSocket::State::Closed) return SockError{s->closed_error};
    if (s->state != TcpSocket::State::Connected) return SockError{ErrorCode::InvalidState};
    return address_result(peer_address_of(s->fd->get()));
  }

  TrapOr<bool> tcp_socket_is_listening(Borrow<tcp::TcpSocket> self) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    return s->state == TcpSocket::State::Listening;
  }

  TrapOr<IpAddressFamily> tcp_socket_address_family(Borrow<tcp::TcpSocket> self) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    return s->family;
  }

  TrapOr<SockResult<Unit>> tcp_socket_set_listen_backlog_size(Borrow<tcp::TcpSocket> self, uint64_t value) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (value == 0) return SockError{ErrorCode::InvalidArgument};
    // Clamped silently, as operating systems do.
    auto backlog = uint32_t(std::min<uint64_t>(value, INT_MAX));
    switch (s->state) {
      case TcpSocket::State::Default: s->backlog = backlog; return ok();
      case TcpSocket::State::Listening:
        // Changing the backlog of a listening socket is listen(2) again, where the host allows it.
        if (::listen(s->fd->get(), int(backlog)) != 0) return SockError{ErrorCode::NotSupported};
        s->backlog = backlog;
        return ok();
      case TcpSocket::State::Closed: return SockError{s->closed_error};
      default: return SockError{ErrorCode::InvalidState};
    }
  }

  TrapOr<SockResult<bool>> tcp_socket_keep_alive_enabled(Borrow<tcp::TcpSocket> self) override {
    auto v = int_option(self, SOL_SOCKET, SO_KEEPALIVE);
    if (!v) return v.take_trap();
    if (!v->is_ok()) return SockError{v->error()};
    return SockResult<bool>::ok(v->value() != 0);
  }
  TrapOr<SockResult<Unit>> tcp_socket_set_keep_alive_enabled(Borrow<tcp::TcpSocket> self, bool value) override {
    return set_int_option(self, SOL_SOCKET, SO_KEEPALIVE, value ? 1 : 0);
  }

  TrapOr<SockResult<tcp::Duration>> tcp_socket_keep_alive_idle_time(Borrow<tcp::TcpSocket> self) override {
    return seconds_option(self, TCP_KEEPIDLE);
  }
  TrapOr<SockResult<Unit>> tcp_socket_set_keep_alive_idle_time(Borrow<tcp::TcpSocket> self,
                                                               tcp::Duration value) override {
    return set_seconds_option(self, TCP_KEEPIDLE, value);
  }
  TrapOr<SockResult<tcp::Duration>> tcp_socket_keep_alive_interval(Borrow<tcp::TcpSocket> self) override {
    return seconds_option(self, TCP_KEEPINTVL);
  }
  TrapOr<SockResult<Unit>> tcp_socket_set_keep_alive_interval(Borrow<tcp::TcpSocket> self,
                                                              tcp::Duration value) override {
    return set_seconds_option(self, TCP_KEEPINTVL, value);
  }

  TrapOr<SockResult<uint32_t>> tcp_socket_keep_alive_count(Borrow<tcp::TcpSocket> self) override {
    auto v = int_option(self, IPPROTO_TCP, TCP_KEEPCNT);
    if (!v) return v.take_trap();
    if (!v->is_ok()) return SockError{v->error()};
    return SockResult<uint32_t>::ok(uint32_t(std::max(v->value(), 0)));
  }
  TrapOr<SockResult<Unit>> tcp_socket_set_keep_alive_count(Borrow<tcp::TcpSocket> self, uint32_t value) override {
    if (!get(self)) return unknown_handle("tcp-socket");
    if (value == 0) return SockError{ErrorCode::InvalidArgument};
    // Linux's maximum, the lowest of the hosts Wasmtime supports.
    return set_int_option(self, IPPROTO_TCP, TCP_KEEPCNT, int(std::min<uint32_t>(value, 127)));
  }

  TrapOr<SockResult<uint8_t>> tcp_socket_hop_limit(Borrow<tcp::TcpSocket> self) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    auto fd = s->option_fd();
    if (!fd.is_ok()) return SockError{fd.error()};
    return hop_limit(fd.value(), s->family);
  }
  TrapOr<SockResult<Unit>> tcp_socket_set_hop_limit(Borrow<tcp::TcpSocket> self, uint8_t value) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    auto fd = s->option_fd();
    if (!fd.is_ok()) return SockError{fd.error()};
    return set_hop_limit(fd.value(), s->family, value);
  }

  TrapOr<SockResult<uint64_t>> tcp_socket_receive_buffer_size(Borrow<tcp::TcpSocket> self) override {
    return get_buffer_size(self, SO_RCVBUF);
  }
  TrapOr<SockResult<Unit>> tcp_socket_set_receive_buffer_size(Borrow<tcp::TcpSocket> self, uint64_t value) override {
    return put_buffer_size(self, SO_RCVBUF, value);
  }
  TrapOr<SockResult<uint64_t>> tcp_socket_send_buffer_size(Borrow<tcp::TcpSocket> self) override {
    return get_buffer_size(self, SO_SNDBUF);
  }
  TrapOr<SockResult<Unit>> tcp_socket_set_send_buffer_size(Borrow<tcp::TcpSocket> self, uint64_t value) override {
    return put_buffer_size(self, SO_SNDBUF, value);
  }

  TrapOr<Resource<tcp::Pollable>> tcp_socket_subscribe(Borrow<tcp::TcpSocket> self) override {
    auto* object = wasi_.get<TcpSocketObject>(self);
    if (!object) return unknown_handle("tcp-socket");
    return wasi_.push<tcp::Pollable>(PollableObject{std::make_unique<TcpSocketPollable>(object->socket)});
  }

  TrapOr<SockResult<Unit>> tcp_socket_shutdown(Borrow<tcp::TcpSocket> self, tcp::ShutdownType how) override {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (!s->reader || !s->writer) return SockError{ErrorCode::InvalidState};
    if (how != tcp::ShutdownType::Send) s->reader->shutdown();
    if (how != tcp::ShutdownType::Receive) s->writer->shutdown();
    return ok();
  }

 private:
  TcpSocket* get(Borrow<tcp::TcpSocket> handle) {
    auto* object = wasi_.get<TcpSocketObject>(handle);
    return object ? object->socket.get() : nullptr;
  }

  TrapOr<SockResult<Unit>> finish(Borrow<tcp::TcpSocket> self, TcpSocket::Operation operation) {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    if (s->in_progress != operation) return SockError{ErrorCode::NotInProgress};
    s->in_progress = TcpSocket::Operation::None;
    return ok();
  }

  // The input and output streams of a connected socket, handed out once.
  TrapOr<SockResult<Streams>> take_streams(TcpSocket& s) {
    if (s.reader) return SockError{ErrorCode::InvalidState};
    s.reader = std::make_shared<TcpReader>(TcpReader{s.fd});
    // The first connection starts the thread that sends what sockets could not take at once.
    if (!sender_) sender_ = std::make_shared<TcpSender>();
    s.writer = std::make_shared<TcpWriter>(s.fd, sender_);
    auto in = wasi_.push<io_streams::InputStream>(InputStreamObject{tcp_input_stream(s.reader)});
    if (!in) return in.take_trap();
    auto out = wasi_.push<io_streams::OutputStream>(OutputStreamObject{tcp_output_stream(s.writer)});
    if (!out) return out.take_trap();
    return SockResult<Streams>::ok({*in, *out});
  }

  static SockResult<IpSocketAddress> address_result(const std::optional<HostAddress>& address) {
    if (!address) return errno_error(errno);
    auto converted = from_host(*address);
    if (!converted) return SockError{ErrorCode::NotSupported};
    return SockResult<IpSocketAddress>::ok(*converted);
  }

  TrapOr<SockResult<int>> int_option(Borrow<tcp::TcpSocket> self, int level, int option) {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    auto fd = s->option_fd();
    if (!fd.is_ok()) return fd;
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(fd.value(), level, option, &value, &length) != 0) return errno_error(errno);
    return SockResult<int>::ok(value);
  }

  TrapOr<SockResult<Unit>> set_int_option(Borrow<tcp::TcpSocket> self, int level, int option, int value) {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    auto fd = s->option_fd();
    if (!fd.is_ok()) return SockError{fd.error()};
    if (::setsockopt(fd.value(), level, option, &value, sizeof value) != 0) return errno_error(errno);
    return ok();
  }

  TrapOr<SockResult<tcp::Duration>> seconds_option(Borrow<tcp::TcpSocket> self, int option) {
    auto v = int_option(self, IPPROTO_TCP, option);
    if (!v) return v.take_trap();
    if (!v->is_ok()) return SockError{v->error()};
    return SockResult<tcp::Duration>::ok(uint64_t(std::max(v->value(), 0)) * kNanosPerSecond);
  }

  // Keep-alive times are whole seconds on the host: at least 1 (never rounded down to 0), at
  // most Linux's 32767, the lowest maximum of the hosts Wasmtime supports.
  TrapOr<SockResult<Unit>> set_seconds_option(Borrow<tcp::TcpSocket> self, int option, tcp::Duration value) {
    if (!get(self)) return unknown_handle("tcp-socket");
    if (value == 0) return SockError{ErrorCode::InvalidArgument};
    uint64_t seconds = std::clamp<uint64_t>(value / kNanosPerSecond, 1, 32767);
    return set_int_option(self, IPPROTO_TCP, option, int(seconds));
  }

  TrapOr<SockResult<uint64_t>> get_buffer_size(Borrow<tcp::TcpSocket> self, int option) {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    auto fd = s->option_fd();
    if (!fd.is_ok()) return SockError{fd.error()};
    return buffer_size(fd.value(), option);
  }
  TrapOr<SockResult<Unit>> put_buffer_size(Borrow<tcp::TcpSocket> self, int option, uint64_t value) {
    TcpSocket* s = get(self);
    if (!s) return unknown_handle("tcp-socket");
    auto fd = s->option_fd();
    if (!fd.is_ok()) return SockError{fd.error()};
    return set_buffer_size(fd.value(), option, value);
  }

  WasiP2& wasi_;
  std::shared_ptr<TcpSender> sender_;
};

class TcpCreateHost final : public tcp_create::Host {
 public:
  explicit TcpCreateHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<SockResult<Resource<tcp::TcpSocket>>> create_tcp_socket(IpAddressFamily family) override {
    using R = SockResult<Resource<tcp::TcpSocket>>;
    if (!wasi_.config().sockets.tcp) return SockError{ErrorCode::AccessDenied};
    auto fd = open_socket(family, SOCK_STREAM);
    if (!fd.is_ok()) return SockError{fd.error()};
    auto socket = std::make_shared<TcpSocket>();
    socket->fd = std::make_shared<preview1::UniqueFd>(fd.value());
    socket->family = family;
    socket->network_allowed = address_allowed(wasi_);
    auto handle = wasi_.push<tcp::TcpSocket>(TcpSocketObject{std::move(socket)});
    if (!handle) return handle.take_trap();
    return R::ok(*handle);
  }

 private:
  WasiP2& wasi_;
};

}  // namespace

std::unique_ptr<tcp::Host> make_tcp_host(WasiP2& wasi) { return std::make_unique<TcpHost>(wasi); }
std::unique_ptr<tcp_create::Host> make_tcp_create_socket_host(WasiP2& wasi) {
  return std::make_unique<TcpCreateHost>(wasi);
}

}  // namespace wasmrun::wasi::p2::sockets
