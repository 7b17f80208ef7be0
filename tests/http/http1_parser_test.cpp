// The HTTP/1.1 parser: valid messages, every framing, and each class of bad input with the status
// a server answers (RFC 9112).
#include <doctest/doctest.h>

#include <string>

#include "tests/http/parser_recorder.h"

using namespace wasmrun::http;
using wasmrun::http::testing::parse_all;

namespace {
constexpr auto kReq = Http1Parser::Mode::request;
constexpr auto kResp = Http1Parser::Mode::response;

// The status of the error a request produces, or 0 if it parses.
int status_of(std::string_view input, ParserLimits limits = {}) {
  std::string log = parse_all(kReq, input, 0, false, limits);
  auto at = log.find("ERROR ");
  if (at == std::string::npos) return 0;
  return std::stoi(log.substr(at + 6, 3));
}
std::string error_of(std::string_view input) {
  std::string log = parse_all(kReq, input);
  auto at = log.find("ERROR ");
  return at == std::string::npos ? "" : log.substr(at + 10);
}
}  // namespace

TEST_CASE("a simple GET") {
  CHECK(parse_all(kReq, "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nX-A:  v  \r\n\r\n") ==
        "REQ GET /a?b=c 1.1\nF Host: example.com\nF X-A: v\nHEAD framing=0 length=0 keep_alive=true\nEND body=\n");
}

TEST_CASE("every split of the input gives the same transcript") {
  std::string input =
      "\r\nPOST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
      "PUT /y HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n"
      "GET /z HTTP/1.0\r\n\r\n";
  std::string whole = parse_all(kReq, input);
  CHECK(whole.find("ERROR") == std::string::npos);
  CHECK(whole.find("END body=hello") != std::string::npos);
  CHECK(whole.find("END body=abc0123456789abcdef") != std::string::npos);
  CHECK(whole.find("T X-Trailer: t") != std::string::npos);
  CHECK(whole.find("REQ GET /z 1.0") != std::string::npos);
  for (size_t step = 1; step < 40; ++step) CHECK(parse_all(kReq, input, step) == whole);
}

TEST_CASE("keep-alive follows the version and the Connection field") {
  CHECK(parse_all(kReq, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").find("keep_alive=false") != std::string::npos);
  CHECK(parse_all(kReq, "GET / HTTP/1.0\r\n\r\n").find("keep_alive=false") != std::string::npos);
  CHECK(parse_all(kReq, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").find("keep_alive=true") != std::string::npos);
  CHECK(parse_all(kReq, "GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n").find("keep_alive=false") != std::string::npos);
}

TEST_CASE("a higher HTTP/1 minor version is read as 1.1") {
  CHECK(parse_all(kReq, "GET / HTTP/1.9\r\nHost: h\r\n\r\n").find("REQ GET / 1.1") != std::string::npos);
}

TEST_CASE("Expect: 100-continue is reported") {
  struct R : wasmrun::http::testing::ParserRecorder {};
  R rec;
  Http1Parser p(kReq, rec);
  rec.parser = &p;
  std::string in = "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n";
  CHECK(p.feed(in) == in.size());
  CHECK(p.expects_continue());
  CHECK(p.state() == Http1Parser::State::body_length);
}

TEST_CASE("on_body returning false pauses the parser") {
  wasmrun::http::testing::ParserRecorder rec;
  rec.pause_on_body = true;
  Http1Parser p(kReq, rec);
  rec.parser = &p;
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string in = head + "2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n";
  size_t used = p.feed(in);
  CHECK(used == head.size() + 5);  // head, size line, "ab"
  CHECK(rec.body == "ab");
  used += p.feed(std::string_view(in).substr(used));
  CHECK(rec.body == "abcd");
  used += p.feed(std::string_view(in).substr(used));
  CHECK(used == in.size());
  CHECK(p.message_complete());
}

TEST_CASE("responses: lengths, chunked, until close, HEAD, 204, 304 and 1xx") {
  CHECK(parse_all(kResp, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi") ==
        "STATUS 1.1 200 OK\nF Content-Length: 2\nHEAD framing=1 length=2 keep_alive=true\nEND body=hi\n");
  CHECK(parse_all(kResp, "HTTP/1.1 200 OK\r\n\r\nuntil close", 3, true) ==
        "STATUS 1.1 200 OK\nHEAD framing=3 length=0 keep_alive=false\nEND body=until close\n");
  CHECK(parse_all(kResp, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n") ==
        "STATUS 1.1 100 Continue\nHEAD framing=0 length=0 keep_alive=true\nEND body=\n"
        "STATUS 1.1 204 No Content\nHEAD framing=0 length=0 keep_alive=true\nEND body=\n");
  CHECK(parse_all(kResp, "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").find("END") != std::string::npos);
  CHECK(parse_all(kResp, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").find("STATUS 1.1 200 \n") != std::string::npos);
  wasmrun::http::testing::ParserRecorder rec;
  Http1Parser p(kResp, rec);
  rec.parser = &p;
  p.expect_no_body(true);
  std::string in = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  CHECK(p.feed(in) == in.size());
  CHECK(p.message_complete());
}

TEST_CASE("a response cut short is incomplete") {
  CHECK(parse_all(kResp, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, true).find("ERROR 400 connection closed inside a message body after 3 bytes") != std::string::npos);
  CHECK(parse_all(kResp, "HTTP/1.1 200 OK\r\nContent-", 0, true).find("ERROR 400 connection closed inside a message head") != std::string::npos);
  CHECK(parse_all(kResp, "", 0, true) == "");
}

TEST_CASE("malformed request lines → 400") {
  CHECK(status_of("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET /\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1 \r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1x\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET / http/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of(" GET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(error_of("GET /a\x01 HTTP/1.1\r\n") == "invalid character 0x01 in request-target\n");
}

// Issue 15, point 5: bytes that cannot begin a request line fail before the line is complete.
TEST_CASE("a start that is no method fails at once: a TLS ClientHello → 400 without a line end") {
  std::string client_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  CHECK(error_of(client_hello) == "invalid character 0x16 in the request method\n");
  CHECK(status_of(client_hello) == 400);
  CHECK(status_of("GE") == 0);  // a method cut short is only incomplete
}

TEST_CASE("unsupported versions → 505") {
  CHECK(status_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);
  CHECK(status_of("GET / HTTP/3.1\r\nHost: h\r\n\r\n") == 505);
}

TEST_CASE("bare LF or CR line ends → 400") {
  CHECK(status_of("GET / HTTP/1.1\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n") == 400);
  CHECK(error_of("GET / HTTP/1.1\nHost: h\r\n\r\n") == "request line ends in a bare LF (CRLF required)\n");
}

TEST_CASE("oversized request line → 414, oversized or too many fields → 431") {
  ParserLimits limits;
  limits.max_start_line = 64;
  limits.max_field_section = 128;
  limits.max_fields = 4;
  CHECK(status_of("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits) == 414);
  // Detected before the line ends, so an endless line cannot exhaust memory.
  CHECK(status_of("GET /" + std::string(100, 'a'), limits) == 414);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(200, 'v') + "\r\n\r\n", limits) == 431);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(200, 'v'), limits) == 431);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n", limits) == 431);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\nC: 1\r\n\r\n", limits) == 0);
}

TEST_CASE("malformed fields → 400") {
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\n: empty-name\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX-A : v\r\n\r\n") == 400);
  CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX-A : v\r\n\r\n") == "whitespace between field name and colon\n");
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX(A): v\r\n\r\n") == 400);
  const char with_nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
  CHECK(status_of(std::string(with_nul, sizeof with_nul - 1)) == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n") == 0);  // obs-text is allowed
}

TEST_CASE("obs-fold → 400") {
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n") == 400);
  CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n") == "obsolete line folding in field section\n");
}

TEST_CASE("Host: missing in 1.1 or repeated → 400") {
  CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.0\r\n\r\n") == 0);
}

TEST_CASE("smuggling patterns → 400") {
  // Both Content-Length and Transfer-Encoding (RFC 9112 §6.1).
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n") == 400);
  // Duplicate (even identical) or conflicting Content-Length.
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc") == 400);
  // Malformed Content-Length values.
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\nabc") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400);
  // Transfer-Encoding that does not end in chunked, chunked twice, or in HTTP/1.0.
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
  // Unknown codings → 501 (RFC 9112 §6.1).
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n") == 501);
}

TEST_CASE("bad chunk framing → 400") {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(status_of(head + "x\r\n") == 400);
  CHECK(status_of(head + "\r\n") == 400);
  CHECK(status_of(head + "-1\r\n") == 400);
  CHECK(status_of(head + "3 x\r\nabc\r\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "3\r\nabcd\r\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "3\r\nabc\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "3\nabc\r\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "10000000000000000\r\n") == 400);  // 2^64 overflows
  CHECK(status_of(head + "3;a=\x01\r\nabc\r\n0\r\n\r\n") == 400);
  CHECK(status_of(head + "3\r\nabc\r\n0\r\n x: folded\r\n\r\n") == 400);
  CHECK(status_of(head + std::string(2000, '0') + "1\r\n") == 400);  // size line over the limit
  CHECK(status_of(head + "3 ; ext\r\nabc\r\n0\r\n\r\n") == 0);
}

TEST_CASE("body over the limit → 413, by Content-Length or by chunks") {
  ParserLimits limits;
  limits.max_body = 10;
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits) == 413);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits) == 0);
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(status_of(head + "6\r\n012345\r\n5\r\n", limits) == 413);
  CHECK(status_of(head + "6\r\n012345\r\n4\r\n0123\r\n0\r\n\r\n", limits) == 0);
}

TEST_CASE("errors carry the byte offset") {
  wasmrun::http::testing::ParserRecorder rec;
  Http1Parser p(kReq, rec);
  rec.parser = &p;
  std::string in = "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01\r\n\r\n";
  p.feed(in);
  REQUIRE(p.failed());
  CHECK(p.error().offset == in.find('\x01'));
  Http1Parser q(kReq, rec);
  std::string bare = "GET / HTTP/1.1\r\nHost: h\r\nX: a\n\r\n";
  q.feed(bare);
  REQUIRE(q.failed());
  CHECK(q.error().offset == bare.find("a\n") + 1);
}

TEST_CASE("parser: a start that is no method fails the same way whole or a byte at a time") {
  // Found by fuzz_http1_parser: "\0\n" failed as a complete line when whole, and as an
  // unfinished method when fed byte by byte.
  for (std::string_view input : {std::string_view("\0\n\xa6", 3), std::string_view("GE\x01T / HTTP/1.1\r\n")}) {
    std::string whole = parse_all(kReq, input);
    CHECK(whole == parse_all(kReq, input, 1));
    CHECK(whole.find("invalid character") != std::string::npos);
  }
}
