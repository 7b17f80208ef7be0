// The driver of `wasmrun serve` on loopback: examples/http/hello.wat and small components in
// text served by ProxyServer, fetched with the engine's client.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <iterator>

#include "http/client.h"
#include "text/wat.h"
#include "wasi/http/proxy_server.h"
#include "wasmrun/component/component.h"

using namespace wasmrun;
using namespace std::chrono_literals;

namespace {

struct Fetched {
  int status = 0;
  std::string body;
  std::string content_type;
  bool failed = false;
};

Fetched fetch(uint16_t port, std::string path) {
  auto loop = http::EventLoop::create().take();
  auto client = http::Client::create(*loop, {}).take();
  http::RequestHead head{"GET", "http", "127.0.0.1:" + std::to_string(port), std::move(path), {}};
  auto ex = client->send(std::move(head));
  ex->request_body().finish();
  Fetched f;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    loop->run_once(10ms);
    if (ex->failed()) {
      f.failed = true;
      break;
    }
    if (ex->response()) {
      ex->response_body().read_all(f.body);
      if (ex->response_body().at_end() || ex->response_body().failed()) break;
    }
  }
  if (ex->response()) {
    f.status = ex->response()->status;
    if (auto* ct = ex->response()->headers.get("content-type")) f.content_type = *ct;
  }
  return f;
}

wasi::http::ProxyConfig loopback_config() {
  wasi::http::ProxyConfig c;
  c.server.host = "127.0.0.1";
  c.server.port = 0;
  c.server.threads = 1;
  c.error_log = nullptr;
  return c;
}

// A proxy whose handler traps at once.
constexpr const char* kTrapping = R"((component
  (import "wasi:http/types@0.2.0" (instance $types
    (export "incoming-request" (type (sub resource)))
    (export "response-outparam" (type (sub resource)))))
  (alias export $types "incoming-request" (type $req))
  (alias export $types "response-outparam" (type $out))
  (core module $m (func (export "handle") (param i32 i32) unreachable))
  (core instance $i (instantiate $m))
  (func $handle (param "request" (own $req)) (param "response-out" (own $out)) (canon lift (core func $i "handle")))
  (instance $h (export "handle" (func $handle)))
  (export "wasi:http/incoming-handler@0.2.0" (instance $h))))";

Component component_from_text(const Engine& engine, const char* text) {
  auto binary = text::parse_wat(text, "test.wat");
  REQUIRE_MESSAGE(binary.ok(), (binary ? "" : binary.error().message));
  auto c = Component::from_binary(engine, *binary);
  REQUIRE_MESSAGE(c.ok(), (c ? "" : c.error().message));
  return c.take();
}

}  // namespace

TEST_CASE("serve: examples/http/hello.wat answers with a fresh instance per request") {
  auto engine = Engine::create({}).take();
  auto component = Component::from_file(engine, std::string(EXAMPLES_HTTP_DIR) + "/hello.wat");
  REQUIRE_MESSAGE(component.ok(), (component ? "" : component.error().message));
  auto server = wasi::http::ProxyServer::start(engine, *component, loopback_config());
  REQUIRE_MESSAGE(server.ok(), (server ? "" : server.error().message));
  for (const char* path : {"/a", "/b?c=d"}) {
    auto f = fetch((*server)->port(), path);
    CHECK_FALSE(f.failed);
    CHECK(f.status == 200);
    CHECK(f.content_type == "text/plain");
    CHECK(f.body == std::string("hello from wasmrun, path=") + path + "\n");
  }
  CHECK((*server)->stats().requests == 2);
  CHECK((*server)->stats().traps == 0);
}

TEST_CASE("serve: a trap before the head is a 500, and the server keeps serving") {
  auto engine = Engine::create({}).take();
  auto component = component_from_text(engine, kTrapping);
  auto server = wasi::http::ProxyServer::start(engine, component, loopback_config());
  REQUIRE_MESSAGE(server.ok(), (server ? "" : server.error().message));
  for (int i = 0; i < 3; ++i) {
    auto f = fetch((*server)->port(), "/");
    CHECK(f.status == 500);
  }
  CHECK((*server)->stats().traps == 3);
}

TEST_CASE("serve: a component that is no wasi:http/proxy is refused before serving") {
  auto engine = Engine::create({}).take();
  auto component = component_from_text(engine, "(component)");
  auto server = wasi::http::ProxyServer::start(engine, component, loopback_config());
  REQUIRE_FALSE(server.ok());
  CHECK(server.error().message.find("incoming-handler") != std::string::npos);
}

namespace {

// examples/http/hello.wat with another `handle`: it answers with 8 bytes — the i32 at 60000 and
// memory.size as it found them — then leaves a secret at 60000, grows the memory by two pages
// and writes the secret there too. A fresh instance must find 0 and 1 page every time, though
// its loop reuses the previous request's pool slot.
std::string grow_and_leave_secret() {
  std::ifstream in(std::string(EXAMPLES_HTTP_DIR) + "/hello.wat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t begin = text.find("    (func (export \"handle\")");
  size_t end = text.find("  (core instance $main");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  return text.substr(0, begin) + R"(
    (func (export "handle") (param $req i32) (param $outparam i32)
      (local $resp i32) (local $body i32) (local $out i32)
      (call $drop-req (local.get $req))
      (i32.store (i32.const 200) (i32.load (i32.const 60000)))
      (i32.store (i32.const 204) (memory.size))
      (i32.store (i32.const 60000) (i32.const 0x52434553))
      (if (i32.ne (memory.grow (i32.const 2)) (i32.const 1)) (then unreachable))
      (i32.store (i32.const 131080) (i32.const 0x52434553))
      (local.set $resp (call $resp-new (call $fields-new)))
      (call $resp-body (local.get $resp) (i32.const 64))
      (local.set $body (i32.load (i32.const 68)))
      (call $outparam-set (local.get $outparam) (i32.const 0) (local.get $resp)
            (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
      (call $body-write (local.get $body) (i32.const 64))
      (local.set $out (i32.load (i32.const 68)))
      (call $write (local.get $out) (i32.const 200) (i32.const 8))
      (call $drop-out (local.get $out))
      (call $body-finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 64))))
)" + text.substr(end);
}

}  // namespace

TEST_CASE("serve: a request sees nothing a previous one wrote or grew in the reused memory") {
  auto engine = Engine::create({}).take();
  std::string text = grow_and_leave_secret();
  auto component = component_from_text(engine, text.c_str());
  auto server = wasi::http::ProxyServer::start(engine, component, loopback_config());
  REQUIRE_MESSAGE(server.ok(), (server ? "" : server.error().message));
  const std::string fresh("\0\0\0\0\1\0\0\0", 8);
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    auto f = fetch((*server)->port(), "/");
    CHECK(f.status == 200);
    CHECK(f.body == fresh);
  }
  CHECK((*server)->stats().traps == 0);
}
