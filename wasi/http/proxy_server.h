// The per-request driver `wasmrun serve` runs: an HTTP server (http/Server: HTTP/1.1, h2c, TLS
// with ALPN h2; one loop per thread) whose every request gets a fresh instance of a
// wasi:http/proxy component, from an InstancePre made once per loop, run as a GuestTask so a
// guest blocked on a pollable yields to its loop.
//
// What a request sees: the response head goes out at response-outparam.set, body bytes as the
// guest writes them. A trap before the head is a 500 (the trap and its wasm backtrace logged);
// after it the response is aborted (HTTP/1.1: the connection closes; HTTP/2: RST_STREAM). Over
// max_concurrent_requests: 503. Past request_timeout the guest is interrupted through the
// engine's epoch (it must be compiled with Config::epoch_interruption) and fails as a trap.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "http/server.h"
#include "wasi/http/host.h"
#include "wasmrun/component/component.h"
#include "wasmrun/store.h"

namespace wasmrun::wasi::http {

struct ProxyConfig {
  ::wasmrun::http::ServerConfig server;
  WasiHttpConfig http;
  p2::WasiP2Config wasi;  // environment, preopens, stdio of every request's guest
  // Every WASI 0.2 interface (wasi:cli/command's imports), not only the proxy world's
  // (wasmtime serve -S cli). Imports the host does not give trap when called.
  bool cli = false;
  uint64_t max_concurrent_requests = 0;  // over all threads; 0: no limit
  std::optional<std::chrono::nanoseconds> request_timeout;
  StoreLimits limits;  // per request's store (--max-memory-size)
  std::FILE* access_log = nullptr;  // one line per request; not owned
  std::FILE* error_log = stderr;    // traps and guests that answered nothing
};

class ProxyServer {
 public:
  // Links the component (a wasi:http/proxy: it must export wasi:http/incoming-handler@0.2.x),
  // instantiates it once to check it, and starts serving.
  static Expected<std::unique_ptr<ProxyServer>> start(const Engine& engine, const Component& component,
                                                      ProxyConfig config);
  ~ProxyServer();

  uint16_t port() const { return server_->port(); }
  // Graceful: stop accepting, let in-flight requests finish within `grace`, then close.
  void shutdown(::wasmrun::http::Duration grace);

  struct Stats {
    std::atomic<uint64_t> requests{0};    // guests started
    std::atomic<uint64_t> traps{0};       // guests that trapped (timeouts included)
    std::atomic<uint64_t> rejected{0};    // 503s for the concurrency limit
  };
  const Stats& stats() const { return *stats_; }

  // ---- internal (the handler of every loop) ----
  struct Shared;

 private:
  ProxyServer() = default;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<Stats> stats_;
  std::unique_ptr<::wasmrun::http::Server> server_;
  std::thread ticker_;
  std::atomic<bool> stop_ticker_{false};
};

}  // namespace wasmrun::wasi::http
