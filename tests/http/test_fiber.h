// A minimal stackful fiber (ucontext) for the tests: straight-line handler code that waits for
// the body callbacks by yielding back to the event loop, as the wasi:http host's guest fibers
// will. Resumed only from its loop's thread; never resumed from inside itself.
#pragma once

#include <ucontext.h>

#include <cstddef>
#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/body.h"

namespace wasmrun::http::testing {

class TestFiber {
 public:
  explicit TestFiber(std::function<void(TestFiber&)> body, size_t stack_size = 256 * 1024)
      : body_(std::move(body)), stack_(stack_size) {}
  TestFiber(const TestFiber&) = delete;
  TestFiber& operator=(const TestFiber&) = delete;

  // Runs the fiber until it yields or returns; a no-op once it finished or while it runs.
  void resume() {
    if (finished_ || running_) return;
    running_ = true;
    if (!started_) {
      started_ = true;
      getcontext(&self_);
      self_.uc_stack.ss_sp = stack_.data();
      self_.uc_stack.ss_size = stack_.size();
      self_.uc_link = &caller_;
      starting() = this;
      makecontext(&self_, &TestFiber::entry, 0);
    }
    swapcontext(&caller_, &self_);
    running_ = false;
  }
  // Inside the fiber: suspends it and returns to whoever resumed it.
  void yield() {
    ++yields_;
    swapcontext(&self_, &caller_);
  }
  bool finished() const { return finished_; }
  size_t yields() const { return yields_; }

  // Makes a body's readiness resume this fiber: arrivals on a body it reads, room on a body it
  // writes. Install them once, before the fiber first waits (see http/body.h); the fiber must
  // outlive the pipe's loop activity.
  void wake_on(BodySource& in) { in.set_on_readable([this] { resume(); }); }
  void wake_on_room(BodySink& out) { out.set_on_writable([this] { resume(); }); }
  // Inside the fiber: writes `data`, yielding while the sink is full (wake_on_room(out) first).
  void write_all(BodySink& out, std::string_view data) {
    while (!data.empty() && !out.abandoned()) {
      size_t n = std::min(out.writable(), data.size());
      if (n == 0) {
        yield();
        continue;
      }
      out.write(data.substr(0, n));
      data.remove_prefix(n);
    }
  }

 private:
  static TestFiber*& starting() {
    thread_local TestFiber* fiber = nullptr;
    return fiber;
  }
  static void entry() {
    TestFiber* self = starting();
    self->body_(*self);
    self->body_ = nullptr;   // drops what the body captured (an exchange, say) now
    self->finished_ = true;  // returning switches to uc_link, the last resumer
  }

  std::function<void(TestFiber&)> body_;
  std::vector<char> stack_;
  ucontext_t self_{}, caller_{};
  bool started_ = false, running_ = false, finished_ = false;
  size_t yields_ = 0;
};

}  // namespace wasmrun::http::testing
