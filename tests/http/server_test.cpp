// The server end to end over loopback with exact bytes: keep-alive, pipelining, HTTP/1.0,
// chunked bodies and trailers, 100-continue, each malformed-request case, the timeouts and
// graceful shutdown.
#include <doctest/doctest.h>

#include <thread>

#include "tests/http/test_support.h"

using namespace wasmrun::http;
using namespace wasmrun::http::testing;
using namespace std::chrono_literals;

namespace {
bool has_responses(const std::string& s, size_t n) {
  // Complete when n responses with bodies "hello" arrived.
  return count_of(s, "\r\n\r\nhello") >= n;
}

// Sends `request` on a fresh connection; returns everything until the server closes.
std::string exchange_closing(uint16_t port, std::string_view request) {
  RawConnection c(port);
  REQUIRE(c.connected());
  c.send(request);
  std::string response = c.read_all(5s);
  CHECK_MESSAGE(c.closed_by_peer(), "the server did not close the connection");
  return response;
}

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }
}  // namespace

TEST_CASE("server: GET, keep-alive, and two pipelined requests answered in order") {
  auto server = start_server();
  RawConnection c(server->port());
  REQUIRE(c.connected());
  c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string r = c.read_until([](const std::string& s) { return has_responses(s, 1); });
  CHECK(r.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(r.find("Content-Length: 5\r\n") != std::string::npos);
  CHECK(r.find("Date: ") != std::string::npos);
  CHECK(r.find("Connection: close") == std::string::npos);
  // Pipelined: two requests in one segment, then a third behind a body.
  c.received().clear();
  c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcdGET /trailers HTTP/1.1\r\nHost: t\r\n\r\n");
  r = c.read_until([](const std::string& s) { return s.find("x-count: 1\r\n\r\n") != std::string::npos; });
  size_t a = r.find("\r\n\r\nhello"), b = r.find("abcd"), t = r.find("body with trailers");
  CHECK(a != std::string::npos);
  CHECK(b != std::string::npos);
  CHECK(t != std::string::npos);
  CHECK((a < b && b < t));
  CHECK(count_of(r, "HTTP/1.1 200 OK") == 3);
  CHECK(server->accepted_count() == 1);
}

TEST_CASE("server: HTTP/1.0 gets a close-delimited or length-delimited body and no chunking") {
  auto server = start_server();
  std::string r = exchange_closing(server->port(), "POST /echo HTTP/1.0\r\nContent-Length: 3\r\n\r\nxyz");
  CHECK(r.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(r.find("chunked") == std::string::npos);
  CHECK(r.find("Connection: close") != std::string::npos);
  CHECK(r.substr(r.size() - 3) == "xyz");
  // HTTP/1.0 keep-alive is honoured when asked for and the length is known.
  RawConnection c(server->port());
  c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  std::string k = c.read_until([](const std::string& s) { return has_responses(s, 1); });
  CHECK(k.find("Connection: keep-alive") != std::string::npos);
  c.send("GET /hello HTTP/1.0\r\n\r\n");
  k = c.read_all(5s);
  CHECK(count_of(k, "hello") == 2);
  CHECK(c.closed_by_peer());
}

TEST_CASE("server: chunked request with trailers echoed as a chunked response with trailers") {
  auto server = start_server();
  RawConnection c(server->port());
  c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-sum: 42\r\n\r\n");
  std::string r = c.read_until([](const std::string& s) { return s.find("x-sum: 42\r\n\r\n") != std::string::npos; });
  CHECK(r.find("Transfer-Encoding: chunked") != std::string::npos);
  CHECK(r.find("hello") != std::string::npos);
  CHECK(r.find(" world") != std::string::npos);
  CHECK(r.find("\r\n0\r\nx-sum: 42\r\n\r\n") != std::string::npos);
}

TEST_CASE("server: Expect: 100-continue gets 100 before the body is sent") {
  auto server = start_server();
  RawConnection c(server->port());
  c.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  std::string r = c.read_until([](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  CHECK(r.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0) == 0);
  c.send("ping");
  r = c.read_until([](const std::string& s) { return s.find("ping") != std::string::npos; });
  CHECK(r.find("HTTP/1.1 200 OK") != std::string::npos);
  // A handler that answers without reading the body: no 100, a final answer, then close.
  RawConnection d(server->port());
  d.send("POST /hello HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  std::string h = d.read_all(5s);
  CHECK(h.find("100 Continue") == std::string::npos);
  CHECK(h.find("HTTP/1.1 200 OK") != std::string::npos);
  CHECK(d.closed_by_peer());
}

TEST_CASE("server: each bad request gets its status and the connection closes") {
  ServerConfig config;
  config.limits.max_start_line = 256;
  config.limits.max_field_section = 1024;
  config.limits.max_body = 1000;
  auto server = start_server(config);
  uint16_t port = server->port();
  struct Case {
    const char* what;
    std::string request;
    const char* status;
  };
  std::string host = "Host: t\r\n";
  std::vector<Case> cases = {
      {"malformed request line", "GET  / HTTP/1.1\r\n" + host + "\r\n", "400"},
      {"bare LF", "GET / HTTP/1.1\n" + host + "\r\n", "400"},
      {"missing Host", "GET / HTTP/1.1\r\n\r\n", "400"},
      {"space before colon", "GET / HTTP/1.1\r\n" + host + "X-A : 1\r\n\r\n", "400"},
      {"control character in a value", "GET / HTTP/1.1\r\n" + host + "X-A: a\x01\r\n\r\n", "400"},
      {"obs-fold", "GET / HTTP/1.1\r\n" + host + "X-A: a\r\n b\r\n\r\n", "400"},
      {"CL and TE", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
      {"duplicate CL", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "400"},
      {"conflicting CL", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "400"},
      {"bad CL", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", "400"},
      {"bad chunk size", "POST /count HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", "400"},
      {"chunk without CRLF", "POST /count HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", "400"},
      {"chunked not final", "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, identity\r\n\r\n", "400"},
      {"request line too long", "GET /" + std::string(400, 'a') + " HTTP/1.1\r\n" + host + "\r\n", "414"},
      {"header section too large", "GET / HTTP/1.1\r\n" + host + "X: " + std::string(2000, 'v') + "\r\n\r\n", "431"},
      {"Content-Length over the limit", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 1001\r\n\r\n", "413"},
      {"chunked body over the limit", "POST /count HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3e8\r\n" + std::string(1000, 'a') + "\r\n1\r\n", "413"},
      {"unknown transfer coding", "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n", "501"},
      {"HTTP/2.0 request line", "GET / HTTP/2.0\r\n" + host + "\r\n", "505"},
  };
  for (const Case& c : cases) {
    std::string what = c.what;
    CAPTURE(what);
    std::string r = exchange_closing(port, c.request);
    CHECK(status_line(r).substr(0, 12) == std::string("HTTP/1.1 ") + c.status);
    CHECK(r.find("Connection: close") != std::string::npos);
  }
  // The server is still fine.
  RawConnection ok(port);
  ok.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(has_responses(ok.read_until([](const std::string& s) { return has_responses(s, 1); }), 1));
}

TEST_CASE("server: header timeout (slowloris), body timeout and idle timeout") {
  ServerConfig config;
  config.header_timeout = 300ms;
  config.body_timeout = 300ms;
  config.idle_timeout = 300ms;
  auto server = start_server(config);
  SUBCASE("a head trickling in gets 408 and a close") {
    RawConnection c(server->port());
    c.send("GET / HTTP/1.1\r\nHo");
    std::this_thread::sleep_for(100ms);
    c.send("st: t\r\n");  // still progressing, but the head as a whole is late
    std::string r = c.read_all(5s);
    CHECK(status_line(r) == "HTTP/1.1 408 Request Timeout");
    CHECK(c.closed_by_peer());
  }
  SUBCASE("a body that stops gets 408 and a close") {
    RawConnection c(server->port());
    c.send("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab");
    std::string r = c.read_all(5s);
    CHECK(status_line(r) == "HTTP/1.1 408 Request Timeout");
    CHECK(c.closed_by_peer());
  }
  SUBCASE("an idle keep-alive connection is closed quietly") {
    RawConnection c(server->port());
    c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string r = c.read_all(5s);
    CHECK(count_of(r, "HTTP/1.1") == 1);
    CHECK(c.closed_by_peer());
  }
  SUBCASE("a connection that sends nothing is closed") {
    RawConnection c(server->port());
    CHECK(c.read_all(5s).empty());
    CHECK(c.closed_by_peer());
  }
}

TEST_CASE("server: graceful shutdown finishes in-flight requests and refuses new ones") {
  auto server = start_server();
  uint16_t port = server->port();
  RawConnection busy(port);
  busy.send("GET /slow?ms=400 HTTP/1.1\r\nHost: t\r\n\r\n");
  RawConnection idle(port);
  idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  idle.read_until([](const std::string& s) { return has_responses(s, 1); });
  std::this_thread::sleep_for(100ms);  // the slow request is in flight
  auto start = std::chrono::steady_clock::now();
  server->shutdown(5s);
  auto took = std::chrono::steady_clock::now() - start;
  std::string r = busy.read_all(5s);
  CHECK(r.find("HTTP/1.1 200 OK") != std::string::npos);
  CHECK(r.find("Connection: close") != std::string::npos);
  CHECK(r.substr(r.size() - 4) == "slow");
  CHECK(busy.closed_by_peer());
  idle.read_all(5s);
  CHECK(idle.closed_by_peer());
  CHECK(took < 4s);  // it ended when the last request finished, not at the grace deadline
  RawConnection late(port);
  CHECK_FALSE(late.connected());
}

TEST_CASE("server: the grace deadline closes what has not finished") {
  auto server = start_server();
  RawConnection hang(server->port());
  hang.send("GET /hang HTTP/1.1\r\nHost: t\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  server->shutdown(200ms);
  hang.read_all(5s);
  CHECK(hang.closed_by_peer());
}
