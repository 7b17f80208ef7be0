#include "http/client_pool.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "http/client_http1.h"
#include "http/client_http2.h"

namespace wasmrun::http {

namespace {
ErrorCode connect_error(int e, const std::string& where) {
  ErrorKind kind;
  switch (e) {
    case ECONNREFUSED: kind = ErrorKind::connection_refused; break;
    case ENETUNREACH: kind = ErrorKind::destination_ip_unroutable; break;
    case EHOSTUNREACH: kind = ErrorKind::destination_unavailable; break;
    case EACCES:
    case EPERM: kind = ErrorKind::destination_ip_prohibited; break;
    case ETIMEDOUT: kind = ErrorKind::connection_timeout; break;
    case ECONNRESET:
    case EPIPE: kind = ErrorKind::connection_terminated; break;
    default: kind = ErrorKind::destination_unavailable; break;
  }
  return ErrorCode::make(kind, fmt::format("connect to {}: {}", where, std::strerror(e)));
}
}  // namespace

HostPool::HostPool(Client& c, std::string k, std::string s, std::string h, uint16_t p)
    : client(c), key(std::move(k)), scheme(std::move(s)), host(std::move(h)), port(p), tls(scheme == "https") {}

HostPool::~HostPool() = default;

void HostPool::enqueue(std::shared_ptr<ClientExchange> exchange) {
  if (pending.size() >= client.options().max_queued_per_pool) {
    exchange->deliver_error(ErrorCode::make(
        ErrorKind::connection_limit_reached,
        fmt::format("{} requests already wait for a connection to {}", pending.size(), key)));
    return;
  }
  pending.push_back(std::move(exchange));
  dispatch();
}

void HostPool::dispatch() {
  if (dispatching) return;
  dispatching = true;
  while (!pending.empty()) {
    auto& ex = pending.front();
    if (ex->failed() || ex->response_pipe().abandoned()) {  // failed or cancelled while queued
      pending.pop_front();
      continue;
    }
    ClientConnection* best = nullptr;
    for (auto& [raw, c] : connections) {
      if (!raw->has_capacity()) continue;
      best = raw;
      if (raw->is_http2()) break;
    }
    if (!best) break;
    auto exchange = std::move(pending.front());
    pending.pop_front();
    best->submit(std::move(exchange));
  }
  // Open connections for what still waits, within the limit. One HTTP/2 connection serves
  // everyone, but until a connection exists we cannot know which protocol it will speak.
  bool h2_open = false;
  for (auto& [raw, c] : connections) h2_open |= raw->is_http2();
  // When HTTP/2 is expected (prior knowledge, or ALPN may pick it and nothing said otherwise
  // yet), one connection is opened and everyone waits for it to multiplex.
  bool may_be_h2 = false;
  if (!tls) {
    may_be_h2 = client.options().h2c_prior_knowledge;
  } else if (!spoke_http1) {
    for (const std::string& p : client.options().tls.alpn) may_be_h2 |= p == "h2";
  }
  size_t wanted = h2_open ? 0 : may_be_h2 ? std::min<size_t>(pending.size(), 1) : pending.size();
  while (connectors.size() < wanted &&
         connections.size() + connectors.size() < client.options().max_connections_per_pool) {
    Duration timeout = client.options().connect_timeout;
    if (auto t = pending.front()->options().connect_timeout) timeout = *t;
    auto connector = std::make_unique<Connector>(*this, timeout);
    Connector* raw = connector.get();
    connectors.emplace(raw, std::move(connector));
    raw->start();
  }
  dispatching = false;
}

void HostPool::on_connected(Connector* connector, std::unique_ptr<Transport> transport) {
  auto it = connectors.find(connector);
  if (it != connectors.end()) {
    Connector* raw = it->second.release();
    connectors.erase(it);
    client.loop().defer([raw] { delete raw; });
  }
  ++client.mutable_stats().connections_opened;
  bool h2 = transport->alpn() == "h2" || (!tls && client.options().h2c_prior_knowledge);
  if (!h2) spoke_http1 = true;
  std::unique_ptr<ClientConnection> conn;
  Expected<void> started;
  if (h2) {
    auto c = std::make_unique<Http2ClientConnection>(*this, std::move(transport));
    started = c->start();
    conn = std::move(c);
  } else {
    auto c = std::make_unique<Http1ClientConnection>(*this, std::move(transport));
    started = c->start();
    conn = std::move(c);
  }
  if (!started) {
    ErrorCode e = ErrorCode::make(ErrorKind::internal_error, started.error().message);
    client.loop().defer([raw = conn.release()] { delete raw; });
    on_connect_failed(nullptr, e);
    return;
  }
  ClientConnection* raw = conn.get();
  connections.emplace(raw, std::move(conn));
  dispatch();
}

void HostPool::on_connect_failed(Connector* connector, ErrorCode error) {
  auto it = connectors.find(connector);
  if (it != connectors.end()) {
    Connector* raw = it->second.release();
    connectors.erase(it);
    client.loop().defer([raw] { delete raw; });
  }
  // Everyone waiting for this destination would meet the same failure.
  auto waiting = std::move(pending);
  pending.clear();
  for (auto& ex : waiting) ex->deliver_error(error);
}

void HostPool::on_connection_idle(ClientConnection* connection) {
  if (!pending.empty()) {
    dispatch();
    return;
  }
  size_t idle = 0;
  for (auto& [raw, c] : connections) idle += raw->idle();
  if (idle > client.options().max_idle_per_pool)
    connection->close_now(ErrorCode::make(ErrorKind::connection_terminated, "too many idle connections"));
}

void HostPool::release(ClientConnection* connection) {
  auto it = connections.find(connection);
  if (it == connections.end()) return;
  ClientConnection* raw = it->second.release();
  connections.erase(it);
  client.loop().defer([raw] { delete raw; });
  if (!pending.empty()) dispatch();
}

Connector::Connector(HostPool& pool, Duration timeout)
    : pool_(pool), timeout_(timeout), timer_(pool.client.loop(), [this] {
        fail(ErrorCode::make(
            ErrorKind::connection_timeout,
            fmt::format("connecting to {}:{} took longer than {} ms", pool_.host, pool_.port,
                        std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count())));
      }) {}

Connector::~Connector() {
  if (watching_ && fd_ >= 0 && !transport_) pool_.client.loop().unwatch(fd_);
  if (fd_ >= 0 && !transport_ && !finished_) close(fd_);
}

void Connector::start() {
  pool_.client.resolver().resolve(pool_.host, pool_.port, [this](ResolveResult result) {
    if (finished_) return;
    if (result.error) {
      fail(std::move(*result.error));
      return;
    }
    addresses_ = std::move(result.addresses);
    timer_.arm(Clock::now() + timeout_);
    try_next_address();
  });
}

void Connector::try_next_address() {
  while (next_ < addresses_.size()) {
    const SocketAddress& a = addresses_[next_++];
    int immediate = 0;
    auto fd = start_connect(a, immediate);
    if (!fd) {
      last_error_ = connect_error(immediate, a.to_string());
      continue;
    }
    fd_ = *fd;
    if (!pool_.client.loop().watch(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP, this)) {
      close(fd_);
      fd_ = -1;
      last_error_ = ErrorCode::make(ErrorKind::internal_error, "cannot register a socket");
      continue;
    }
    watching_ = true;
    return;
  }
  fail(last_error_ ? *last_error_
                   : ErrorCode::make(ErrorKind::destination_not_found,
                                     fmt::format("no address for {}", pool_.host)));
}

void Connector::on_io(uint32_t events) {
  if (finished_) return;
  if (!connected_) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int e = connect_result(fd_);
    if (e != 0) {
      pool_.client.loop().unwatch(fd_);
      watching_ = false;
      close(fd_);
      std::string where = addresses_[next_ - 1].to_string();
      fd_ = -1;
      last_error_ = connect_error(e, where);
      try_next_address();
      return;
    }
    connected_ = true;
    if (pool_.tls) {
      auto ctx = pool_.client.tls_context();
      if (ctx) transport_ = TlsTransport::connect(fd_, **ctx, pool_.host);
      if (!transport_) {
        fail(ErrorCode::make(ErrorKind::configuration_error, "cannot create a TLS session"));
        return;
      }
    } else {
      transport_ = std::make_unique<Transport>(fd_);
    }
  }
  IoResult r = transport_->handshake();
  if (r.status == IoStatus::would_block) return;
  if (r.status != IoStatus::ok) {
    fail(static_cast<TlsTransport&>(*transport_).handshake_error());
    return;
  }
  succeed();
}

void Connector::succeed() {
  finished_ = true;
  timer_.cancel();
  watching_ = false;
  fd_ = -1;  // owned by the transport, which goes to the connection
  pool_.on_connected(this, std::move(transport_));  // the connection re-registers the fd
}

void Connector::fail(ErrorCode error) {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  if (watching_ && fd_ >= 0) pool_.client.loop().unwatch(fd_);
  watching_ = false;
  if (transport_) transport_.reset();  // closes fd_
  else if (fd_ >= 0) close(fd_);
  fd_ = -1;
  pool_.on_connect_failed(this, std::move(error));
}

}  // namespace wasmrun::http
