#include "wasi/http/host.h"

#include "wasi/http/objects.h"

namespace wasmrun::wasi::http {

WasiHttp::WasiHttp(p2::WasiP2& wasi, ::wasmrun::http::EventLoop& loop, WasiHttpConfig config)
    : wasi_(wasi), loop_(loop), config_(std::move(config)) {
  types_ = make_types_host(*this);
  outgoing_ = make_outgoing_handler_host(*this);
}

WasiHttp::~WasiHttp() = default;

Expected<void> WasiHttp::add_to_linker(component::Linker& linker) {
  if (auto ok = ::bindings::wasi::http::types::add_to_linker(linker, *types_); !ok) return ok;
  return ::bindings::wasi::http::outgoing_handler::add_to_linker(linker, *outgoing_);
}

component::TrapOr<component::Resource<wit::IncomingRequest>> WasiHttp::new_incoming_request(
    std::shared_ptr<::wasmrun::http::ServerExchange> exchange) {
  return wasi_.push<wit::IncomingRequest>(IncomingRequestObject{std::move(exchange), nullptr});
}

component::TrapOr<component::Resource<wit::ResponseOutparam>> WasiHttp::new_response_outparam(
    std::shared_ptr<::wasmrun::http::ServerExchange> exchange) {
  return wasi_.push<wit::ResponseOutparam>(ResponseOutparamObject{std::move(exchange)});
}

Expected<::wasmrun::http::Client*> WasiHttp::client() {
  if (!client_) {
    auto c = ::wasmrun::http::Client::create(loop_, config_.client);
    if (!c) return c.error();
    client_ = c.take();
  }
  return client_.get();
}

}  // namespace wasmrun::wasi::http
