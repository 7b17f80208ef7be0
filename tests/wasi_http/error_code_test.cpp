#include <doctest/doctest.h>

#include "wasi/http/body_streams.h"
#include "wasi/http/error_code.h"

using namespace wasmrun::wasi::http;
using wasmrun::http::ErrorCode;
using wasmrun::http::ErrorKind;

TEST_CASE("error codes: every engine failure maps to the wasi:http case of the same name and back") {
  for (uint32_t k = 0; k <= uint32_t(ErrorKind::internal_error); ++k) {
    auto kind = ErrorKind(k);
    ErrorCode e = ErrorCode::make(kind, "detail");
    auto w = to_wit(e);
    CHECK_MESSAGE(uint32_t(w.which()) == k, wasmrun::http::wit_name(kind));
    CHECK(from_wit(w).kind == kind);
    CHECK(describe(w).starts_with(wasmrun::http::wit_name(kind)));
  }
}

TEST_CASE("error codes: payloads are kept") {
  ErrorCode size = ErrorCode::make(ErrorKind::http_request_body_size, "too big");
  size.number = 4096;
  auto w = to_wit(size);
  REQUIRE(w.which() == WitErrorCode::Case::HttpRequestBodySize);
  CHECK(std::get<17>(w.v) == 4096u);
  CHECK(from_wit(w).number == 4096u);

  ErrorCode dns = ErrorCode::make(ErrorKind::dns_error, "no such host");
  dns.text = "NXDOMAIN";
  dns.number = 3;
  auto d = to_wit(dns);
  auto payload = std::get<1>(d.v);
  CHECK(payload.rcode == "NXDOMAIN");
  CHECK(payload.info_code == 3);

  ErrorCode header = ErrorCode::make(ErrorKind::http_request_header_size, "");
  header.text = "x-big";
  header.number = 70000;
  auto h = from_wit(to_wit(header));
  CHECK(h.text == "x-big");
  CHECK(h.number == 70000u);

  // internal-error carries our detail when there is no other text.
  auto internal = to_wit(ErrorCode::make(ErrorKind::internal_error, "what happened"));
  CHECK(std::get<38>(internal.v) == "what happened");
}

TEST_CASE("error codes: a body stream's io error says its error code, which http-error-code reads back") {
  auto e = body_error(ErrorCode::make(ErrorKind::http_response_body_size, "12 bytes written, content-length is 10"));
  auto back = error_code_of(e);
  REQUIRE(back);
  CHECK(back->kind == ErrorKind::http_response_body_size);
  CHECK_FALSE(error_code_of(wasmrun::wasi::p2::ErrorObject{"No such file or directory", 2}));
  // A prefix of another case's name is not that case.
  CHECK(error_code_of(wasmrun::wasi::p2::ErrorObject{"connection-terminated: peer went away", 0})->kind ==
        ErrorKind::connection_terminated);
}
