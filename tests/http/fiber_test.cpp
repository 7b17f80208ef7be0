// The streaming interface used from fibers instead of callbacks: a server handler and a client
// exchange written as straight-line code that yields to the loop whenever a body is empty or
// full. Small high-water marks force many waits; the bodies must arrive whole and in order.
#include <doctest/doctest.h>

#include <cctype>
#include <mutex>
#include <thread>

#include "http/client.h"
#include "tests/http/test_fiber.h"
#include "tests/http/test_support.h"

using namespace wasmrun::http;
using namespace wasmrun::http::testing;
using namespace std::chrono_literals;

namespace {

// The fibers of one test, kept until the server and client are gone.
struct FiberPool {
  std::mutex mutex;
  std::vector<std::unique_ptr<TestFiber>> fibers;
  TestFiber& spawn(std::function<void(TestFiber&)> body) {
    std::lock_guard lock(mutex);
    fibers.push_back(std::make_unique<TestFiber>(std::move(body)));
    return *fibers.back();
  }
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Streams the request body back upper-cased, chunk by chunk, with the request's trailers.
void upper_echo_on_fiber(TestFiber& fiber, const std::shared_ptr<ServerExchange>& ex) {
  BodySource& in = ex->request_body();
  BodySink& out = ex->respond(ResponseHead{200, {{"content-type", "text/plain"}}});
  fiber.wake_on(in);
  fiber.wake_on_room(out);
  for (;;) {
    std::string chunk;
    in.read_all(chunk);
    if (!chunk.empty()) {
      fiber.write_all(out, upper(std::move(chunk)));
    } else if (in.at_end()) {
      out.finish(in.trailers());
      return;
    } else if (in.failed()) {
      out.fail(in.error());
      return;
    } else {
      fiber.yield();
    }
  }
}

}  // namespace

TEST_CASE("fibers: a handler and a client exchange stream bodies as straight-line code") {
  FiberPool server_fibers;
  ServerConfig config;
  config.body_high_water = 16 * 1024;
  auto server = start_server(config, [&](std::shared_ptr<ServerExchange> ex) {
    server_fibers.spawn([ex](TestFiber& f) { upper_echo_on_fiber(f, ex); }).resume();
  });
  const std::string body = letters(2 * 1024 * 1024 + 5);

  for (bool h2 : {false, true}) {
    CAPTURE(h2);
    FiberPool client_fibers;
    auto loop = EventLoop::create().take();
    ClientOptions options;
    options.h2c_prior_knowledge = h2;
    auto client = Client::create(*loop, options).take();

    int status = 0;
    std::string received;
    Fields trailers;
    bool body_ok = false;
    TestFiber& fiber = client_fibers.spawn([&](TestFiber& f) {
      auto ex = client->send(RequestHead{"POST", "http", "127.0.0.1:" + std::to_string(server->port()), "/", {}});
      f.wake_on_room(ex->request_body());
      f.wake_on(ex->response_body());
      ex->set_on_response([&f] { f.resume(); });
      // An echo answers while the request is still being sent: write and read in turn, and
      // wait for the loop only when neither can move.
      BodySink& out = ex->request_body();
      size_t sent = 0;
      for (;;) {
        bool moved = false;
        if (size_t n = std::min(out.writable(), body.size() - sent); n > 0) {
          out.write(std::string_view(body).substr(sent, n));
          sent += n;
          moved = true;
        }
        if (sent == body.size() && !out.finished()) {
          out.finish({{"x-sum", "42"}});
          moved = true;
        }
        if (ex->failed()) return;
        if (ex->response()) {
          status = ex->response()->status;
          BodySource& in = ex->response_body();
          moved |= in.read_all(received) > 0;
          if (in.failed()) return;
          if (in.at_end()) break;
        }
        if (!moved) f.yield();
      }
      body_ok = true;
      trailers = ex->response_body().trailers();
    });
    fiber.resume();
    CHECK(run_until(*loop, [&] { return fiber.finished(); }, 20s));
    CHECK(status == 200);
    CHECK(body_ok);
    CHECK(received.size() == body.size());
    bool echoed_upper_cased = received == upper(body);  // (not printed: 2 MiB)
    CHECK(echoed_upper_cased);
    REQUIRE(trailers.get("x-sum"));
    CHECK(*trailers.get("x-sum") == "42");
    // The body could not pass in one piece: the fiber waited for the loop many times.
    CHECK(fiber.yields() > 10);
    client.reset();
    loop->run_once(0ms);
  }
}
