// The wasi:http host (wasi:http/types and outgoing-handler, 0.2.0 ... 0.2.12) on the http/
// engine, beside the WASI 0.2 host of wasi/p2 whose resource table it shares (bodies are
// wasi:io streams, their readiness wasi:io pollables).
//
// One WasiHttp serves the guests of one event loop: host functions run on that loop's thread
// (or on a guest task that holds the loop, see guest_task.h), and the table is the one of the
// request whose guest runs now (WasiP2::set_table).
//
//   WasiHttp http(wasi, loop, {});
//   http.add_to_linker(linker);
//   auto req = http.new_incoming_request(exchange);   // the arguments of incoming-handler.handle
//   auto out = http.new_response_outparam(exchange);
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/client.h"
#include "http/event_loop.h"
#include "http/server_exchange.h"
#include "wasi/p2/context.h"
#include "wasmrun/component/linker.h"
#include "wit/wasi_http.h"
#include "wit/wasi_http_traits.h"

namespace wasmrun::wasi::http {

// A destination outgoing requests may reach: a host name or address, and a port (0: any).
struct OutboundRule {
  std::string host;
  uint16_t port = 0;
};

// What decides an outgoing request's fate before it is sent (Wasmtime's send_request hook):
// return an ErrorCode to refuse it, or change the head.
using OutgoingHook = std::function<std::optional<::wasmrun::http::ErrorCode>(::wasmrun::http::RequestHead& head)>;

struct WasiHttpConfig {
  // Empty: any destination (as Wasmtime); else only those listed.
  std::vector<OutboundRule> allow_outbound;
  OutgoingHook outgoing_hook;
  ::wasmrun::http::ClientOptions client;
};

class WasiHttp {
 public:
  WasiHttp(p2::WasiP2& wasi, ::wasmrun::http::EventLoop& loop, WasiHttpConfig config);
  ~WasiHttp();

  // wasi:http/types and wasi:http/outgoing-handler at 0.2.12 (older 0.2 imports match).
  Expected<void> add_to_linker(component::Linker& linker);

  // The arguments of incoming-handler.handle for one exchange.
  component::TrapOr<component::Resource<::bindings::wasi::http::types::IncomingRequest>> new_incoming_request(
      std::shared_ptr<::wasmrun::http::ServerExchange> exchange);
  component::TrapOr<component::Resource<::bindings::wasi::http::types::ResponseOutparam>> new_response_outparam(
      std::shared_ptr<::wasmrun::http::ServerExchange> exchange);

  p2::WasiP2& wasi() { return wasi_; }
  ::wasmrun::http::EventLoop& loop() { return loop_; }
  const WasiHttpConfig& config() const { return config_; }
  // The outgoing client, created on first use.
  Expected<::wasmrun::http::Client*> client();

 private:
  p2::WasiP2& wasi_;
  ::wasmrun::http::EventLoop& loop_;
  WasiHttpConfig config_;
  std::unique_ptr<::wasmrun::http::Client> client_;
  std::unique_ptr<::bindings::wasi::http::types::Host> types_;
  std::unique_ptr<::bindings::wasi::http::outgoing_handler::Host> outgoing_;
};

// The hosts, in types_host.cpp and outgoing_handler.cpp.
std::unique_ptr<::bindings::wasi::http::types::Host> make_types_host(WasiHttp& http);
std::unique_ptr<::bindings::wasi::http::outgoing_handler::Host> make_outgoing_handler_host(WasiHttp& http);

}  // namespace wasmrun::wasi::http
