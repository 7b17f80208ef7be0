#include "http/server_exchange.h"

namespace wasmrun::http {

ServerExchange::ServerExchange(EventLoop& loop, ExchangeHost* host, RequestHead head,
                               size_t high_water)
    : loop_(loop),
      host_(host),
      request_(std::move(head)),
      request_body_(loop, high_water),
      response_body_(loop, high_water) {}

BodySource& ServerExchange::request_body() {
  if (!body_wanted_) {
    body_wanted_ = true;
    if (host_) host_->on_body_wanted(*this);
  }
  return request_body_;
}

BodySink& ServerExchange::respond(ResponseHead head) {
  if (!response_) {
    response_ = std::move(head);
    if (host_) host_->on_response_started(*this);
  }
  return response_body_;
}

void ServerExchange::respond(int status, Fields headers, std::string_view body) {
  ResponseHead head{status, std::move(headers)};
  BodySink& sink = respond(std::move(head));
  sink.write(body);
  sink.finish();
}

void ServerExchange::cancel(const ErrorCode& why) {
  host_ = nullptr;
  if (cancelled_) return;
  cancelled_ = true;
  request_body_.fail(why);
  response_body_.abandon();
  if (on_cancel_) {
    auto callback = std::move(on_cancel_);
    callback();
  }
}

}  // namespace wasmrun::http
