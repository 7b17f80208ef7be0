// The HTTP server: one ServerLoop per event loop, each with its own SO_REUSEPORT listener, and
// Server to run N of them on N threads. Every connection starts as HTTP/1.1 and becomes HTTP/2
// when it opens with the HTTP/2 preface (h2c prior knowledge) or TLS ALPN chose "h2".
//
//   ServerConfig config;
//   config.port = 8080;
//   config.threads = 2;
//   auto server = Server::start(config, [](std::shared_ptr<ServerExchange> ex) {
//     ex->respond(200, {{"content-type", "text/plain"}}, "hello");
//   });
//   ...
//   (*server)->shutdown(std::chrono::seconds(5));   // graceful: stop accepting, finish, close
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/event_loop.h"
#include "http/http1_parser.h"
#include "http/server_exchange.h"
#include "http/tls.h"

namespace wasmrun::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port, shared by all loops
  int threads = 1;
  std::optional<TlsServerOptions> tls;
  bool h2c = true;  // accept HTTP/2 with prior knowledge on cleartext connections

  ParserLimits limits;  // request line, field section, body size (413 past max_body)
  Duration header_timeout = std::chrono::seconds(10);  // first byte to end of head (408)
  // A request body's minimum data rate (as nginx's client_body_timeout and Kestrel's
  // MinRequestBodyDataRate): every body_timeout must bring body_min_bytes (or the rest of the
  // body), else 408. Time the peer cannot send (the handler has not consumed) does not count.
  Duration body_timeout = std::chrono::seconds(30);
  uint64_t body_min_bytes = 16 * 1024;
  Duration idle_timeout = std::chrono::seconds(60);    // keep-alive connection with no request
  Duration write_timeout = std::chrono::seconds(30);   // the peer reads nothing we send
  Duration linger_timeout = std::chrono::seconds(2);   // reading after our FIN before closing
  size_t body_high_water = BodyPipe::kDefaultHighWater;
  // HTTP/1.1: whether a client that shuts its write side while its request is in flight still
  // gets the response (a half-close). Off, as hyper's default (half_close) and nginx's: the end
  // of the client's stream then means it went away, and the exchange is cancelled (as an HTTP/2
  // RST_STREAM cancels a stream), so a handler waiting for something is stopped.
  bool half_close = false;

  uint32_t h2_max_concurrent_streams = 128;
  uint32_t h2_stream_window = 256 * 1024;     // initial per-stream receive window
  uint32_t h2_connection_window = 1024 * 1024;
};

class ServerConnection;

// The window of a request body's minimum data rate (ServerConfig::body_timeout and
// body_min_bytes). A window closes, and the next begins, once it brought body_min_bytes; a byte
// at a time does not keep the connection for ever, as a gap timer restarted per read would.
class BodyRateWindow {
 public:
  // A new window from `now` (the body starts, or the peer was unable to send until now).
  void restart(Clock::time_point now) {
    start_ = now;
    bytes_ = 0;
  }
  void add(uint64_t bytes, Clock::time_point now, uint64_t min_bytes) {
    bytes_ += bytes;
    if (bytes_ >= min_bytes) restart(now);
  }
  Clock::time_point deadline(Duration window) const { return start_ + window; }

 private:
  Clock::time_point start_{};
  uint64_t bytes_ = 0;
};

// The server on one event loop.
class ServerLoop : public IoWatcher {
 public:
  // Listens on config.host:config.port (SO_REUSEPORT), or on `port_override` when non-zero.
  static Expected<std::unique_ptr<ServerLoop>> create(EventLoop& loop, const ServerConfig& config,
                                                      Handler handler, uint16_t port_override = 0);
  ~ServerLoop() override;

  uint16_t port() const { return port_; }
  EventLoop& loop() { return loop_; }
  const ServerConfig& config() const { return config_; }
  const Handler& handler() const { return handler_; }
  TlsServerContext* tls() const { return tls_.get(); }

  // Graceful shutdown: stop accepting, let in-flight exchanges finish (HTTP/2: GOAWAY), close
  // idle connections; at `grace` close whatever remains. `done` runs when all are closed.
  void shutdown(Duration grace, std::function<void()> done);
  size_t connection_count() const { return connections_.size(); }
  uint64_t accepted_count() const { return accepted_; }

  // ---- for connections ----
  void on_io(uint32_t events) override;
  // Deletes `connection` after the current batch.
  void release(ServerConnection* connection);
  // Puts `replacement` in the place of `old` (HTTP/1.1 → HTTP/2 switch); the caller moves the
  // fd's registration over (EventLoop::rewatch).
  void replace(ServerConnection* old, std::unique_ptr<ServerConnection> replacement);

 private:
  ServerLoop(EventLoop& loop, const ServerConfig& config, Handler handler, int listen_fd,
             uint16_t port, std::shared_ptr<TlsServerContext> tls);
  void check_shutdown_done();
  void retry_accept();

  // How long accepting waits after running out of descriptors, unless a connection closes first.
  static constexpr Duration kAcceptRetryDelay = std::chrono::milliseconds(100);

  EventLoop& loop_;
  ServerConfig config_;
  Handler handler_;
  int listen_fd_;
  uint16_t port_;
  std::shared_ptr<TlsServerContext> tls_;
  std::unordered_map<ServerConnection*, std::unique_ptr<ServerConnection>> connections_;
  std::atomic<uint64_t> accepted_{0};
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
  std::unique_ptr<Timer> shutdown_timer_;
  bool accept_blocked_ = false;  // accept failed for lack of descriptors or memory
  Timer accept_retry_;
  DeferredCall accept_again_;
};

// N ServerLoops on N threads.
class Server {
 public:
  static Expected<std::unique_ptr<Server>> start(const ServerConfig& config, Handler handler);
  ~Server();
  uint16_t port() const { return port_; }
  // Graceful shutdown of every loop (see ServerLoop::shutdown); blocks until all threads end.
  void shutdown(Duration grace);
  // Connections accepted so far, over all loops.
  uint64_t accepted_count() const;
  // Connections open now, over all loops (asks each loop; blocks briefly).
  size_t connection_count() const;

 private:
  Server() = default;
  struct Worker {
    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<ServerLoop> server;
    std::thread thread;
  };
  std::vector<std::unique_ptr<Worker>> workers_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

// The base of HTTP/1.1 and HTTP/2 server connections.
class ServerConnection : public IoWatcher {
 public:
  explicit ServerConnection(ServerLoop& server) : server_(server) {}
  // Graceful shutdown: finish in-flight exchanges, accept no more, then close.
  virtual void drain() = 0;
  // Closes at once, cancelling in-flight exchanges.
  virtual void close_now() = 0;

 protected:
  ServerLoop& server_;
};

}  // namespace wasmrun::http
