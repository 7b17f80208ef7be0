#include "http/native_handlers.h"

namespace wasmrun::http {

void hello_handler(std::shared_ptr<ServerExchange> exchange) {
  exchange->respond(200, {{"content-type", "text/plain"}}, "hello");
}

namespace {
// Moves what the request body has into the response body, as far as the response accepts.
void echo_pump(const std::shared_ptr<ServerExchange>& ex) {
  BodySource& in = ex->request_pipe();
  BodySink& out = ex->response_body();
  if (ex->cancelled() || out.abandoned()) {
    in.abandon();
    return;
  }
  while (out.writable() > 0) {
    std::string_view piece = in.peek();
    if (piece.empty()) break;
    size_t n = std::min(piece.size(), out.writable());
    out.write(piece.substr(0, n));
    in.consume(n);
  }
  if (in.failed()) {
    out.fail(in.error());
  } else if (in.at_end()) {
    out.finish(in.trailers());
  }
}
}  // namespace

void echo_handler(std::shared_ptr<ServerExchange> exchange) {
  BodySource& in = exchange->request_body();
  BodySink& out = exchange->respond({200, {{"content-type", "application/octet-stream"}}});
  // The callbacks hold the exchange weakly: the pipes live in it, so a strong reference from
  // its own pipe would keep it alive forever.
  std::weak_ptr<ServerExchange> weak = exchange;
  auto pump = [weak] {
    if (auto ex = weak.lock()) echo_pump(ex);
  };
  in.set_on_readable(pump);
  out.set_on_writable(pump);
  // Keep the exchange alive until the body is done: the connection holds it while in flight.
}

}  // namespace wasmrun::http
