// WasiHttpConfig::outgoing_hook (Wasmtime's send_request hook): outgoing-handler.handle called
// on the host as a guest would call it, with an upstream (the engine's native hello handler) on
// the same loop.
#include <doctest/doctest.h>

#include <chrono>

#include "http/native_handlers.h"
#include "http/server.h"
#include "wasi/http/error_code.h"
#include "wasi/http/host.h"
#include "wasi/http/objects.h"

using namespace wasmrun;
using namespace wasmrun::wasi::http;
using namespace std::chrono_literals;
using ::wasmrun::http::ErrorCode;
namespace engine_http = ::wasmrun::http;
using ::wasmrun::http::RequestHead;

namespace {

struct HookFixture {
  std::unique_ptr<::wasmrun::http::EventLoop> loop = ::wasmrun::http::EventLoop::create().take();
  std::unique_ptr<wasi::p2::WasiP2> wasi = wasi::p2::WasiP2::create({}).take();
  std::unique_ptr<::wasmrun::http::ServerLoop> upstream;
  std::unique_ptr<WasiHttp> http;
  std::unique_ptr<::bindings::wasi::http::outgoing_handler::Host> handler;
  std::vector<std::string> seen;  // what the hook was shown: "METHOD scheme://authority/path"

  explicit HookFixture(OutgoingHook hook) {
    ::wasmrun::http::ServerConfig server;
    server.host = "127.0.0.1";
    server.port = 0;
    upstream = ::wasmrun::http::ServerLoop::create(*loop, server, ::wasmrun::http::hello_handler).take();
    WasiHttpConfig config;
    config.outgoing_hook = [this, hook = std::move(hook)](RequestHead& head) {
      seen.push_back(head.method + " " + head.scheme + "://" + head.authority + head.path);
      return hook(head);
    };
    http = std::make_unique<WasiHttp>(*wasi, *loop, std::move(config));
    handler = make_outgoing_handler_host(*http);
  }

  // A GET to http://AUTHORITY/PATH, as set on an outgoing-request, passed to handle.
  component::Result<component::Resource<wit::FutureIncomingResponse>, wit::ErrorCode> send(std::string authority,
                                                                                         std::string path) {
    OutgoingRequestObject request;
    request.scheme = wit::Scheme::http();
    request.authority = std::move(authority);
    request.path_with_query = std::move(path);
    request.headers = std::make_shared<FieldsData>();
    auto handle = wasi->push<wit::OutgoingRequest>(std::move(request));
    REQUIRE(handle.ok());
    auto result = handler->handle(handle.take(), std::nullopt);
    REQUIRE(result.ok());
    return result.take();
  }

  // Runs the loop until the response's head and body are in (or 10 s pass): status and body.
  std::pair<int, std::string> response(component::Resource<wit::FutureIncomingResponse> future) {
    auto* object = wasi->get<FutureIncomingResponseObject>(component::Borrow<wit::FutureIncomingResponse>{future.rep});
    REQUIRE(object);
    auto& exchange = *object->state->exchange;
    std::string body;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline && !exchange.failed()) {
      loop->run_once(10ms);
      if (exchange.response()) {
        exchange.response_body().read_all(body);
        if (exchange.response_body().at_end()) break;
      }
    }
    REQUIRE_FALSE(exchange.failed());
    REQUIRE(exchange.response());
    return {exchange.response()->status, body};
  }
};

}  // namespace

TEST_CASE("outgoing hook: a refusal is the request's error-code, and nothing is sent") {
  HookFixture f([](RequestHead&) { return ErrorCode::make(engine_http::ErrorKind::http_request_denied, "not by this policy"); });
  auto result = f.send("127.0.0.1:" + std::to_string(f.upstream->port()), "/a?b=c");
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.error().which() == WitErrorCode::Case::HttpRequestDenied);
  CHECK(f.seen == std::vector<std::string>{"GET http://127.0.0.1:" + std::to_string(f.upstream->port()) + "/a?b=c"});
  CHECK((*f.http->client())->stats().requests_sent == 0);
}

TEST_CASE("outgoing hook: a rewritten head is what is sent") {
  uint16_t port = 0;
  HookFixture f([&port](RequestHead& head) -> std::optional<ErrorCode> {
    head.authority = "127.0.0.1:" + std::to_string(port);
    head.path = "/rewritten";
    head.headers.add("x-added-by-hook", "1");
    return std::nullopt;
  });
  port = f.upstream->port();
  auto result = f.send("no-such-host.invalid", "/original");
  REQUIRE(result.is_ok());
  auto [status, body] = f.response(result.value());
  CHECK(status == 200);
  CHECK(body == "hello");
  CHECK(f.seen == std::vector<std::string>{"GET http://no-such-host.invalid/original"});
  CHECK((*f.http->client())->stats().requests_sent == 1);
}

TEST_CASE("outgoing hook: the allow-list is checked before the hook sees the request") {
  HookFixture f([](RequestHead&) -> std::optional<ErrorCode> { return std::nullopt; });
  WasiHttpConfig config;
  config.allow_outbound = {{"127.0.0.1", 1}};
  bool called = false;
  config.outgoing_hook = [&](RequestHead&) -> std::optional<ErrorCode> {
    called = true;
    return std::nullopt;
  };
  WasiHttp http(*f.wasi, *f.loop, std::move(config));
  auto handler = make_outgoing_handler_host(http);
  OutgoingRequestObject denied;
  denied.scheme = wit::Scheme::http();
  denied.authority = "127.0.0.1:" + std::to_string(f.upstream->port());
  denied.headers = std::make_shared<FieldsData>();
  auto handle = f.wasi->push<wit::OutgoingRequest>(std::move(denied));
  REQUIRE(handle.ok());
  auto result = handler->handle(handle.take(), std::nullopt);
  REQUIRE(result.ok());
  REQUIRE_FALSE(result->is_ok());
  CHECK(result->error().which() == WitErrorCode::Case::HttpRequestDenied);
  CHECK_FALSE(called);
}
