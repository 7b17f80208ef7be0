#include "tests/http/test_handlers.h"

#include <string>

#include "http/native_handlers.h"

namespace wasmrun::http::testing {

namespace {
uint64_t query_number(const std::string& path, const char* key, uint64_t fallback) {
  std::string k = std::string(key) + "=";
  size_t at = path.find(k);
  if (at == std::string::npos) return fallback;
  return std::stoull(path.substr(at + k.size()));
}

void count_body(std::shared_ptr<ServerExchange> ex) {
  BodySource& in = ex->request_body();
  std::weak_ptr<ServerExchange> weak = ex;
  auto total = std::make_shared<uint64_t>(0);
  in.set_on_readable([weak, total] {
    auto ex = weak.lock();
    if (!ex) return;
    BodySource& in = ex->request_pipe();
    while (!in.peek().empty()) {
      *total += in.peek().size();
      in.consume(in.peek().size());
    }
    if (in.at_end() && !ex->responded())
      ex->respond(200, {{"content-type", "text/plain"}}, std::to_string(*total));
  });
}

void big_body(std::shared_ptr<ServerExchange> ex, uint64_t n) {
  BodySink& out = ex->respond({200, {{"content-type", "application/octet-stream"},
                                     {"content-length", std::to_string(n)}}});
  auto left = std::make_shared<uint64_t>(n);
  std::weak_ptr<ServerExchange> weak = ex;
  auto fill = [weak, left] {
    auto ex = weak.lock();
    if (!ex) return;
    BodySink& out = ex->response_body();
    static const std::string block(64 * 1024, 'x');
    while (*left > 0 && out.writable() > 0 && !out.abandoned()) {
      size_t k = static_cast<size_t>(std::min<uint64_t>(*left, block.size()));
      out.write(std::string_view(block).substr(0, k));
      *left -= k;
    }
    if (*left == 0) out.finish();
  };
  out.set_on_writable(fill);
  fill();
}

void slow(std::shared_ptr<ServerExchange> ex, uint64_t ms) {
  auto timer = std::make_shared<std::unique_ptr<Timer>>();
  std::weak_ptr<ServerExchange> weak = ex;
  EventLoop* loop = &ex->loop();
  *timer = std::make_unique<Timer>(*loop, [weak, timer, loop] {
    if (auto ex = weak.lock()) ex->respond(200, {{"content-type", "text/plain"}}, "slow");
    // A timer cannot be destroyed inside its own callback: drop it after this batch.
    loop->defer([timer] { timer->reset(); });
  });
  (*timer)->arm_after(std::chrono::milliseconds(ms));
  ex->set_on_cancel([timer] { timer->reset(); });
}
}  // namespace

void test_handler(std::shared_ptr<ServerExchange> ex) {
  const std::string& path = ex->request().path;
  std::string route = path.substr(0, path.find('?'));
  if (route == "/echo") return echo_handler(std::move(ex));
  if (route == "/count") return count_body(std::move(ex));
  if (route == "/big") return big_body(std::move(ex), query_number(path, "n", 1024));
  if (route == "/slow") return slow(std::move(ex), query_number(path, "ms", 100));
  if (route == "/hang") return;  // the connection keeps the exchange until it closes
  if (route == "/stall") {
    BodySink& out = ex->respond({200, {{"content-type", "text/plain"}}});
    out.write("partial");
    return;
  }
  if (route == "/trailers") {
    BodySink& out = ex->respond({200, {{"content-type", "text/plain"}}});
    out.write("body with trailers");
    out.finish({{"x-checksum", "abc123"}, {"x-count", "1"}});
    return;
  }
  hello_handler(std::move(ex));
}

}  // namespace wasmrun::http::testing
