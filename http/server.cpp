#include "http/server.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>

#include <fmt/format.h>

#include "http/server_http1.h"
#include "http/socket.h"

namespace wasmrun::http {

Expected<std::unique_ptr<ServerLoop>> ServerLoop::create(EventLoop& loop, const ServerConfig& config,
                                                         Handler handler, uint16_t port_override) {
  std::shared_ptr<TlsServerContext> tls;
  if (config.tls) {
    auto ctx = TlsServerContext::create(*config.tls);
    if (!ctx) return ctx.error();
    tls = ctx.take();
  }
  auto address = SocketAddress::parse(config.host, port_override ? port_override : config.port);
  if (!address) return address.error();
  auto fd = listen_tcp(*address, /*reuse_port=*/true);
  if (!fd) return fd.error();
  auto bound = local_address(*fd);
  if (!bound) {
    close(*fd);
    return bound.error();
  }
  std::unique_ptr<ServerLoop> server(
      new ServerLoop(loop, config, std::move(handler), *fd, bound->port(), std::move(tls)));
  auto watched = loop.watch(*fd, EPOLLIN, server.get());
  if (!watched) return watched.error();
  return server;
}

ServerLoop::ServerLoop(EventLoop& loop, const ServerConfig& config, Handler handler, int listen_fd,
                       uint16_t port, std::shared_ptr<TlsServerContext> tls)
    : loop_(loop),
      config_(config),
      handler_(std::move(handler)),
      listen_fd_(listen_fd),
      port_(port),
      tls_(std::move(tls)),
      accept_retry_(loop, [this] { retry_accept(); }),
      accept_again_(loop, [this] { retry_accept(); }) {}

ServerLoop::~ServerLoop() {
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    close(listen_fd_);
  }
  std::vector<ServerConnection*> open;
  for (auto& [raw, conn] : connections_) open.push_back(raw);
  for (ServerConnection* c : open) c->close_now();
  // release() deferred the deletions; run them now while this loop object still exists.
  loop_.run_once(Duration::zero());
}

void ServerLoop::on_io(uint32_t) {
  while (listen_fd_ >= 0) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        // EMFILE, ENFILE, ENOBUFS, ENOMEM: the listener is edge-triggered, so the connections
        // left in the queue would wait for a new arrival that may never come. Accept again as
        // soon as one of ours closes, and on a timer for descriptors freed elsewhere.
        accept_blocked_ = true;
        accept_retry_.arm_after(kAcceptRetryDelay);
      }
      return;
    }
    ++accepted_;
    set_nodelay(fd);
    std::unique_ptr<Transport> transport;
    if (tls_) {
      transport = TlsTransport::accept(fd, *tls_);
      if (!transport) {
        close(fd);
        continue;
      }
    } else {
      transport = std::make_unique<Transport>(fd);
    }
    auto conn = std::make_unique<Http1ServerConnection>(*this, std::move(transport));
    Http1ServerConnection* raw = conn.get();
    connections_.emplace(raw, std::move(conn));
    if (!raw->start()) {
      raw->close_now();
      continue;
    }
    // Bytes (or a TLS ClientHello) may already be waiting: edge-triggered registration after
    // arrival still reports them, so nothing more to do here.
  }
}

void ServerLoop::retry_accept() {
  if (!accept_blocked_) return;
  accept_blocked_ = false;
  accept_retry_.cancel();
  on_io(EPOLLIN);
}

void ServerLoop::release(ServerConnection* connection) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  ServerConnection* raw = it->second.release();
  connections_.erase(it);
  loop_.defer([raw] { delete raw; });
  if (accept_blocked_) accept_again_.schedule();  // its descriptor is closed by now
  check_shutdown_done();
}

void ServerLoop::replace(ServerConnection* old, std::unique_ptr<ServerConnection> replacement) {
  auto it = connections_.find(old);
  ServerConnection* raw = replacement.get();
  connections_.emplace(raw, std::move(replacement));
  if (it != connections_.end()) {
    ServerConnection* dead = it->second.release();
    connections_.erase(it);
    loop_.defer([dead] { delete dead; });
  }
}

void ServerLoop::shutdown(Duration grace, std::function<void()> done) {
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    close(listen_fd_);
    listen_fd_ = -1;
  }
  std::vector<ServerConnection*> open;
  for (auto& [raw, conn] : connections_) open.push_back(raw);
  for (ServerConnection* c : open) c->drain();
  shutdown_timer_ = std::make_unique<Timer>(loop_, [this] {
    std::vector<ServerConnection*> left;
    for (auto& [raw, conn] : connections_) left.push_back(raw);
    for (ServerConnection* c : left) c->close_now();
  });
  shutdown_timer_->arm_after(grace);
  check_shutdown_done();
}

void ServerLoop::check_shutdown_done() {
  if (!shutting_down_ || !connections_.empty() || !shutdown_done_) return;
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  if (shutdown_timer_) shutdown_timer_->cancel();
  loop_.defer(std::move(done));
}

Expected<std::unique_ptr<Server>> Server::start(const ServerConfig& config, Handler handler) {
  std::unique_ptr<Server> server(new Server());
  int threads = config.threads > 0 ? config.threads : 1;
  uint16_t port = config.port;
  for (int i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    auto loop = EventLoop::create();
    if (!loop) return loop.error();
    worker->loop = loop.take();
    auto sl = ServerLoop::create(*worker->loop, config, handler, port);
    if (!sl) return sl.error();
    worker->server = sl.take();
    port = worker->server->port();  // an ephemeral port is shared by the other loops
    server->workers_.push_back(std::move(worker));
  }
  server->port_ = port;
  for (auto& w : server->workers_) {
    Worker* raw = w.get();
    w->thread = std::thread([raw] { raw->loop->run(); });
  }
  return server;
}

void Server::shutdown(Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  for (auto& w : workers_) {
    Worker* raw = w.get();
    raw->loop->post([raw, grace] {
      raw->server->shutdown(grace, [raw] { raw->loop->stop(); });
    });
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
    w->server.reset();
  }
}

uint64_t Server::accepted_count() const {
  uint64_t n = 0;
  for (auto& w : workers_) n += w->server ? w->server->accepted_count() : 0;
  return n;
}

size_t Server::connection_count() const {
  if (stopped_) return 0;
  std::vector<std::future<size_t>> counts;
  for (auto& w : workers_) {
    auto promise = std::make_shared<std::promise<size_t>>();
    counts.push_back(promise->get_future());
    ServerLoop* loop = w->server.get();
    w->loop->post([promise, loop] { promise->set_value(loop->connection_count()); });
  }
  size_t n = 0;
  for (auto& c : counts) n += c.get();
  return n;
}

Server::~Server() { shutdown(Duration::zero()); }

}  // namespace wasmrun::http
