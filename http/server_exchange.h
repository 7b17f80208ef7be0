// One request/response exchange on the server, the same for HTTP/1.1 and HTTP/2: what a handler
// gets. The connection owns the transport side; the handler holds a shared_ptr and may keep it
// beyond the handler call (respond later, from a fiber or a callback).
//
//   void handle(std::shared_ptr<ServerExchange> ex) {
//     BodySource& in = ex->request_body();       // stream the request body (sends 100 Continue)
//     BodySink& out = ex->respond({200, {{"content-type", "text/plain"}}});
//     out.write("hello");                          // while out.writable() > 0, else wait
//     out.finish();                                // or finish(trailers)
//   }
//
// Framing of the response: a Content-Length field in the head is honoured (the body must match);
// otherwise a body already complete when the head is sent gets a Content-Length, and a streamed
// one is chunked (HTTP/1.1), sent as DATA frames (HTTP/2) or delimited by close (HTTP/1.0).
// If the peer goes away or resets the stream, cancelled() turns true, on_cancel runs, the request
// body fails with connection-terminated and the response body is abandoned.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "http/body.h"
#include "http/message.h"

namespace wasmrun::http {

class ServerExchange;

// What a connection implements for its exchanges (internal to the server).
class ExchangeHost {
 public:
  virtual ~ExchangeHost() = default;
  virtual void on_response_started(ServerExchange& exchange) = 0;
  virtual void on_body_wanted(ServerExchange& exchange) = 0;  // e.g. send 100 Continue
};

class ServerExchange {
 public:
  ServerExchange(EventLoop& loop, ExchangeHost* host, RequestHead head, size_t high_water);
  // How connections make exchanges: in storage the thread reuses (see server_exchange.cpp).
  static std::shared_ptr<ServerExchange> make(EventLoop& loop, ExchangeHost* host, RequestHead head,
                                              size_t high_water);

  EventLoop& loop() { return loop_; }
  const RequestHead& request() const { return request_; }
  // The request body; calling it tells the connection the body is wanted (100-continue).
  BodySource& request_body();

  // Starts the response; write its body into the returned sink. Call at most once.
  BodySink& respond(ResponseHead head);
  // A whole response at once.
  void respond(int status, Fields headers, std::string_view body);
  bool responded() const { return response_.has_value(); }
  const ResponseHead& response() const { return *response_; }
  BodySink& response_body() { return response_body_; }

  bool cancelled() const { return cancelled_; }
  void set_on_cancel(std::function<void()> callback) { on_cancel_ = std::move(callback); }

  // ---- connection side ----
  BodyPipe& request_pipe() { return request_body_; }
  void cancel(const ErrorCode& why);
  void detach() { host_ = nullptr; }

 private:
  EventLoop& loop_;
  ExchangeHost* host_;
  RequestHead request_;
  BodyPipe request_body_;
  BodyPipe response_body_;
  std::optional<ResponseHead> response_;
  bool body_wanted_ = false;
  bool cancelled_ = false;
  std::function<void()> on_cancel_;
};

using Handler = std::function<void(std::shared_ptr<ServerExchange>)>;

}  // namespace wasmrun::http
