// wasi:sockets (wasi/p2/sockets_*.cpp), its hosts called directly as the generated bindings call
// them: TCP and UDP over loopback against host sockets the test holds, ip-name-lookup, the state
// machine's errors, and what a guest gets when the network is not enabled.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "text/wat.h"
#include "wasi/p2/context.h"
#include "wasi/p2/loop_waiter.h"
#include "wasi/p2/sockets.h"
#include "wasi/p2/sockets_names.h"
#include "wasmrun/component/component.h"

using namespace wasmrun;
using namespace wasmrun::wasi::p2;
namespace ws = bindings::wasi::sockets;
using ws::network::ErrorCode;
using ws::network::IpAddressFamily;
using ws::network::IpSocketAddress;

namespace {

IpSocketAddress loopback4(uint16_t port) { return IpSocketAddress::ipv4({port, {127, 0, 0, 1}}); }
IpSocketAddress loopback6(uint16_t port) { return IpSocketAddress::ipv6({port, 0, {0, 0, 0, 0, 0, 0, 0, 1}, 0}); }
uint16_t port_of(const IpSocketAddress& a) {
  return a.which() == IpSocketAddress::Case::Ipv4 ? std::get<0>(a.v).port : std::get<1>(a.v).port;
}

template <class R>
ErrorCode error_of(const TrapOr<R>& r) {
  REQUIRE(r);
  REQUIRE_FALSE(r->is_ok());
  return r->error();
}
template <class R>
auto value_of(TrapOr<R> r) {
  REQUIRE(r);
  REQUIRE_MESSAGE(r->is_ok(), "error code " << int(r->error()));
  return r->value();
}

// A WasiP2 with every socket host, called as a guest would call them.
struct Sockets {
  std::unique_ptr<WasiP2> wasi;
  std::unique_ptr<ws::network::Host> network;
  std::unique_ptr<ws::instance_network::Host> instance_network;
  std::unique_ptr<ws::ip_name_lookup::Host> lookup;
  std::unique_ptr<ws::tcp::Host> tcp;
  std::unique_ptr<ws::tcp_create_socket::Host> tcp_create;
  std::unique_ptr<ws::udp::Host> udp;
  std::unique_ptr<ws::udp_create_socket::Host> udp_create;
  component::Borrow<ws::network::Network> net;

  explicit Sockets(WasiP2Config::Sockets allowed) {
    WasiP2Config config;
    config.sockets = allowed;
    auto created = WasiP2::create(std::move(config));
    REQUIRE(created);
    wasi = std::move(*created);
    network = sockets::make_network_host(*wasi);
    instance_network = sockets::make_instance_network_host(*wasi);
    lookup = sockets::make_ip_name_lookup_host(*wasi);
    tcp = sockets::make_tcp_host(*wasi);
    tcp_create = sockets::make_tcp_create_socket_host(*wasi);
    udp = sockets::make_udp_host(*wasi);
    udp_create = sockets::make_udp_create_socket_host(*wasi);
    auto n = instance_network->instance_network();
    REQUIRE(n);
    net = {n->rep};
  }

  // Blocks on a pollable handle as wasi:io/poll's block does, and drops it.
  void block(TrapOr<component::Resource<bindings::wasi::io::poll::Pollable>> handle) {
    REQUIRE(handle);
    auto* p = wasi->get<PollableObject>(component::Borrow<bindings::wasi::io::poll::Pollable>{handle->rep});
    REQUIRE(p);
    Pollable* list[] = {p->pollable.get()};
    wasi->waiter().wait(list);
    wasi->remove<PollableObject>(*handle);
  }
  bool ready(TrapOr<component::Resource<bindings::wasi::io::poll::Pollable>> handle) {
    REQUIRE(handle);
    auto* p = wasi->get<PollableObject>(component::Borrow<bindings::wasi::io::poll::Pollable>{handle->rep});
    REQUIRE(p);
    bool r = p->pollable->ready();
    wasi->remove<PollableObject>(*handle);
    return r;
  }
  InputStream& input(component::Resource<bindings::wasi::io::streams::InputStream> r) {
    auto* s = wasi->get<InputStreamObject>(component::Borrow<bindings::wasi::io::streams::InputStream>{r.rep});
    REQUIRE(s);
    return *s->stream;
  }
  OutputStream& output(component::Resource<bindings::wasi::io::streams::OutputStream> r) {
    auto* s = wasi->get<OutputStreamObject>(component::Borrow<bindings::wasi::io::streams::OutputStream>{r.rep});
    REQUIRE(s);
    return *s->stream;
  }
  // Reads until `n` bytes came or the stream ended, waiting on its pollable in between.
  std::string read_exactly(InputStream& in, size_t n) {
    std::string got;
    while (got.size() < n) {
      auto r = in.read(n - got.size());
      if (!r.is_ok()) break;
      if (r.value().empty()) {
        auto p = in.subscribe();
        Pollable* list[] = {p.get()};
        wasi->waiter().wait(list);
      }
      got.append(r.value().begin(), r.value().end());
    }
    return got;
  }
  void write_all(OutputStream& out, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      auto grant = out.check_write();
      REQUIRE(grant.is_ok());
      if (grant.value() == 0) {
        auto p = out.subscribe();
        Pollable* list[] = {p.get()};
        wasi->waiter().wait(list);
        continue;
      }
      size_t n = std::min<size_t>(grant.value(), text.size() - done);
      REQUIRE(out.write({reinterpret_cast<const uint8_t*>(text.data()) + done, n}).is_ok());
      done += n;
    }
  }

  component::Borrow<ws::tcp::TcpSocket> new_tcp(IpAddressFamily family = IpAddressFamily::Ipv4) {
    auto s = value_of(tcp_create->create_tcp_socket(family));
    return {s.rep};
  }
  component::Borrow<ws::udp::UdpSocket> new_udp(IpAddressFamily family = IpAddressFamily::Ipv4) {
    auto s = value_of(udp_create->create_udp_socket(family));
    return {s.rep};
  }
  void bind(component::Borrow<ws::tcp::TcpSocket> s, IpSocketAddress address) {
    value_of(tcp->tcp_socket_start_bind(s, net, address));
    value_of(tcp->tcp_socket_finish_bind(s));
  }
  void bind(component::Borrow<ws::udp::UdpSocket> s, IpSocketAddress address) {
    value_of(udp->udp_socket_start_bind(s, net, address));
    value_of(udp->udp_socket_finish_bind(s));
  }
};

constexpr size_t kChunkForTest = 64 * 1024;

const WasiP2Config::Sockets kAll{.inherit_network = true, .tcp = true, .udp = true, .ip_name_lookup = true};

// A host-side TCP server on 127.0.0.1 that echoes one connection until it ends.
struct EchoServer {
  int listener = -1;
  uint16_t port = 0;
  std::thread thread;
  EchoServer() {
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listener, 4) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([fd = listener] {
      int c = ::accept(fd, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      ssize_t n;
      while ((n = ::recv(c, buf, sizeof buf, 0)) > 0) ::send(c, buf, size_t(n), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~EchoServer() {
    ::shutdown(listener, SHUT_RDWR);
    thread.join();
    ::close(listener);
  }
};

// A blocking host client connected to 127.0.0.1:port.
int connect_client(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

}  // namespace

TEST_CASE("without -S flags: sockets are access-denied and lookups permanent-resolver-failure (as Wasmtime)") {
  Sockets s({});
  CHECK(error_of(s.tcp_create->create_tcp_socket(IpAddressFamily::Ipv4)) == ErrorCode::AccessDenied);
  CHECK(error_of(s.udp_create->create_udp_socket(IpAddressFamily::Ipv6)) == ErrorCode::AccessDenied);
  CHECK(error_of(s.lookup->resolve_addresses(s.net, "localhost")) == ErrorCode::PermanentResolverFailure);
  CHECK(error_of(s.lookup->resolve_addresses(s.net, "127.0.0.1")) == ErrorCode::PermanentResolverFailure);
}

TEST_CASE("tcp and udp without inherit-network: sockets exist but no address may be used") {
  Sockets s({.tcp = true, .udp = true});
  auto t = s.new_tcp();
  CHECK(error_of(s.tcp->tcp_socket_start_bind(t, s.net, loopback4(0))) == ErrorCode::AccessDenied);
  // As in Wasmtime, connect's permission is part of its outcome, which finish-connect reports.
  value_of(s.tcp->tcp_socket_start_connect(t, s.net, loopback4(9)));
  CHECK(error_of(s.tcp->tcp_socket_finish_connect(t)) == ErrorCode::AccessDenied);
  CHECK(error_of(s.tcp->tcp_socket_remote_address(t)) == ErrorCode::AccessDenied);  // closed with it
  auto u = s.new_udp();
  CHECK(error_of(s.udp->udp_socket_start_bind(u, s.net, loopback4(0))) == ErrorCode::AccessDenied);
}

TEST_CASE("tcp: connect to a host echo server, write, read the echo, shut down sending") {
  EchoServer server;
  Sockets s(kAll);
  auto t = s.new_tcp();
  CHECK(error_of(s.tcp->tcp_socket_finish_connect(t)) == ErrorCode::NotInProgress);
  CHECK(error_of(s.tcp->tcp_socket_shutdown(t, ws::tcp::ShutdownType::Both)) == ErrorCode::InvalidState);
  value_of(s.tcp->tcp_socket_start_connect(t, s.net, loopback4(server.port)));
  CHECK(error_of(s.tcp->tcp_socket_start_connect(t, s.net, loopback4(server.port))) == ErrorCode::ConcurrencyConflict);
  s.block(s.tcp->tcp_socket_subscribe(t));
  auto [in, out] = value_of(s.tcp->tcp_socket_finish_connect(t));
  CHECK(port_of(value_of(s.tcp->tcp_socket_remote_address(t))) == server.port);
  CHECK(port_of(value_of(s.tcp->tcp_socket_local_address(t))) != 0);
  CHECK(error_of(s.tcp->tcp_socket_finish_connect(t)) == ErrorCode::NotInProgress);

  std::string message(200'000, 'x');  // more than one check-write grants
  for (size_t i = 0; i < message.size(); ++i) message[i] = char('a' + i % 26);
  // Writes and reads in turn (the server echoes as it reads), waiting on both pollables when
  // neither can go on.
  InputStream& input = s.input(in);
  OutputStream& output = s.output(out);
  std::string echoed;
  size_t written = 0;
  while (echoed.size() < message.size()) {
    bool progressed = false;
    auto grant = output.check_write();
    REQUIRE(grant.is_ok());
    if (written < message.size() && grant.value() > 0) {
      size_t n = std::min<size_t>(grant.value(), message.size() - written);
      REQUIRE(output.write({reinterpret_cast<const uint8_t*>(message.data()) + written, n}).is_ok());
      written += n;
      progressed = true;
    }
    auto got = input.read(1 << 16);
    REQUIRE(got.is_ok());
    echoed.append(got.value().begin(), got.value().end());
    if (progressed || !got.value().empty()) continue;
    auto readable = input.subscribe();
    auto writable = output.subscribe();
    std::vector<Pollable*> list = {readable.get()};
    if (written < message.size()) list.push_back(writable.get());
    s.wasi->waiter().wait(list);
  }
  CHECK(written == message.size());
  CHECK(echoed == message);

  // Shutting down sending ends the server's loop: it closes, and the guest reads the end.
  value_of(s.tcp->tcp_socket_shutdown(t, ws::tcp::ShutdownType::Send));
  auto p = s.input(in).subscribe();
  Pollable* list[] = {p.get()};
  s.wasi->waiter().wait(list);
  auto end = s.input(in).read(10);
  REQUIRE_FALSE(end.is_ok());
  CHECK_FALSE(end.error().error.has_value());
  auto after = s.output(out).check_write();
  CHECK_FALSE(after.is_ok());
}

TEST_CASE("tcp: listen on 127.0.0.1, accept a host client, echo what it sent") {
  Sockets s(kAll);
  auto t = s.new_tcp();
  CHECK(error_of(s.tcp->tcp_socket_start_listen(t)) == ErrorCode::InvalidState);  // not bound (WASI 0.2)
  CHECK(error_of(s.tcp->tcp_socket_local_address(t)) == ErrorCode::InvalidState);
  s.bind(t, loopback4(0));
  CHECK(error_of(s.tcp->tcp_socket_start_bind(t, s.net, loopback4(0))) == ErrorCode::InvalidState);
  value_of(s.tcp->tcp_socket_set_listen_backlog_size(t, 10));
  value_of(s.tcp->tcp_socket_start_listen(t));
  value_of(s.tcp->tcp_socket_finish_listen(t));
  CHECK(*s.tcp->tcp_socket_is_listening(t));
  uint16_t port = port_of(value_of(s.tcp->tcp_socket_local_address(t)));
  CHECK(port != 0);
  CHECK(error_of(s.tcp->tcp_socket_accept(t)) == ErrorCode::WouldBlock);
  CHECK_FALSE(s.ready(s.tcp->tcp_socket_subscribe(t)));

  int client = connect_client(port);
  REQUIRE(::send(client, "ping", 4, 0) == 4);
  s.block(s.tcp->tcp_socket_subscribe(t));
  auto [conn, in, out] = value_of(s.tcp->tcp_socket_accept(t));
  component::Borrow<ws::tcp::TcpSocket> accepted{conn.rep};
  CHECK(*s.tcp->tcp_socket_address_family(accepted) == IpAddressFamily::Ipv4);
  CHECK_FALSE(*s.tcp->tcp_socket_is_listening(accepted));
  CHECK(s.read_exactly(s.input(in), 4) == "ping");
  s.write_all(s.output(out), "pong");
  char buf[8] = {};
  CHECK(::recv(client, buf, sizeof buf, 0) == 4);
  CHECK(std::string(buf) == "pong");
  // Dropping the output stream shuts the sending side down: the client reads the end.
  s.wasi->remove<OutputStreamObject>(out);
  CHECK(::recv(client, buf, sizeof buf, 0) == 0);
  ::close(client);
  CHECK(s.tcp->tcp_socket_drop(conn));
}

TEST_CASE("tcp: bytes written to a peer that does not read wait, and dropping the stream still sends them") {
  Sockets s(kAll);
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  auto t = s.new_tcp();
  value_of(s.tcp->tcp_socket_start_connect(t, s.net, loopback4(ntohs(a.sin_port))));
  s.block(s.tcp->tcp_socket_subscribe(t));
  auto [in, out] = value_of(s.tcp->tcp_socket_finish_connect(t));
  int peer = ::accept(listener, nullptr, nullptr);
  REQUIRE(peer >= 0);

  // Write until the socket takes no more: the peer reads nothing yet.
  OutputStream& output = s.output(out);
  size_t written = 0;
  std::vector<uint8_t> chunk(kChunkForTest);
  for (;;) {
    auto grant = output.check_write();
    REQUIRE(grant.is_ok());
    if (grant.value() == 0) break;
    for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = uint8_t((written + i) % 251);
    REQUIRE(output.write(std::span(chunk).first(std::min<size_t>(grant.value(), chunk.size()))).is_ok());
    written += std::min<size_t>(grant.value(), chunk.size());
  }
  CHECK_FALSE(s.ready(s.wasi->push<bindings::wasi::io::poll::Pollable>(PollableObject{output.subscribe()})));

  // The peer reads everything until the end while the guest drops the stream.
  size_t received = 0;
  bool in_order = true;
  std::thread reader([&] {
    uint8_t buf[65536];
    ssize_t n;
    while ((n = ::recv(peer, buf, sizeof buf, 0)) > 0) {
      for (ssize_t i = 0; i < n; ++i) in_order &= buf[i] == uint8_t((received + size_t(i)) % 251);
      received += size_t(n);
    }
  });
  s.wasi->remove<OutputStreamObject>(out);
  reader.join();
  CHECK(received == written);
  CHECK(in_order);
  ::close(peer);
  ::close(listener);
}

TEST_CASE("tcp: a refused connection, the checks of addresses and of the state machine") {
  Sockets s(kAll);
  // A port nobody listens on: bind one, then close it.
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(probe);
  auto t = s.new_tcp();
  value_of(s.tcp->tcp_socket_start_connect(t, s.net, loopback4(ntohs(a.sin_port))));
  CHECK(error_of(s.tcp->tcp_socket_hop_limit(t)) == ErrorCode::InvalidState);  // while connecting
  s.block(s.tcp->tcp_socket_subscribe(t));
  CHECK(error_of(s.tcp->tcp_socket_finish_connect(t)) == ErrorCode::ConnectionRefused);
  CHECK(error_of(s.tcp->tcp_socket_keep_alive_enabled(t)) == ErrorCode::ConnectionRefused);

  auto u = s.new_tcp();
  CHECK(error_of(s.tcp->tcp_socket_start_connect(u, s.net, loopback4(0))) == ErrorCode::InvalidArgument);
  CHECK(error_of(s.tcp->tcp_socket_start_connect(u, s.net, IpSocketAddress::ipv4({80, {0, 0, 0, 0}}))) ==
        ErrorCode::InvalidArgument);
  CHECK(error_of(s.tcp->tcp_socket_start_connect(u, s.net, loopback6(80))) == ErrorCode::InvalidArgument);
  CHECK(error_of(s.tcp->tcp_socket_start_bind(u, s.net, IpSocketAddress::ipv4({0, {224, 0, 0, 1}}))) ==
        ErrorCode::InvalidArgument);
  CHECK(error_of(s.tcp->tcp_socket_finish_bind(u)) == ErrorCode::NotInProgress);
  CHECK(error_of(s.tcp->tcp_socket_finish_listen(u)) == ErrorCode::NotInProgress);
  CHECK(error_of(s.tcp->tcp_socket_accept(u)) == ErrorCode::InvalidState);
  CHECK(error_of(s.tcp->tcp_socket_remote_address(u)) == ErrorCode::InvalidState);
  CHECK(error_of(s.tcp->tcp_socket_set_listen_backlog_size(u, 0)) == ErrorCode::InvalidArgument);

  // An IPv6 socket takes neither IPv4-mapped addresses nor IPv4 ones.
  auto v6 = s.new_tcp(IpAddressFamily::Ipv6);
  auto mapped = IpSocketAddress::ipv6({80, 0, {0, 0, 0, 0, 0, 0xffff, 0x7f00, 1}, 0});
  CHECK(error_of(s.tcp->tcp_socket_start_connect(v6, s.net, mapped)) == ErrorCode::InvalidArgument);
  CHECK(error_of(s.tcp->tcp_socket_start_bind(v6, s.net, loopback4(0))) == ErrorCode::InvalidArgument);
  CHECK(*s.tcp->tcp_socket_address_family(v6) == IpAddressFamily::Ipv6);
}

TEST_CASE("tcp socket options read back what was set, and 0 is invalid-argument") {
  Sockets s(kAll);
  auto t = s.new_tcp();
  value_of(s.tcp->tcp_socket_set_keep_alive_enabled(t, true));
  CHECK(value_of(s.tcp->tcp_socket_keep_alive_enabled(t)));
  value_of(s.tcp->tcp_socket_set_keep_alive_idle_time(t, 30'000'000'000));
  CHECK(value_of(s.tcp->tcp_socket_keep_alive_idle_time(t)) == 30'000'000'000);
  value_of(s.tcp->tcp_socket_set_keep_alive_interval(t, 1));  // rounded up to a second
  CHECK(value_of(s.tcp->tcp_socket_keep_alive_interval(t)) == 1'000'000'000);
  value_of(s.tcp->tcp_socket_set_keep_alive_count(t, 5));
  CHECK(value_of(s.tcp->tcp_socket_keep_alive_count(t)) == 5);
  CHECK(error_of(s.tcp->tcp_socket_set_keep_alive_count(t, 0)) == ErrorCode::InvalidArgument);
  CHECK(error_of(s.tcp->tcp_socket_set_keep_alive_idle_time(t, 0)) == ErrorCode::InvalidArgument);
  value_of(s.tcp->tcp_socket_set_hop_limit(t, 42));
  CHECK(value_of(s.tcp->tcp_socket_hop_limit(t)) == 42);
  CHECK(error_of(s.tcp->tcp_socket_set_hop_limit(t, 0)) == ErrorCode::InvalidArgument);
  value_of(s.tcp->tcp_socket_set_receive_buffer_size(t, 65536));
  CHECK(value_of(s.tcp->tcp_socket_receive_buffer_size(t)) == 65536);
  CHECK(error_of(s.tcp->tcp_socket_set_send_buffer_size(t, 0)) == ErrorCode::InvalidArgument);
  CHECK(value_of(s.tcp->tcp_socket_send_buffer_size(t)) > 0);
}

TEST_CASE("udp: datagrams between two sockets on 127.0.0.1, with their source addresses") {
  Sockets s(kAll);
  auto a = s.new_udp();
  auto b = s.new_udp();
  CHECK(error_of(s.udp->udp_socket_stream(a, std::nullopt)) == ErrorCode::InvalidState);  // not bound
  s.bind(a, loopback4(0));
  s.bind(b, loopback4(0));
  auto a_address = value_of(s.udp->udp_socket_local_address(a));
  auto b_address = value_of(s.udp->udp_socket_local_address(b));
  CHECK(error_of(s.udp->udp_socket_remote_address(a)) == ErrorCode::InvalidState);

  auto [a_in, a_out] = value_of(s.udp->udp_socket_stream(a, std::nullopt));
  auto [b_in, b_out] = value_of(s.udp->udp_socket_stream(b, a_address));  // b is connected to a
  CHECK(value_of(s.udp->udp_socket_remote_address(b)) == a_address);
  CHECK_FALSE(s.udp->udp_socket_stream(a, std::nullopt));  // its streams are still there: a trap

  component::Borrow<ws::udp::OutgoingDatagramStream> a_send{a_out.rep}, b_send{b_out.rep};
  component::Borrow<ws::udp::IncomingDatagramStream> a_recv{a_in.rep}, b_recv{b_in.rep};
  CHECK(value_of(s.udp->incoming_datagram_stream_receive(b_recv, 4)).empty());
  CHECK_FALSE(s.ready(s.udp->incoming_datagram_stream_subscribe(b_recv)));

  // a sends two datagrams to b.
  CHECK(value_of(s.udp->outgoing_datagram_stream_check_send(a_send)) == 16);
  std::vector<ws::udp::OutgoingDatagram> two = {{{'o', 'n', 'e'}, b_address}, {{'t', 'w', 'o'}, b_address}};
  CHECK(value_of(s.udp->outgoing_datagram_stream_send(a_send, two)) == 2);
  // Without a check-send before it, a send is a trap.
  CHECK_FALSE(s.udp->outgoing_datagram_stream_send(a_send, two));
  s.block(s.udp->incoming_datagram_stream_subscribe(b_recv));
  std::vector<ws::udp::IncomingDatagram> got;
  while (got.size() < 2) {
    auto more = value_of(s.udp->incoming_datagram_stream_receive(b_recv, 16));
    got.insert(got.end(), more.begin(), more.end());
    if (got.size() < 2) s.block(s.udp->incoming_datagram_stream_subscribe(b_recv));
  }
  CHECK(got[0].data == std::vector<uint8_t>{'o', 'n', 'e'});
  CHECK(got[1].data == std::vector<uint8_t>{'t', 'w', 'o'});
  CHECK(got[0].remote_address == a_address);

  // b is connected: it sends without an address, and not to another one.
  CHECK(value_of(s.udp->outgoing_datagram_stream_check_send(b_send)) == 16);
  std::vector<ws::udp::OutgoingDatagram> elsewhere = {{{'x'}, loopback4(9)}};
  CHECK(error_of(s.udp->outgoing_datagram_stream_send(b_send, elsewhere)) == ErrorCode::InvalidArgument);
  CHECK(value_of(s.udp->outgoing_datagram_stream_check_send(b_send)) == 16);
  std::vector<ws::udp::OutgoingDatagram> reply = {{{'h', 'i'}, std::nullopt}};
  CHECK(value_of(s.udp->outgoing_datagram_stream_send(b_send, reply)) == 1);
  s.block(s.udp->incoming_datagram_stream_subscribe(a_recv));
  auto answer = value_of(s.udp->incoming_datagram_stream_receive(a_recv, 1));
  REQUIRE(answer.size() == 1);
  CHECK(answer[0].data == std::vector<uint8_t>{'h', 'i'});
  CHECK(answer[0].remote_address == b_address);

  // a is not connected: a datagram needs an address, and fits in 65535 bytes.
  CHECK(value_of(s.udp->outgoing_datagram_stream_check_send(a_send)) == 16);
  CHECK(error_of(s.udp->outgoing_datagram_stream_send(a_send, reply)) == ErrorCode::InvalidArgument);
  CHECK(value_of(s.udp->outgoing_datagram_stream_check_send(a_send)) == 16);
  std::vector<ws::udp::OutgoingDatagram> huge = {{std::vector<uint8_t>(70000), b_address}};
  CHECK(error_of(s.udp->outgoing_datagram_stream_send(a_send, huge)) == ErrorCode::DatagramTooLarge);

  // Once the streams are dropped, stream may be called again (and disconnects b).
  CHECK(s.udp->incoming_datagram_stream_drop(b_in));
  CHECK(s.udp->outgoing_datagram_stream_drop(b_out));
  auto again = value_of(s.udp->udp_socket_stream(b, std::nullopt));
  CHECK(error_of(s.udp->udp_socket_remote_address(b)) == ErrorCode::InvalidState);
  // Still bound for the guest, though Linux lets go of an ephemeral port on disconnect (so does
  // Wasmtime's: the address may read port 0).
  auto after = value_of(s.udp->udp_socket_local_address(b));
  CHECK(std::get<0>(after.v).address == std::get<0>(b_address.v).address);
  CHECK(s.udp->incoming_datagram_stream_drop(std::get<0>(again)));
  CHECK(s.udp->outgoing_datagram_stream_drop(std::get<1>(again)));
}

TEST_CASE("udp: binding checks the family, not the address kind; options") {
  Sockets s(kAll);
  auto v6 = s.new_udp(IpAddressFamily::Ipv6);
  CHECK(error_of(s.udp->udp_socket_start_bind(v6, s.net, loopback4(0))) == ErrorCode::InvalidArgument);
  CHECK(error_of(s.udp->udp_socket_finish_bind(v6)) == ErrorCode::NotInProgress);
  CHECK(error_of(s.udp->udp_socket_set_unicast_hop_limit(v6, 0)) == ErrorCode::InvalidArgument);
  value_of(s.udp->udp_socket_set_unicast_hop_limit(v6, 7));
  CHECK(value_of(s.udp->udp_socket_unicast_hop_limit(v6)) == 7);
  CHECK(s.ready(s.udp->udp_socket_subscribe(v6)));
  auto u = s.new_udp();
  value_of(s.udp->udp_socket_start_bind(u, s.net, loopback4(0)));
  CHECK(error_of(s.udp->udp_socket_start_bind(u, s.net, loopback4(0))) == ErrorCode::ConcurrencyConflict);
  value_of(s.udp->udp_socket_finish_bind(u));
  CHECK(error_of(s.udp->udp_socket_start_bind(u, s.net, loopback4(0))) == ErrorCode::InvalidState);
}

TEST_CASE("ip-name-lookup: addresses at once, localhost through the resolver, invalid names refused") {
  Sockets s(kAll);
  auto next_all = [&](component::Resource<ws::ip_name_lookup::ResolveAddressStream> stream) {
    component::Borrow<ws::ip_name_lookup::ResolveAddressStream> b{stream.rep};
    s.block(s.lookup->resolve_address_stream_subscribe(b));
    std::vector<ws::network::IpAddress> all;
    while (auto a = value_of(s.lookup->resolve_address_stream_resolve_next_address(b))) all.push_back(*a);
    CHECK(s.lookup->resolve_address_stream_drop(stream));
    return all;
  };
  using ws::network::IpAddress;
  auto v4 = IpAddress::ipv4({127, 0, 0, 1});
  auto v6 = IpAddress::ipv6({0, 0, 0, 0, 0, 0, 0, 1});
  CHECK(next_all(value_of(s.lookup->resolve_addresses(s.net, "127.0.0.1"))) == std::vector{v4});
  CHECK(next_all(value_of(s.lookup->resolve_addresses(s.net, "127.1"))) == std::vector{v4});  // a URL host
  CHECK(next_all(value_of(s.lookup->resolve_addresses(s.net, "::1"))) == std::vector{v6});
  CHECK(next_all(value_of(s.lookup->resolve_addresses(s.net, "[::1]"))) == std::vector{v6});
  auto local = next_all(value_of(s.lookup->resolve_addresses(s.net, "localhost")));
  CHECK(std::find(local.begin(), local.end(), v4) != local.end());
  CHECK(next_all(value_of(s.lookup->resolve_addresses(s.net, "0.0.0.0"))) == std::vector{IpAddress::ipv4({0, 0, 0, 0})});
  CHECK(next_all(value_of(s.lookup->resolve_addresses(s.net, "[::]"))) ==
        std::vector{IpAddress::ipv6({0, 0, 0, 0, 0, 0, 0, 0})});
  CHECK(next_all(value_of(s.lookup->resolve_addresses(s.net, "DEAD:BEEF::0"))) ==
        std::vector{IpAddress::ipv6({0xdead, 0xbeef, 0, 0, 0, 0, 0, 0})});
  for (const char* bad : {"", " ", "a b", "x/y", "a.b<&>", "[::1", "[nope]", "[::]:80", "1.2.3.256",
                          "127.0.0.1:80", "example.com:80", "http://example.com/"})
    CHECK_MESSAGE(error_of(s.lookup->resolve_addresses(s.net, bad)) == ErrorCode::InvalidArgument, bad);
  // A name no one has (the .invalid top-level domain is reserved for that, RFC 6761).
  auto none = value_of(s.lookup->resolve_addresses(s.net, "nothing-here.invalid"));
  component::Borrow<ws::ip_name_lookup::ResolveAddressStream> b{none.rep};
  s.block(s.lookup->resolve_address_stream_subscribe(b));
  auto r = s.lookup->resolve_address_stream_resolve_next_address(b);
  REQUIRE(r);
  CHECK_FALSE(r->is_ok());
}

namespace {

// A command component in text that imports wasi:sockets at 0.2.0 (matched against the host's
// 0.2.12 by add_to_linker's registration) and calls create-tcp-socket(ipv4); its run returns ok
// when the result's case and payload are what `check` (core wasm reading the return area at 16:
// case byte, payload at 20) accepts.
Expected<bool> create_tcp_socket_in_component(WasiP2Config::Sockets allowed, const std::string& check) {
  const std::string wat = R"((component
  (import "wasi:sockets/network@0.2.0" (instance $network
    (type (enum "unknown" "access-denied" "not-supported" "invalid-argument" "out-of-memory"
      "timeout" "concurrency-conflict" "not-in-progress" "would-block" "invalid-state" "new-socket-limit"
      "address-not-bindable" "address-in-use" "remote-unreachable" "connection-refused" "connection-reset"
      "connection-aborted" "datagram-too-large" "name-unresolvable" "temporary-resolver-failure"
      "permanent-resolver-failure"))
    (export "error-code" (type (eq 0)))
    (type (enum "ipv4" "ipv6"))
    (export "ip-address-family" (type (eq 2)))))
  (alias export $network "error-code" (type $error-code))
  (alias export $network "ip-address-family" (type $family))
  (import "wasi:sockets/tcp@0.2.0" (instance $tcp (export "tcp-socket" (type (sub resource)))))
  (alias export $tcp "tcp-socket" (type $socket))
  (import "wasi:sockets/tcp-create-socket@0.2.0" (instance $create
    (alias outer 1 $error-code (type))
    (export "error-code" (type (eq 0)))
    (alias outer 1 $family (type))
    (export "ip-address-family" (type (eq 2)))
    (alias outer 1 $socket (type))
    (export "tcp-socket" (type (eq 4)))
    (export "create-tcp-socket" (func (param "address-family" 3) (result (result (own 5) (error 1)))))))
  (core module $memory (memory (export "mem") 1))
  (core instance $mi (instantiate $memory))
  (alias core export $mi "mem" (core memory $mem))
  (core func $create_tcp (canon lower (func $create "create-tcp-socket") (memory $mem)))
  (core func $drop (canon resource.drop $socket))
  (core module $m
    (import "" "mem" (memory 1))
    (import "" "create" (func $create (param i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (result i32)
      (call $create (i32.const 0) (i32.const 16))
      )" + check + R"())
  (core instance $i (instantiate $m (with "" (instance (export "mem" (memory $mem))
    (export "create" (func $create_tcp)) (export "drop" (func $drop))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $r (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $r))))";
  auto created = Engine::create();
  if (!created) return created.error();
  auto bytes = text::parse_wat(wat, "sockets.wat");
  if (!bytes) return bytes.error();
  auto component = Component::from_binary(*created, *bytes);
  if (!component) return component.error();
  WasiP2Config config;
  config.sockets = allowed;
  auto wasi = WasiP2::create(std::move(config));
  if (!wasi) return wasi.error();
  component::Linker linker(*created);
  if (auto ok = (*wasi)->add_to_linker(linker); !ok) return ok.error();
  Store store(*created);
  auto instance = linker.instantiate(store, *component);
  if (!instance) return instance.error();
  auto run = instance->get_typed_func<component::Result<std::monostate, std::monostate>()>("wasi:cli/run@0.2.0", "run");
  if (!run) return run.error();
  auto result = run->call();
  if (!result) return result.error();
  return result->is_ok();
}

}  // namespace

TEST_CASE("a component importing wasi:sockets at 0.2.0 links to the host and gets access-denied or a socket") {
  // err(access-denied): case 1, payload 1.
  auto denied = create_tcp_socket_in_component(
      {}, "(i32.ne (i32.add (i32.load8_u (i32.const 16)) (i32.load8_u (i32.const 20))) (i32.const 2))");
  REQUIRE_MESSAGE(denied, (denied ? "" : denied.error().message));
  CHECK(*denied);
  // ok(handle): case 0; the handle is dropped.
  auto allowed = create_tcp_socket_in_component(
      {.tcp = true}, "(call $drop (i32.load (i32.const 20))) (i32.load8_u (i32.const 16))");
  REQUIRE_MESSAGE(allowed, (allowed ? "" : allowed.error().message));
  CHECK(*allowed);
}

namespace {

bool host_has_ipv6() {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// IPv4, and IPv6 where the host has a loopback for it.
std::vector<IpAddressFamily> test_families() {
  std::vector<IpAddressFamily> families = {IpAddressFamily::Ipv4};
  if (host_has_ipv6()) families.push_back(IpAddressFamily::Ipv6);
  return families;
}

IpSocketAddress loopback(IpAddressFamily family, uint16_t port) {
  return family == IpAddressFamily::Ipv4 ? loopback4(port) : loopback6(port);
}

// The options every TCP socket that is not connecting answers (Wasmtime's p2_tcp_states).
void check_tcp_options(Sockets& s, component::Borrow<ws::tcp::TcpSocket> t) {
  CHECK(s.tcp->tcp_socket_keep_alive_enabled(t)->is_ok());
  CHECK(s.tcp->tcp_socket_set_keep_alive_enabled(t, false)->is_ok());
  CHECK(s.tcp->tcp_socket_keep_alive_idle_time(t)->is_ok());
  CHECK(s.tcp->tcp_socket_set_keep_alive_idle_time(t, 1)->is_ok());
  CHECK(s.tcp->tcp_socket_keep_alive_interval(t)->is_ok());
  CHECK(s.tcp->tcp_socket_set_keep_alive_interval(t, 1)->is_ok());
  CHECK(s.tcp->tcp_socket_keep_alive_count(t)->is_ok());
  CHECK(s.tcp->tcp_socket_set_keep_alive_count(t, 1)->is_ok());
  CHECK(s.tcp->tcp_socket_hop_limit(t)->is_ok());
  CHECK(s.tcp->tcp_socket_set_hop_limit(t, 255)->is_ok());
  CHECK(s.tcp->tcp_socket_receive_buffer_size(t)->is_ok());
  CHECK(s.tcp->tcp_socket_set_receive_buffer_size(t, 16000)->is_ok());
  CHECK(s.tcp->tcp_socket_send_buffer_size(t)->is_ok());
  CHECK(s.tcp->tcp_socket_set_send_buffer_size(t, 16000)->is_ok());
}

void check_udp_options(Sockets& s, component::Borrow<ws::udp::UdpSocket> u) {
  CHECK(s.udp->udp_socket_unicast_hop_limit(u)->is_ok());
  CHECK(s.udp->udp_socket_set_unicast_hop_limit(u, 255)->is_ok());
  CHECK(s.udp->udp_socket_receive_buffer_size(u)->is_ok());
  CHECK(s.udp->udp_socket_set_receive_buffer_size(u, 16000)->is_ok());
  CHECK(s.udp->udp_socket_send_buffer_size(u)->is_ok());
  CHECK(s.udp->udp_socket_set_send_buffer_size(u, 16000)->is_ok());
}

}  // namespace

TEST_CASE("tcp: what each state allows (unbound, bound, listening, connected), both families") {
  Sockets s(kAll);
  for (IpAddressFamily family : test_families()) {
    CAPTURE(int(family));
    auto any = loopback(family, 0);
    auto unbound = s.new_tcp(family);
    CHECK(error_of(s.tcp->tcp_socket_finish_bind(unbound)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_finish_connect(unbound)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_start_listen(unbound)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_finish_listen(unbound)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_accept(unbound)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_shutdown(unbound, ws::tcp::ShutdownType::Both)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_local_address(unbound)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_remote_address(unbound)) == ErrorCode::InvalidState);
    CHECK_FALSE(*s.tcp->tcp_socket_is_listening(unbound));
    CHECK(*s.tcp->tcp_socket_address_family(unbound) == family);
    CHECK(s.tcp->tcp_socket_set_listen_backlog_size(unbound, 32)->is_ok());
    check_tcp_options(s, unbound);

    auto bound = s.new_tcp(family);
    s.bind(bound, any);
    CHECK(error_of(s.tcp->tcp_socket_start_bind(bound, s.net, any)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_finish_bind(bound)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_finish_connect(bound)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_finish_listen(bound)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_accept(bound)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_shutdown(bound, ws::tcp::ShutdownType::Both)) == ErrorCode::InvalidState);
    CHECK(s.tcp->tcp_socket_local_address(bound)->is_ok());
    CHECK(error_of(s.tcp->tcp_socket_remote_address(bound)) == ErrorCode::InvalidState);
    CHECK(s.tcp->tcp_socket_set_listen_backlog_size(bound, 32)->is_ok());
    check_tcp_options(s, bound);

    auto listening = s.new_tcp(family);
    s.bind(listening, any);
    value_of(s.tcp->tcp_socket_start_listen(listening));
    value_of(s.tcp->tcp_socket_finish_listen(listening));
    auto listener_address = value_of(s.tcp->tcp_socket_local_address(listening));
    CHECK(error_of(s.tcp->tcp_socket_start_bind(listening, s.net, any)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_start_connect(listening, s.net, listener_address)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_start_listen(listening)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_finish_listen(listening)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_shutdown(listening, ws::tcp::ShutdownType::Both)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_remote_address(listening)) == ErrorCode::InvalidState);
    CHECK(*s.tcp->tcp_socket_is_listening(listening));
    CHECK(s.tcp->tcp_socket_set_listen_backlog_size(listening, 32)->is_ok());
    check_tcp_options(s, listening);

    auto connected = s.new_tcp(family);
    value_of(s.tcp->tcp_socket_start_connect(connected, s.net, listener_address));
    s.block(s.tcp->tcp_socket_subscribe(connected));
    value_of(s.tcp->tcp_socket_finish_connect(connected));
    CHECK(error_of(s.tcp->tcp_socket_start_bind(connected, s.net, any)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_start_connect(connected, s.net, listener_address)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_finish_connect(connected)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.tcp->tcp_socket_start_listen(connected)) == ErrorCode::InvalidState);
    CHECK(error_of(s.tcp->tcp_socket_accept(connected)) == ErrorCode::InvalidState);
    CHECK(s.tcp->tcp_socket_local_address(connected)->is_ok());
    CHECK(value_of(s.tcp->tcp_socket_remote_address(connected)) == listener_address);
    CHECK_FALSE(*s.tcp->tcp_socket_is_listening(connected));
    check_tcp_options(s, connected);
  }
}

TEST_CASE("udp: what each state allows (unbound, bound, connected), both families") {
  Sockets s(kAll);
  for (IpAddressFamily family : test_families()) {
    CAPTURE(int(family));
    auto any = loopback(family, 0);
    auto unbound = s.new_udp(family);
    CHECK(error_of(s.udp->udp_socket_finish_bind(unbound)) == ErrorCode::NotInProgress);
    CHECK(error_of(s.udp->udp_socket_stream(unbound, std::nullopt)) == ErrorCode::InvalidState);
    CHECK(error_of(s.udp->udp_socket_local_address(unbound)) == ErrorCode::InvalidState);
    CHECK(error_of(s.udp->udp_socket_remote_address(unbound)) == ErrorCode::InvalidState);
    CHECK(*s.udp->udp_socket_address_family(unbound) == family);
    check_udp_options(s, unbound);

    auto bound = s.new_udp(family);
    s.bind(bound, any);
    CHECK(error_of(s.udp->udp_socket_start_bind(bound, s.net, any)) == ErrorCode::InvalidState);
    CHECK(error_of(s.udp->udp_socket_finish_bind(bound)) == ErrorCode::NotInProgress);
    CHECK(s.udp->udp_socket_local_address(bound)->is_ok());
    CHECK(error_of(s.udp->udp_socket_remote_address(bound)) == ErrorCode::InvalidState);
    check_udp_options(s, bound);

    auto connected = s.new_udp(family);
    s.bind(connected, any);
    auto [in, out] = value_of(s.udp->udp_socket_stream(connected, loopback(family, 54321)));
    CHECK(s.udp->incoming_datagram_stream_drop(in));
    CHECK(s.udp->outgoing_datagram_stream_drop(out));
    CHECK(error_of(s.udp->udp_socket_start_bind(connected, s.net, any)) == ErrorCode::InvalidState);
    CHECK(error_of(s.udp->udp_socket_finish_bind(connected)) == ErrorCode::NotInProgress);
    CHECK(s.udp->udp_socket_local_address(connected)->is_ok());
    CHECK(value_of(s.udp->udp_socket_remote_address(connected)) == loopback(family, 54321));
    check_udp_options(s, connected);
  }
}

TEST_CASE("tcp bind: ephemeral ports, address-in-use, address-not-bindable, and SO_REUSEADDR past TIME_WAIT") {
  Sockets s(kAll);
  auto wildcard = IpSocketAddress::ipv4({0, {0, 0, 0, 0}});
  auto a = s.new_tcp();
  s.bind(a, wildcard);
  auto bound = value_of(s.tcp->tcp_socket_local_address(a));
  CHECK(port_of(bound) != 0);
  CHECK(std::get<0>(bound.v).address == std::get<0>(wildcard.v).address);
  value_of(s.tcp->tcp_socket_start_listen(a));
  value_of(s.tcp->tcp_socket_finish_listen(a));
  auto b = s.new_tcp();
  CHECK(error_of(s.tcp->tcp_socket_start_bind(b, s.net, bound)) == ErrorCode::AddressInUse);
  // 192.0.2.0/24 is for documentation (RFC 5737): no interface has it.
  CHECK(error_of(s.tcp->tcp_socket_start_bind(b, s.net, IpSocketAddress::ipv4({0, {192, 0, 2, 0}}))) ==
        ErrorCode::AddressNotBindable);
  CHECK(error_of(s.tcp->tcp_socket_start_bind(b, s.net, IpSocketAddress::ipv4({0, {255, 255, 255, 255}}))) ==
        ErrorCode::InvalidArgument);

  // A listener whose accepted connection closed first leaves it in TIME_WAIT; a new listener
  // binds the same port all the same.
  auto listener = s.new_tcp();
  s.bind(listener, loopback4(0));
  value_of(s.tcp->tcp_socket_start_listen(listener));
  value_of(s.tcp->tcp_socket_finish_listen(listener));
  auto address = value_of(s.tcp->tcp_socket_local_address(listener));
  int client = connect_client(port_of(address));
  s.block(s.tcp->tcp_socket_subscribe(listener));
  auto [conn, in, out] = value_of(s.tcp->tcp_socket_accept(listener));
  s.wasi->remove<InputStreamObject>(in);
  s.wasi->remove<OutputStreamObject>(out);
  CHECK(s.tcp->tcp_socket_drop(conn));
  CHECK(s.tcp->tcp_socket_drop(component::Resource<ws::tcp::TcpSocket>{listener.rep}));
  auto again = s.new_tcp();
  s.bind(again, address);
  value_of(s.tcp->tcp_socket_start_listen(again));
  ::close(client);
}

TEST_CASE("lookup names: URL hosts, and domains in punycode (RFC 3492's samples)") {
  using sockets::parse_name;
  auto domain = [](const char* name) {
    auto p = sockets::parse_name(name);
    CHECK(p.valid);
    CHECK_FALSE(p.address);
    return p.domain;
  };
  CHECK(domain("Example.COM") == "example.com");
  CHECK(domain("münchen.de") == "xn--mnchen-3ya.de");
  CHECK(domain("Bücher.example") == "xn--bcher-kva.example");
  CHECK(domain("3年B組金八先生") == "xn--3b-ww4c5e180e575a65lsy2b");
  CHECK(domain("\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F") ==
        "xn--egbpdaj6bu4bxfgehfvwxn");
  CHECK(domain("foo.bar.") == "foo.bar.");
  auto v4 = parse_name("0x7f.1");
  REQUIRE(v4.address);
  CHECK(*v4.address == ws::network::IpAddress::ipv4({127, 0, 0, 1}));
  CHECK_FALSE(parse_name("foo.123").valid);  // ends in a number, but not an IPv4 address
  CHECK_FALSE(parse_name("a\x7f").valid);
}

TEST_CASE("tcp: what waits to be sent still goes after shutdown(send), while the guest only reads") {
  // Wasmtime's p2_tcp_streams "shutdown should not lose data": the bytes a small send buffer
  // does not take at once are sent in the background while the guest blocks reading the peer.
  Sockets s(kAll);
  auto listener = s.new_tcp();
  s.bind(listener, loopback4(0));
  value_of(s.tcp->tcp_socket_start_listen(listener));
  value_of(s.tcp->tcp_socket_finish_listen(listener));
  auto address = value_of(s.tcp->tcp_socket_local_address(listener));
  auto client = s.new_tcp();
  value_of(s.tcp->tcp_socket_start_connect(client, s.net, address));
  s.block(s.tcp->tcp_socket_subscribe(client));
  auto [client_in, client_out] = value_of(s.tcp->tcp_socket_finish_connect(client));
  s.block(s.tcp->tcp_socket_subscribe(listener));
  auto [server, server_in, server_out] = value_of(s.tcp->tcp_socket_accept(listener));

  // Small buffers on both sides, so that the kernel cannot take it all at once.
  value_of(s.tcp->tcp_socket_set_send_buffer_size(client, 1024));
  value_of(s.tcp->tcp_socket_set_receive_buffer_size(component::Borrow<ws::tcp::TcpSocket>{server.rep}, 1024));
  uint64_t small = value_of(s.tcp->tcp_socket_send_buffer_size(client));
  OutputStream& out = s.output(client_out);
  auto grant = out.check_write();
  REQUIRE(grant.is_ok());
  size_t big = size_t(std::min<uint64_t>(grant.value(), 100 * small));
  REQUIRE(big > small);
  std::vector<uint8_t> data(big);
  for (size_t i = 0; i < big; ++i) data[i] = uint8_t(i % 253);
  REQUIRE(out.write(data).is_ok());
  value_of(s.tcp->tcp_socket_shutdown(client, ws::tcp::ShutdownType::Send));
  // Nothing more may be written: closed, or (as in Wasmtime) no grant while the rest drains.
  auto after = out.check_write();
  CHECK((!after.is_ok() || after.value() == 0));

  InputStream& in = s.input(server_in);
  std::vector<uint8_t> received;
  for (;;) {
    auto r = in.read(1 << 16);
    if (!r.is_ok()) {
      CHECK_FALSE(r.error().error.has_value());  // the end, not a failure
      break;
    }
    if (r.value().empty()) {
      auto p = in.subscribe();
      Pollable* list[] = {p.get()};
      s.wasi->waiter().wait(list);
    }
    received.insert(received.end(), r.value().begin(), r.value().end());
  }
  CHECK(received == data);
}

TEST_CASE("udp stream: connect, reconnect, disconnect; the addresses it refuses (Wasmtime's p2_udp_connect)") {
  Sockets s(kAll);
  auto stream = [&](component::Borrow<ws::udp::UdpSocket> u, std::optional<IpSocketAddress> remote) {
    auto r = s.udp->udp_socket_stream(u, remote);
    REQUIRE(r);
    if (!r->is_ok()) return r->error();
    auto [in, out] = r->value();
    CHECK(s.udp->incoming_datagram_stream_drop(in));
    CHECK(s.udp->outgoing_datagram_stream_drop(out));
    return ErrorCode::Unknown;  // no error
  };
  constexpr ErrorCode kOk = ErrorCode::Unknown;
  for (IpAddressFamily family : test_families()) {
    CAPTURE(int(family));
    auto unspecified = family == IpAddressFamily::Ipv4 ? IpSocketAddress::ipv4({0, {0, 0, 0, 0}})
                                                       : IpSocketAddress::ipv6({0, 0, {0, 0, 0, 0, 0, 0, 0, 0}, 0});
    auto remote1 = loopback(family, 4321), remote2 = loopback(family, 4320);
    auto client = s.new_udp(family);
    CHECK(stream(client, remote1) == ErrorCode::InvalidState);  // not bound
    s.bind(client, unspecified);
    CHECK(stream(client, std::nullopt) == kOk);
    CHECK(error_of(s.udp->udp_socket_remote_address(client)) == ErrorCode::InvalidState);
    CHECK(stream(client, remote1) == kOk);
    CHECK(value_of(s.udp->udp_socket_remote_address(client)) == remote1);
    CHECK(stream(client, remote1) == kOk);
    CHECK(stream(client, remote2) == kOk);
    CHECK(value_of(s.udp->udp_socket_remote_address(client)) == remote2);
    CHECK(stream(client, std::nullopt) == kOk);
    CHECK(error_of(s.udp->udp_socket_remote_address(client)) == ErrorCode::InvalidState);
    CHECK(s.udp->udp_socket_local_address(client)->is_ok());  // still bound
    CHECK(stream(client, remote1) == kOk);
    CHECK(value_of(s.udp->udp_socket_remote_address(client)) == remote1);

    auto unspecified_47 = family == IpAddressFamily::Ipv4 ? IpSocketAddress::ipv4({47, {0, 0, 0, 0}})
                                                          : IpSocketAddress::ipv6({47, 0, {0, 0, 0, 0, 0, 0, 0, 0}, 0});
    CHECK(stream(client, unspecified_47) == ErrorCode::InvalidArgument);
    CHECK(stream(client, loopback(family, 0)) == ErrorCode::InvalidArgument);
    auto wrong = family == IpAddressFamily::Ipv4 ? loopback6(47) : loopback4(47);
    CHECK(stream(client, wrong) == ErrorCode::InvalidArgument);
    if (family == IpAddressFamily::Ipv6)
      CHECK(stream(client, IpSocketAddress::ipv6({47, 0, {0, 0, 0, 0, 0, 0xffff, 0x7f00, 1}, 0})) ==
            ErrorCode::InvalidArgument);

    // Ready means ready: a connected socket's outgoing stream sends at once.
    for (int i = 0; i < 64; ++i) {
      auto u = s.new_udp(family);
      s.bind(u, loopback(family, 0));
      auto [in, out] = value_of(s.udp->udp_socket_stream(u, remote2));
      component::Borrow<ws::udp::OutgoingDatagramStream> send{out.rep};
      s.block(s.udp->outgoing_datagram_stream_subscribe(send));
      CHECK(value_of(s.udp->outgoing_datagram_stream_check_send(send)) > 0);
      std::vector<ws::udp::OutgoingDatagram> hello = {{{'h', 'e', 'l', 'l', 'o'}, std::nullopt}};
      CHECK(value_of(s.udp->outgoing_datagram_stream_send(send, hello)) == 1);
      CHECK(s.udp->incoming_datagram_stream_drop(in));
      CHECK(s.udp->outgoing_datagram_stream_drop(out));
      CHECK(s.udp->udp_socket_drop(component::Resource<ws::udp::UdpSocket>{u.rep}));
    }
  }
}

TEST_CASE("tcp echo and a lookup waiting on the event loop (LoopWaiter) instead of poll(2)") {
  auto loop = http::EventLoop::create();
  REQUIRE(loop);
  LoopWaiter waiter(**loop);
  EchoServer server;
  Sockets s(kAll);
  s.wasi->set_waiter(&waiter);
  auto t = s.new_tcp();
  value_of(s.tcp->tcp_socket_start_connect(t, s.net, loopback4(server.port)));
  s.block(s.tcp->tcp_socket_subscribe(t));
  auto [in, out] = value_of(s.tcp->tcp_socket_finish_connect(t));
  s.write_all(s.output(out), "over the loop");
  CHECK(s.read_exactly(s.input(in), 13) == "over the loop");
  value_of(s.tcp->tcp_socket_shutdown(t, ws::tcp::ShutdownType::Send));

  auto lookup = value_of(s.lookup->resolve_addresses(s.net, "localhost"));
  component::Borrow<ws::ip_name_lookup::ResolveAddressStream> b{lookup.rep};
  s.block(s.lookup->resolve_address_stream_subscribe(b));
  CHECK(value_of(s.lookup->resolve_address_stream_resolve_next_address(b)).has_value());
  s.wasi->set_waiter(nullptr);
}
