// wasi:http/outgoing-handler on the engine's pooling client: the request checked as Wasmtime
// checks it (scheme, authority, method, path), against the allow-list and the embedder's hook,
// then sent; its body attached to the client exchange's request body.
#include <fmt/format.h>

#include <algorithm>

#include "http/syntax.h"
#include "wasi/http/error_code.h"
#include "wasi/http/host.h"
#include "wasi/http/objects.h"
#include "wasi/http/request_parts.h"

namespace wasmrun::wasi::http {

namespace {

using component::Resource;
using component::Result;
using component::TrapOr;
namespace out = ::bindings::wasi::http::outgoing_handler;

engine::ErrorCode error(engine::ErrorKind kind, std::string detail) { return engine::ErrorCode::make(kind, std::move(detail)); }

bool allowed(const std::vector<OutboundRule>& rules, const HostPort& dest) {
  if (rules.empty()) return true;
  return std::ranges::any_of(rules, [&](const OutboundRule& r) {
    return ::wasmrun::http::iequals(r.host, dest.host) && (r.port == 0 || r.port == dest.port);
  });
}

std::chrono::nanoseconds ns(uint64_t n) { return std::chrono::nanoseconds(int64_t(std::min<uint64_t>(n, INT64_MAX))); }

class OutgoingHandlerHost final : public out::Host {
 public:
  explicit OutgoingHandlerHost(WasiHttp& http) : http_(http), wasi_(http.wasi()) {}

  TrapOr<Result<Resource<wit::FutureIncomingResponse>, wit::ErrorCode>> handle(
      Resource<wit::OutgoingRequest> request, std::optional<Resource<wit::RequestOptions>> options) override {
    using R = Result<Resource<wit::FutureIncomingResponse>, wit::ErrorCode>;
    auto req = wasi_.remove<OutgoingRequestObject>(request);
    if (!req) return p2::unknown_handle("outgoing-request");
    ::wasmrun::http::RequestOptions engine_options;
    if (options) {
      auto o = wasi_.remove<RequestOptionsObject>(*options);
      if (!o) return p2::unknown_handle("request-options");
      if (o->connect_timeout_ns) engine_options.connect_timeout = ns(*o->connect_timeout_ns);
      if (o->first_byte_timeout_ns) engine_options.first_byte_timeout = ns(*o->first_byte_timeout_ns);
      if (o->between_bytes_timeout_ns) engine_options.between_bytes_timeout = ns(*o->between_bytes_timeout_ns);
    }
    auto fail = [&](engine::ErrorCode e) -> R {
      if (req->body && !req->body->finished) req->body->pipe->fail(e);
      return R::err(to_wit(e));
    };

    engine::RequestHead head;
    head.method = method_name(req->method);
    // No scheme means https, as in Wasmtime.
    head.scheme = req->scheme ? scheme_name(*req->scheme) : "https";
    if (head.scheme != "http" && head.scheme != "https")
      return fail(error(engine::ErrorKind::http_protocol_error, "unsupported scheme " + head.scheme));
    if (!req->authority) return fail(error(engine::ErrorKind::http_request_uri_invalid, "the request has no authority"));
    auto dest = split_authority(*req->authority);
    if (!dest) return fail(error(engine::ErrorKind::http_request_uri_invalid, "invalid authority " + *req->authority));
    if (dest->port == 0) dest->port = head.scheme == "https" ? 443 : 80;
    head.authority = *req->authority;
    head.path = req->path_with_query && !req->path_with_query->empty() ? *req->path_with_query : "/";
    head.headers = to_engine_fields(req->headers->entries);
    if (!allowed(http_.config().allow_outbound, *dest))
      return fail(error(engine::ErrorKind::http_request_denied,
                        fmt::format("{}:{} is not in --allow-outbound", dest->host, dest->port)));
    if (http_.config().outgoing_hook) {
      if (auto refused = http_.config().outgoing_hook(head)) return fail(*refused);
    }
    auto client = http_.client();
    if (!client) return fail(error(engine::ErrorKind::internal_error, client.error().message));

    auto state = std::make_shared<FutureResponseState>();
    state->exchange = (*client)->send(std::move(head), engine_options);
    if (req->body) {
      req->body->attach(state->exchange->request_body(), state->exchange);
    } else {
      state->exchange->request_body().finish();
    }
    state->exchange->set_on_response([signal = state->signal] { signal->notifier.notify(); });
    auto pushed = wasi_.push<wit::FutureIncomingResponse>(FutureIncomingResponseObject{std::move(state)});
    if (!pushed) return pushed.take_trap();
    return R::ok(pushed.take());
  }

 private:
  WasiHttp& http_;
  p2::WasiP2& wasi_;
};

}  // namespace

std::unique_ptr<out::Host> make_outgoing_handler_host(WasiHttp& http) {
  return std::make_unique<OutgoingHandlerHost>(http);
}

}  // namespace wasmrun::wasi::http
