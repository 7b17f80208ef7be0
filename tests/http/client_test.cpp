// The client against our server and against misbehaving peers: HTTP/1.1 and HTTP/2 (h2c and
// TLS+ALPN), pooling (counted in accepted connections), streaming with trailers, every timeout,
// and each failure's error code.
#include <doctest/doctest.h>

#include <thread>

#include "http/client.h"
#include "http/socket.h"
#include "tests/http/fake_peers.h"
#include "tests/http/test_support.h"

using namespace wasmrun::http;
using namespace wasmrun::http::testing;
using namespace std::chrono_literals;

namespace {

struct Result {
  bool done = false;
  int status = 0;
  std::string body;
  Fields headers, trailers;
  std::optional<ErrorCode> error;  // before or after the head
  bool body_failed = false;
};

// Drives one exchange to its end on `loop`, streaming `body` in (with `trailers`) and the
// response body out.
struct Fetch {
  std::shared_ptr<ClientExchange> ex;
  Result result;
  std::string to_send;
  size_t sent = 0;
  Fields send_trailers;

  Fetch(Client& client, std::string method, std::string scheme, std::string authority,
        std::string path, std::string body = {}, Fields trailers = {}, RequestOptions options = {}) {
    RequestHead head{std::move(method), std::move(scheme), std::move(authority), std::move(path), {}};
    to_send = std::move(body);
    send_trailers = std::move(trailers);
    ex = client.send(std::move(head), options);
    ex->request_body().set_on_writable([this] { push(); });
    push();
    ex->set_on_response([this] {
      if (ex->failed()) {
        result.error = ex->error();
        result.done = true;
        return;
      }
      result.status = ex->response()->status;
      result.headers = ex->response()->headers;
      ex->response_body().set_on_readable([this] { pull(); });
    });
  }
  void push() {
    BodySink& out = ex->request_body();
    if (out.finished() || out.abandoned()) return;
    while (sent < to_send.size() && out.writable() > 0) {
      size_t n = std::min(out.writable(), to_send.size() - sent);
      out.write(std::string_view(to_send).substr(sent, n));
      sent += n;
    }
    if (sent == to_send.size()) out.finish(send_trailers);
  }
  void pull() {
    BodySource& in = ex->response_body();
    in.read_all(result.body);
    if (in.failed()) {
      result.error = in.error();
      result.body_failed = true;
      result.done = true;
    } else if (in.at_end()) {
      result.trailers = in.trailers();
      result.done = true;
    }
  }
};

struct ClientFixture {
  std::unique_ptr<EventLoop> loop = EventLoop::create().take();
  std::unique_ptr<Client> client;
  explicit ClientFixture(ClientOptions options = {}) {
    auto c = Client::create(*loop, std::move(options));
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
    client = c.take();
  }
  ~ClientFixture() {
    client.reset();
    loop->run_once(0ms);
  }
  Result fetch(std::string method, std::string url_scheme, std::string authority, std::string path,
               std::string body = {}, Fields trailers = {}, RequestOptions options = {}) {
    Fetch f(*client, std::move(method), std::move(url_scheme), std::move(authority), std::move(path),
            std::move(body), std::move(trailers), options);
    CHECK_MESSAGE(run_until(*loop, [&] { return f.result.done; }, 20s), "the exchange did not end");
    return f.result;
  }
};

std::string local(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

TEST_CASE("client: HTTP/1.1 requests reuse one pooled connection") {
  auto server = start_server();
  ClientFixture f;
  for (int i = 0; i < 5; ++i) {
    Result r = f.fetch("GET", "http", local(server->port()), "/hello");
    REQUIRE_FALSE(r.error);
    CHECK(r.status == 200);
    CHECK(r.body == "hello");
  }
  CHECK(server->accepted_count() == 1);
  CHECK(f.client->stats().connections_opened == 1);
  CHECK(f.client->stats().requests_on_reused_connections == 4);
  // A name from /etc/hosts resolves through c-ares and reaches the same server.
  Result r = f.fetch("GET", "http", "localhost:" + std::to_string(server->port()), "/hello");
  CHECK(r.status == 200);
}

TEST_CASE("client: a pooled connection the server closed meanwhile is retried transparently") {
  ServerConfig config;
  config.idle_timeout = 100ms;
  auto server = start_server(config);
  ClientFixture f;
  Result a = f.fetch("GET", "http", local(server->port()), "/hello");
  CHECK(a.body == "hello");
  // The client's loop does not run while the server closes the idle connection, so the client
  // only learns of it when it reuses the connection.
  for (int i = 0; i < 500 && server->connection_count() > 0; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(server->connection_count() == 0);
  Result b = f.fetch("GET", "http", local(server->port()), "/hello");
  REQUIRE_FALSE(b.error);
  CHECK(b.body == "hello");
  CHECK(server->accepted_count() == 2);
}

TEST_CASE("client: concurrent HTTP/1.1 requests respect the per-pool connection limit") {
  auto server = start_server();
  ClientOptions options;
  options.max_connections_per_pool = 2;
  ClientFixture f(options);
  std::vector<std::unique_ptr<Fetch>> fetches;
  for (int i = 0; i < 6; ++i)
    fetches.push_back(std::make_unique<Fetch>(*f.client, "GET", "http", local(server->port()), "/slow?ms=50"));
  CHECK(run_until(*f.loop, [&] {
    for (auto& x : fetches)
      if (!x->result.done) return false;
    return true;
  }));
  for (auto& x : fetches) CHECK(x->result.body == "slow");
  CHECK(server->accepted_count() == 2);
}

TEST_CASE("client: h2c prior knowledge multiplexes concurrent requests on one connection") {
  auto server = start_server();
  ClientOptions options;
  options.h2c_prior_knowledge = true;
  ClientFixture f(options);
  std::vector<std::unique_ptr<Fetch>> fetches;
  // Wait for the first to establish the connection, then send a burst.
  Result first = f.fetch("GET", "http", local(server->port()), "/hello");
  CHECK(first.status == 200);
  for (int i = 0; i < 20; ++i)
    fetches.push_back(std::make_unique<Fetch>(*f.client, "GET", "http", local(server->port()), "/slow?ms=20"));
  CHECK(run_until(*f.loop, [&] {
    for (auto& x : fetches)
      if (!x->result.done) return false;
    return true;
  }));
  for (auto& x : fetches) CHECK(x->result.body == "slow");
  CHECK(server->accepted_count() == 1);
  CHECK(f.client->stats().requests_on_reused_connections == 20);
}

TEST_CASE("client: bodies and trailers stream both ways over HTTP/1.1 and h2c") {
  auto server = start_server();
  std::string body = letters(3 * 1024 * 1024 + 17);
  for (bool h2 : {false, true}) {
    CAPTURE(h2);
    ClientOptions options;
    options.h2c_prior_knowledge = h2;
    ClientFixture f(options);
    Result r = f.fetch("POST", "http", local(server->port()), "/echo", body, {{"x-digest", "d1"}});
    REQUIRE_FALSE(r.error);
    CHECK(r.status == 200);
    CHECK(r.body.size() == body.size());
    CHECK(r.body == body);
    REQUIRE(r.trailers.get("x-digest"));
    CHECK(*r.trailers.get("x-digest") == "d1");
    Result t = f.fetch("GET", "http", local(server->port()), "/trailers");
    CHECK(t.body == "body with trailers");
    CHECK(t.trailers.get("x-checksum"));
    Result h = f.fetch("HEAD", "http", local(server->port()), "/hello");
    CHECK(h.status == 200);
    CHECK(h.body.empty());
  }
}

TEST_CASE("server: HTTP/2 request bodies over the limit get 413") {
  ServerConfig config;
  config.limits.max_body = 100 * 1024;
  auto server = start_server(config);
  ClientOptions options;
  options.h2c_prior_knowledge = true;
  ClientFixture f(options);
  // Declared too large (a finished body gets a content-length), and streamed past the limit.
  Result declared = f.fetch("POST", "http", local(server->port()), "/echo", std::string(200 * 1024, 'a'));
  CHECK(declared.status == 413);
  Result small = f.fetch("POST", "http", local(server->port()), "/echo", std::string(1000, 'b'));
  CHECK(small.status == 200);
  CHECK(small.body.size() == 1000);
  // Larger than the request pipe holds, so it is streamed without a content-length.
  Fetch streamed(*f.client, "POST", "http", local(server->port()), "/count", std::string(300 * 1024, 'c'));
  CHECK(run_until(*f.loop, [&] { return streamed.result.done; }));
  CHECK(streamed.result.status == 413);
  CHECK(server->accepted_count() == 1);
}

TEST_CASE("client: TLS with ALPN h2, verified against a CA file; failures are typed") {
  TestCertificates certs;
  // openssl is a required test tool (scripts/bootstrap installs it): without certificates the
  // TLS checks cannot run, which is a failure, not a pass.
  REQUIRE_MESSAGE(certs.ok(), "the openssl command could not make test certificates");
  ServerConfig config;
  config.tls = TlsServerOptions{certs.cert(), certs.key(), true};
  auto server = start_server(config);
  std::string authority = "localhost:" + std::to_string(server->port());
  {
    ClientOptions options;
    options.tls.ca_file = certs.ca();
    ClientFixture f(options);
    for (int i = 0; i < 3; ++i) {
      Result r = f.fetch("POST", "https", authority, "/echo", "over tls", {{"x-t", "1"}});
      REQUIRE_FALSE(r.error);
      CHECK(r.body == "over tls");
      CHECK(r.trailers.get("x-t"));
    }
    Result ip = f.fetch("GET", "https", local(server->port()), "/hello");  // IP SAN
    CHECK(ip.body == "hello");
    CHECK(server->accepted_count() == 2);  // one h2 connection per authority
  }
  {
    ClientOptions options;
    options.tls.ca_file = certs.ca();
    options.tls.alpn = {"http/1.1"};
    ClientFixture f(options);
    Result r = f.fetch("GET", "https", authority, "/hello");
    CHECK(r.body == "hello");
  }
  {
    ClientFixture f;  // the system store does not know our CA
    Result r = f.fetch("GET", "https", authority, "/hello");
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::tls_certificate_error);
  }
  {
    ClientOptions options;
    options.tls.ca_file = "/nonexistent/ca.pem";
    ClientFixture f(options);
    Result r = f.fetch("GET", "https", authority, "/hello");
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::configuration_error);
  }
  {
    // TLS to a plain-HTTP server: the handshake fails as a protocol error.
    auto plain = start_server();
    ClientFixture f;
    Result r = f.fetch("GET", "https", local(plain->port()), "/hello");
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::tls_protocol_error);
  }
}

TEST_CASE("client: connection refused, connection timeout, first-byte and between-bytes timeouts") {
  SUBCASE("connection-refused") {
    uint16_t port = 0;
    int fd = bound_socket(SOCK_STREAM, port);
    close(fd);  // nothing listens there now
    ClientFixture f;
    Result r = f.fetch("GET", "http", local(port), "/");
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::connection_refused);
  }
  SUBCASE("connection-timeout (the TLS handshake never completes)") {
    RawServer silent("", /*hold=*/true, /*wait_for_head=*/false);
    ClientOptions options;
    options.connect_timeout = 300ms;
    ClientFixture f(options);
    Result r = f.fetch("GET", "https", local(silent.port()), "/");
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::connection_timeout);
  }
  auto server = start_server();
  for (bool h2 : {false, true}) {
    CAPTURE(h2);
    ClientOptions options;
    options.h2c_prior_knowledge = h2;
    ClientFixture f(options);
    RequestOptions quick;
    quick.first_byte_timeout = 300ms;
    quick.between_bytes_timeout = 300ms;
    Result r = f.fetch("GET", "http", local(server->port()), "/hang", {}, {}, quick);
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::connection_read_timeout);
    CHECK_FALSE(r.body_failed);  // before the head
    Result s = f.fetch("GET", "http", local(server->port()), "/stall", {}, {}, quick);
    CHECK(s.status == 200);
    REQUIRE(s.error);
    CHECK(s.body_failed);  // after the head: the body fails
    CHECK(s.error->kind == ErrorKind::connection_read_timeout);
    CHECK(s.body == "partial");
    // The client still works afterwards.
    Result ok = f.fetch("GET", "http", local(server->port()), "/hello");
    CHECK(ok.body == "hello");
  }
}

TEST_CASE("client: DNS errors and DNS timeouts") {
  SUBCASE("NXDOMAIN → DNS-error") {
    FakeDns dns(/*answer=*/true);
    ClientOptions options;
    options.dns_servers = {dns.address()};
    ClientFixture f(options);
    Result r = f.fetch("GET", "http", "no-such-host.test:80", "/");
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::dns_error);
    CHECK(r.error->text == std::optional<std::string>("NXDOMAIN"));
    CHECK(dns.queries() >= 1);
  }
  SUBCASE("no answer → DNS-timeout") {
    FakeDns dns(/*answer=*/false);
    ClientOptions options;
    options.dns_servers = {dns.address()};
    options.dns_timeout = 400ms;
    ClientFixture f(options);
    Result r = f.fetch("GET", "http", "silent.test:80", "/");
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::dns_timeout);
  }
}

TEST_CASE("client: broken responses map to their error codes") {
  struct Case {
    const char* what;
    std::string reply;
    ErrorKind kind;
    bool after_head;
  };
  std::vector<Case> cases = {
      {"closed before any response", "", ErrorKind::connection_terminated, false},
      {"cut inside the body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", ErrorKind::http_response_incomplete, true},
      {"cut inside the head", "HTTP/1.1 200 OK\r\nContent-Len", ErrorKind::http_response_incomplete, false},
      {"garbage", "SSH-2.0-OpenSSH\r\n\r\n", ErrorKind::http_protocol_error, false},
      {"bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", ErrorKind::http_protocol_error, true},
      {"unknown transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: br, chunked\r\n\r\n", ErrorKind::http_response_transfer_coding, false},
      {"huge head", "HTTP/1.1 200 OK\r\nX: " + std::string(4096, 'v') + "\r\n\r\n", ErrorKind::http_response_header_section_size, false},
      {"declared body over the limit", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", ErrorKind::http_response_body_size, false},
      {"chunked body over the limit", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + std::string(4096, 'b') + "\r\n0\r\n\r\n",
       ErrorKind::http_response_body_size, true},
  };
  for (const Case& c : cases) {
    std::string what = c.what;
    CAPTURE(what);
    RawServer peer(c.reply);
    ClientOptions options;
    options.response_limits.max_field_section = 1024;
    options.response_limits.max_body = 2048;
    ClientFixture f(options);
    Result r = f.fetch("GET", "http", local(peer.port()), "/");
    REQUIRE(r.error);
    CHECK(std::string(wit_name(r.error->kind)) == wit_name(c.kind));
    CHECK(r.body_failed == c.after_head);
  }
}

TEST_CASE("client: requests past the pool's queue fail with connection-limit-reached") {
  auto server = start_server();
  ClientOptions options;
  options.max_connections_per_pool = 1;
  options.max_queued_per_pool = 2;
  ClientFixture f(options);
  // All three are sent before the loop runs, while the one connection is still opening: the first
  // two queue for it and get it in turn; the third finds the queue full.
  Fetch first(*f.client, "GET", "http", local(server->port()), "/slow?ms=100");
  Fetch second(*f.client, "GET", "http", local(server->port()), "/slow?ms=10");
  Fetch third(*f.client, "GET", "http", local(server->port()), "/hello");
  CHECK(run_until(*f.loop, [&] { return first.result.done && second.result.done && third.result.done; }));
  CHECK(first.result.status == 200);
  CHECK(second.result.status == 200);
  REQUIRE(third.result.error);
  CHECK(third.result.error->kind == ErrorKind::connection_limit_reached);
}

TEST_CASE("client: a request body that does not match its Content-Length fails with HTTP-request-body-size") {
  auto server = start_server();
  for (std::string body : {"0123456789", "01"}) {
    CAPTURE(body);
    ClientFixture f;
    RequestHead head{"POST", "http", local(server->port()), "/count", {{"content-length", "5"}}};
    auto ex = f.client->send(std::move(head));
    ex->request_body().write(body);
    ex->request_body().finish();
    CHECK(run_until(*f.loop, [&] { return ex->failed() || ex->request_body().failed() || ex->response(); }));
    REQUIRE(ex->failed());
    CHECK(ex->error().kind == ErrorKind::http_request_body_size);
  }
}

TEST_CASE("client: invalid requests fail before any connection") {
  ClientFixture f;
  CHECK(f.fetch("GET", "ftp", "a:1", "/").error->kind == ErrorKind::http_request_uri_invalid);
  CHECK(f.fetch("G T", "http", "a:1", "/").error->kind == ErrorKind::http_request_method_invalid);
  CHECK(f.fetch("GET", "http", "a:99999", "/").error->kind == ErrorKind::http_request_uri_invalid);
  CHECK(f.fetch("GET", "http", "a:1", "no-slash").error->kind == ErrorKind::http_request_uri_invalid);
  CHECK(f.fetch("GET", "http", "a:1", "/a b").error->kind == ErrorKind::http_request_uri_invalid);
}

TEST_CASE("error codes are named as in wasi:http") {
  CHECK(std::string(wit_name(ErrorKind::dns_timeout)) == "DNS-timeout");
  CHECK(std::string(wit_name(ErrorKind::tls_alert_received)) == "TLS-alert-received");
  CHECK(std::string(wit_name(ErrorKind::http_request_uri_too_long)) == "HTTP-request-URI-too-long");
  CHECK(std::string(wit_name(ErrorKind::internal_error)) == "internal-error");
  CHECK(to_string(ErrorCode::make(ErrorKind::connection_refused, "x")) == "connection-refused: x");
}

TEST_CASE("client + server: HTTP/2 graceful shutdown finishes in-flight streams (GOAWAY)") {
  auto server = start_server();
  ClientOptions options;
  options.h2c_prior_knowledge = true;
  ClientFixture f(options);
  Result warm = f.fetch("GET", "http", local(server->port()), "/hello");
  REQUIRE(warm.status == 200);
  Fetch slow(*f.client, "GET", "http", local(server->port()), "/slow?ms=300");
  run_until(*f.loop, [] { return false; }, 100ms);  // the request is in flight
  std::thread stopper([&] { server->shutdown(5s); });
  CHECK(run_until(*f.loop, [&] { return slow.result.done; }));
  CHECK_FALSE(slow.result.error);
  CHECK(slow.result.body == "slow");
  stopper.join();
  // The server is gone: a new request finds nothing listening.
  Result after = f.fetch("GET", "http", local(server->port()), "/hello");
  REQUIRE(after.error);
  CHECK(after.error->kind == ErrorKind::connection_refused);
}

// Issue 15, point 1, the client side: an HTTP/2 response head is counted as it is decoded.
TEST_CASE("client: an HTTP/2 response head over the limits fails with HTTP-response-header-section-size") {
  auto server = start_server({}, [](std::shared_ptr<ServerExchange> ex) {
    Fields headers;
    if (ex->request().path == "/many") {
      for (int i = 0; i < 300; ++i) headers.add("x-field", std::to_string(i));
    } else {
      headers.add("x-large", std::string(4096, 'v'));
    }
    ex->respond(200, std::move(headers), "body");
  });
  ClientOptions options;
  options.h2c_prior_knowledge = true;
  options.response_limits.max_field_section = 2048;
  ClientFixture f(options);
  for (const char* path : {"/many", "/large"}) {
    CAPTURE(path);
    Result r = f.fetch("GET", "http", local(server->port()), path);
    REQUIRE(r.error);
    CHECK(r.error->kind == ErrorKind::http_response_header_section_size);
    CHECK_FALSE(r.body_failed);
  }
  CHECK(server->accepted_count() == 1);  // a stream error: the connection stays
}
