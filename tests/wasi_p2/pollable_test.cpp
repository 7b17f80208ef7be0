// The pollables and the in-place waiter of wasi/p2 (pollable.h), and the fd streams (streams.h).
#include <doctest/doctest.h>
#include <poll.h>
#include <unistd.h>

#include "wasi/p2/pollable.h"
#include "wasi/p2/streams.h"

using namespace wasmrun::wasi::p2;

TEST_CASE("PollWaiter returns the ready pollables and sleeps until a deadline") {
  ReadyPollable ready;
  DeadlinePollable later(monotonic_now_ns() + 20'000'000);
  DeadlinePollable past(monotonic_now_ns() - 1);
  PollWaiter waiter;
  Pollable* all[] = {&later, &ready, &past};
  CHECK(waiter.wait(all) == std::vector<uint32_t>{1, 2});

  uint64_t start = monotonic_now_ns();
  Pollable* only_later[] = {&later};
  CHECK(waiter.wait(only_later) == std::vector<uint32_t>{0});
  CHECK(monotonic_now_ns() >= start + 1'000'000);  // it waited rather than spun out at once
  CHECK(later.ready());
}

TEST_CASE("an fd input stream: nothing yet, then the bytes its pollable announced, then closed") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  auto in = fd_input_stream({.fd = p[0]});
  auto first = in->read(16);
  REQUIRE(first.is_ok());
  CHECK(first.value().empty());
  auto pollable = in->subscribe();
  CHECK_FALSE(pollable->ready());

  auto out = fd_output_stream({.fd = p[1]});
  REQUIRE(out->check_write().is_ok());
  const uint8_t bytes[] = {'h', 'i'};
  REQUIRE(out->write(bytes).is_ok());
  PollWaiter waiter;
  Pollable* list[] = {pollable.get()};
  CHECK(waiter.wait(list) == std::vector<uint32_t>{0});
  auto got = in->read(16);
  REQUIRE(got.is_ok());
  CHECK(got.value() == std::vector<uint8_t>{'h', 'i'});

  close(p[1]);
  auto end = in->read(16);
  REQUIRE_FALSE(end.is_ok());
  CHECK_FALSE(end.error().error.has_value());  // closed, not failed
  close(p[0]);
}

TEST_CASE("an fd output stream reports a failed write with the host error") {
  auto out = fd_output_stream({.fd = -1});
  const uint8_t bytes[] = {1};
  auto r = out->write(bytes);
  REQUIRE_FALSE(r.is_ok());
  REQUIRE(r.error().error.has_value());
  CHECK(r.error().error->host_errno == EBADF);
}
