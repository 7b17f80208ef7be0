#include "http/client.h"

#include <fmt/format.h>

#include "http/client_pool.h"

namespace wasmrun::http {

ClientExchange::ClientExchange(EventLoop& loop, RequestHead head, RequestOptions options, size_t high_water)
    : timer(loop, [this] {
        if (on_timer) on_timer();
      }),
      request_(std::move(head)),
      options_(options),
      request_body_(loop, high_water),
      response_body_(loop, high_water),
      response_call_(loop, nullptr) {}

ClientExchange::~ClientExchange() = default;

void ClientExchange::set_on_response(std::function<void()> callback) {
  response_call_.set_callback(std::move(callback));
  if (response_ || error_) response_call_.schedule();
}

void ClientExchange::deliver_response(ResponseHead head) {
  if (response_ || error_) return;
  response_ = std::move(head);
  response_call_.schedule();
}

void ClientExchange::deliver_error(ErrorCode error) {
  timer.cancel();
  request_body_.abandon();
  if (error_) return;
  if (response_) {
    response_body_.fail(std::move(error));
    return;
  }
  error_ = std::move(error);
  response_call_.schedule();
}

void ClientExchange::cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  timer.cancel();
  ClientConnection* c = connection;
  connection = nullptr;
  if (c) c->cancel(*this);
  request_body_.abandon();
  response_body_.abandon();
  response_call_.set_callback(nullptr);
}

Client::Client(EventLoop& loop, ClientOptions options) : loop_(loop), options_(std::move(options)) {}

Expected<std::unique_ptr<Client>> Client::create(EventLoop& loop, ClientOptions options) {
  std::unique_ptr<Client> client(new Client(loop, std::move(options)));
  auto resolver = Resolver::create(loop, client->options_.dns_servers, client->options_.dns_timeout);
  if (!resolver) return resolver.error();
  client->resolver_ = resolver.take();
  return client;
}

Client::~Client() {
  resolver_.reset();  // pending lookups are dropped before the pools that wait for them go
  for (auto& [key, pool] : pools_) {
    std::vector<ClientConnection*> open;
    for (auto& [raw, c] : pool->connections) open.push_back(raw);
    for (ClientConnection* c : open)
      c->close_now(ErrorCode::make(ErrorKind::connection_terminated, "the client was destroyed"));
    for (auto& ex : pool->pending)
      ex->deliver_error(ErrorCode::make(ErrorKind::connection_terminated, "the client was destroyed"));
  }
  pools_.clear();
}

size_t Client::open_connections() const {
  size_t n = 0;
  for (auto& [key, pool] : pools_) n += pool->connections.size();
  return n;
}

Expected<std::shared_ptr<TlsClientContext>> Client::tls_context() {
  if (!tls_) {
    auto ctx = TlsClientContext::create(options_.tls);
    if (!ctx) return ctx.error();
    tls_ = ctx.take();
  }
  return tls_;
}

namespace {
// Splits host[:port] (host may be a bracketed IPv6 literal). Returns false if malformed.
bool split_authority(std::string_view authority, bool tls, std::string& host, uint16_t& port) {
  port = tls ? 443 : 80;
  if (authority.empty()) return false;
  std::string_view port_text;
  if (authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host.assign(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return false;
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      if (authority.find(':') != colon) return false;  // bare IPv6 must be bracketed
      port_text = authority.substr(colon + 1);
      host.assign(authority.substr(0, colon));
    } else {
      host.assign(authority);
    }
  }
  if (host.empty()) return false;
  for (char c : host)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '?' || c == '#' || c == '@') return false;
  if (!port_text.empty()) {
    auto p = parse_decimal(port_text);
    if (!p || *p == 0 || *p > 65535) return false;
    port = static_cast<uint16_t>(*p);
  }
  return true;
}
}  // namespace

std::shared_ptr<ClientExchange> Client::send(RequestHead head, RequestOptions options) {
  auto ex = std::make_shared<ClientExchange>(loop_, std::move(head), options, options_.body_high_water);
  const RequestHead& r = ex->request();
  bool tls = r.scheme == "https";
  std::string host;
  uint16_t port = 0;
  if (r.scheme != "http" && !tls) {
    ex->deliver_error(ErrorCode::make(ErrorKind::http_request_uri_invalid,
                                      fmt::format("unsupported scheme '{}'", r.scheme)));
    return ex;
  }
  if (!is_token(r.method)) {
    ex->deliver_error(ErrorCode::make(ErrorKind::http_request_method_invalid,
                                      fmt::format("invalid method '{}'", r.method)));
    return ex;
  }
  if (!split_authority(r.authority, tls, host, port)) {
    ex->deliver_error(ErrorCode::make(ErrorKind::http_request_uri_invalid,
                                      fmt::format("invalid authority '{}'", r.authority)));
    return ex;
  }
  bool path_ok = !r.path.empty() && (r.path[0] == '/' || r.path == "*");
  for (char c : r.path) path_ok = path_ok && is_target_char(static_cast<uint8_t>(c));
  if (!path_ok) {
    ex->deliver_error(ErrorCode::make(ErrorKind::http_request_uri_invalid,
                                      fmt::format("invalid path '{}'", r.path)));
    return ex;
  }
  for (const Field& f : r.headers) {
    if (!is_token(f.name) || !is_field_value(f.value)) {
      ex->deliver_error(ErrorCode::make(ErrorKind::internal_error,
                                        fmt::format("invalid header field '{}'", f.name)));
      return ex;
    }
  }
  if (tls) {
    auto ctx = tls_context();
    if (!ctx) {
      ex->deliver_error(ErrorCode::make(ErrorKind::configuration_error, ctx.error().message));
      return ex;
    }
  }
  std::string key = fmt::format("{}://{}:{}", r.scheme, host, port);
  if (tls) key += "|" + options_.tls.key();
  else if (options_.h2c_prior_knowledge) key += "|h2c";
  auto& pool = pools_[key];
  if (!pool) pool = std::make_unique<HostPool>(*this, key, r.scheme, host, port);
  ++stats_.requests_sent;
  pool->enqueue(ex);
  return ex;
}

}  // namespace wasmrun::http
