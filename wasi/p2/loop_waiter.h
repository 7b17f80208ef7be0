// A Waiter (pollable.h) that waits on an http::EventLoop (DESIGN §7). Each wait registers every
// source of the poll list with the loop — fds as watchers, deadlines as timers, notifiers as
// wake-ups — and unregisters them all once one fired:
// - on a fiber (serve: one per request), it suspends the fiber, and the loop resumes it after the
//   batch of events in which a source fired; thousands of guests can wait on one thread;
// - on the thread's own stack (a command), it runs the loop in place until a source fires, so
//   the loop's other work (an outgoing request's connection, say) goes on meanwhile.
// One LoopWaiter can serve every guest of its loop's thread. A fiber must not move (its
// wasmrun::Fiber object) while it waits; a wait on the thread's stack must not be made from inside
// one of the loop's own callbacks.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "http/event_loop.h"
#include "wasi/p2/pollable.h"
#include "wasmrun/fiber.h"

namespace wasmrun::wasi::p2 {

class LoopWaiter final : public Waiter {
 public:
  // Resumes a fiber whose wait is over. By default Fiber::resume(); a host running many guests
  // on one loop (serve) passes its own, to switch to that guest's state (its resource table)
  // around the resumption and to clean up once the guest returned.
  using Resumer = std::function<void(Fiber&)>;

  explicit LoopWaiter(::wasmrun::http::EventLoop& loop, Resumer resume = {}) : loop_(loop), resume_(std::move(resume)) {}
  LoopWaiter(const LoopWaiter&) = delete;
  LoopWaiter& operator=(const LoopWaiter&) = delete;

  // The ready indexes, ascending. Empty when the wait was abandoned: the fiber waiting is being
  // destroyed (wasmrun::Fiber::suspend returned false).
  std::vector<uint32_t> wait(std::span<Pollable* const> ps) override;

  ::wasmrun::http::EventLoop& loop() { return loop_; }

 private:
  ::wasmrun::http::EventLoop& loop_;
  Resumer resume_;
};

}  // namespace wasmrun::wasi::p2
