// The HTTP client for outgoing requests: HTTP/1.1 and HTTP/2 over TCP and TLS, a connection pool
// per (scheme, authority, TLS settings), non-blocking DNS (c-ares), typed failures (ErrorCode,
// one to one with wasi:http's error-code) and the connect / first-byte / between-bytes timeouts
// of wasi:http's request-options.
//
//   auto client = Client::create(loop, {});
//   RequestHead head{"GET", "https", "example.com", "/", {}};
//   auto ex = (*client)->send(std::move(head));
//   ex->request_body().finish();                    // no body (or write(), then finish(trailers))
//   ex->set_on_response([ex] {
//     if (ex->failed()) { /* ex->error(): e.g. connection-refused, TLS-certificate-error */ return; }
//     const ResponseHead& r = *ex->response();       // then stream ex->response_body()
//   });
//
// Everything runs on the client's loop thread; the request body may be written before the
// connection exists (up to its high-water mark), so a caller never waits to start streaming.
// Pooling: an HTTP/1.1 connection returns to its pool after a complete exchange with keep-alive;
// one HTTP/2 connection (ALPN h2, or h2c with prior knowledge) carries concurrent requests up to
// the peer's MAX_CONCURRENT_STREAMS. Limits: max_connections_per_pool (then requests queue, up to
// max_queued_per_pool, then connection-limit-reached), max_idle_per_pool and idle_timeout.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/body.h"
#include "http/error_code.h"
#include "http/event_loop.h"
#include "http/http1_parser.h"
#include "http/message.h"
#include "http/resolver.h"
#include "http/tls.h"

namespace wasmrun::http {

struct ClientOptions {
  Duration connect_timeout = std::chrono::seconds(10);  // DNS excluded; TCP connect + TLS handshake
  Duration first_byte_timeout = std::chrono::seconds(30);  // request submitted → response head
  Duration between_bytes_timeout = std::chrono::seconds(30);  // gaps in the response body
  Duration dns_timeout = std::chrono::seconds(5);
  std::vector<std::string> dns_servers;  // "ip[:port]"; empty: /etc/resolv.conf
  TlsClientOptions tls;
  bool h2c_prior_knowledge = false;  // http:// speaks HTTP/2 without TLS (RFC 9113 §3.3)
  size_t max_connections_per_pool = 16;
  size_t max_queued_per_pool = 1024;
  size_t max_idle_per_pool = 8;
  Duration idle_timeout = std::chrono::seconds(30);
  ParserLimits response_limits;
  size_t body_high_water = BodyPipe::kDefaultHighWater;
};

// Per-request overrides of the client's timeouts (wasi:http request-options).
struct RequestOptions {
  std::optional<Duration> connect_timeout;
  std::optional<Duration> first_byte_timeout;
  std::optional<Duration> between_bytes_timeout;
};

class ClientConnection;

class ClientExchange {
 public:
  ClientExchange(EventLoop& loop, RequestHead head, RequestOptions options, size_t high_water);
  ~ClientExchange();

  const RequestHead& request() const { return request_; }
  // The request body: write while writable() > 0, then finish(trailers), or fail() to abort.
  BodySink& request_body() { return request_body_; }

  // The response head, once it arrived (nullptr before, or after a failure).
  const ResponseHead* response() const { return response_ ? &*response_ : nullptr; }
  // A failure before the response head; failures after it fail response_body().
  bool failed() const { return error_.has_value(); }
  const ErrorCode& error() const { return *error_; }
  // Runs (deferred) once the head arrived or the exchange failed; at once if it already did.
  void set_on_response(std::function<void()> callback);
  BodySource& response_body() { return response_body_; }
  // Gives up: the stream is reset or the connection closed; nothing more is reported.
  void cancel();

  // ---- connection side ----
  const RequestOptions& options() const { return options_; }
  BodyPipe& request_pipe() { return request_body_; }
  BodyPipe& response_pipe() { return response_body_; }
  void deliver_response(ResponseHead head);
  // Fails the exchange: before the head it is the exchange's error, after it the body's.
  void deliver_error(ErrorCode error);
  bool done() const { return failed() || response_body_.at_end() || response_body_.failed(); }
  ClientConnection* connection = nullptr;  // the connection carrying it, if any
  Timer timer;                             // first-byte / between-bytes, armed by the connection
  std::function<void()> on_timer;

 private:
  RequestHead request_;
  RequestOptions options_;
  BodyPipe request_body_;
  BodyPipe response_body_;
  std::optional<ResponseHead> response_;
  std::optional<ErrorCode> error_;
  DeferredCall response_call_;
  bool cancelled_ = false;
};

class Client;
struct HostPool;

// An open client connection (HTTP/1.1 or HTTP/2) in a pool.
class ClientConnection : public IoWatcher {
 public:
  explicit ClientConnection(HostPool& pool) : pool_(pool) {}
  // Can take one more exchange now.
  virtual bool has_capacity() const = 0;
  virtual bool is_http2() const = 0;
  virtual void submit(std::shared_ptr<ClientExchange> exchange) = 0;
  // The exchange gave up (ClientExchange::cancel).
  virtual void cancel(ClientExchange& exchange) = 0;
  virtual void close_now(const ErrorCode& why) = 0;
  virtual bool idle() const = 0;

 protected:
  HostPool& pool_;
};

class Client {
 public:
  static Expected<std::unique_ptr<Client>> create(EventLoop& loop, ClientOptions options);
  ~Client();

  // Sends a request. `head.scheme` is "http" or "https", `head.authority` host[:port].
  std::shared_ptr<ClientExchange> send(RequestHead head, RequestOptions options = {});

  struct Stats {
    uint64_t connections_opened = 0;  // TCP connections that completed (and TLS handshakes)
    uint64_t requests_sent = 0;
    uint64_t requests_on_reused_connections = 0;
  };
  const Stats& stats() const { return stats_; }
  // Open connections over all pools (in use or idle).
  size_t open_connections() const;

  // ---- internal ----
  EventLoop& loop() { return loop_; }
  const ClientOptions& options() const { return options_; }
  Resolver& resolver() { return *resolver_; }
  Stats& mutable_stats() { return stats_; }
  Expected<std::shared_ptr<TlsClientContext>> tls_context();

 private:
  Client(EventLoop& loop, ClientOptions options);
  EventLoop& loop_;
  ClientOptions options_;
  std::unique_ptr<Resolver> resolver_;
  std::shared_ptr<TlsClientContext> tls_;
  std::unordered_map<std::string, std::unique_ptr<HostPool>> pools_;
  Stats stats_;
};

}  // namespace wasmrun::http
