#include "wasi/p2/loop_waiter.h"

#include <poll.h>
#include <sys/epoll.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "wasmrun/fiber.h"

namespace wasmrun::wasi::p2 {

namespace {

// poll(2) and epoll share their event bits on Linux, so a WaitSource's events go to epoll as is.
static_assert(POLLIN == EPOLLIN && POLLOUT == EPOLLOUT && POLLPRI == EPOLLPRI && POLLERR == EPOLLERR &&
              POLLHUP == EPOLLHUP && POLLRDHUP == EPOLLRDHUP);

// An fd the loop cannot watch (one it already watches for someone else) is asked again this often.
constexpr auto kRecheckInterval = std::chrono::milliseconds(10);

// One round of waiting: registered sources call wake(). Callbacks can outlive the round (a
// notifier keeps a wake-up until it next notifies; a watcher may still get the batch it was
// removed in), so they hold the round by shared_ptr and do nothing once it is over.
struct Round : std::enable_shared_from_this<Round> {
  Round(http::EventLoop& loop, Fiber* fiber, const LoopWaiter::Resumer& resume)
      : loop(loop), fiber(fiber), resume(resume) {}

  void wake() {
    if (!active || fired) return;
    fired = true;
    // The fiber runs after the batch of events that woke it: it then unregisters sources whose
    // events may still be in that batch.
    if (fiber) loop.defer([round = shared_from_this()] {
        if (!round->active) return;
        if (round->resume) round->resume(*round->fiber);
        else round->fiber->resume();
      });
  }

  http::EventLoop& loop;
  Fiber* fiber;  // null: waiting in place
  const LoopWaiter::Resumer& resume;  // the waiter's: used only while the round is active
  bool active = true;
  bool fired = false;
};

class FdWatch final : public http::IoWatcher {
 public:
  FdWatch(std::shared_ptr<Round> round, int fd) : round_(std::move(round)), fd_(fd) {}
  void on_io(uint32_t) override { round_->wake(); }
  int fd() const { return fd_; }

 private:
  std::shared_ptr<Round> round_;
  int fd_;
};

// The sources of one round, registered with the loop for as long as this lives.
class Registration {
 public:
  Registration(http::EventLoop& loop, std::shared_ptr<Round> round, std::span<Pollable* const> ps)
      : loop_(loop), round_(std::move(round)), timer_(loop, [r = round_] { r->wake(); }) {
    std::map<int, uint32_t> fds;  // two pollables on one fd share a watcher
    std::optional<uint64_t> nearest_ns;
    for (Pollable* p : ps) {
      WaitSource s = p->source();
      switch (s.kind) {
        case WaitSource::Kind::Fd: fds[s.fd] |= uint32_t(uint16_t(s.events)); break;
        case WaitSource::Kind::Deadline:
          nearest_ns = std::min(nearest_ns.value_or(s.deadline_ns), s.deadline_ns);
          break;
        case WaitSource::Kind::Notified:
          if (s.notifier) s.notifier->on_next_notify([r = round_] { r->wake(); });
          break;
        case WaitSource::Kind::Nothing: break;
      }
    }
    // The monotonic clock is read first: the loop's clock, read second, is then no earlier, and
    // the timer cannot fire before the pollable's deadline.
    uint64_t now_ns = monotonic_now_ns();
    http::Clock::time_point now = http::Clock::now();
    if (nearest_ns) timer_.arm(now + std::chrono::nanoseconds(*nearest_ns > now_ns ? *nearest_ns - now_ns : 0));
    for (auto [fd, events] : fds) {
      auto watch = std::make_shared<FdWatch>(round_, fd);
      // Level-triggered: the fd may have become ready between the pollable's check and now.
      if (loop_.watch(fd, events, watch.get(), false)) watches_.push_back(std::move(watch));
      else timer_.arm_no_later_than(now + kRecheckInterval);
    }
  }

  ~Registration() {
    round_->active = false;
    for (auto& w : watches_) loop_.unwatch(w->fd());
    // The loop may be dispatching a batch that still names these watchers: free them after it.
    if (!watches_.empty()) loop_.defer([watches = std::move(watches_)] {});
  }

 private:
  http::EventLoop& loop_;
  std::shared_ptr<Round> round_;
  http::Timer timer_;
  std::vector<std::shared_ptr<FdWatch>> watches_;
};

std::vector<uint32_t> ready_indexes(std::span<Pollable* const> ps) {
  std::vector<uint32_t> ready;
  for (uint32_t i = 0; i < ps.size(); ++i)
    if (ps[i]->ready()) ready.push_back(i);
  return ready;
}

}  // namespace

std::vector<uint32_t> LoopWaiter::wait(std::span<Pollable* const> ps) {
  Fiber* fiber = Fiber::current();
  for (;;) {
    if (auto ready = ready_indexes(ps); !ready.empty()) return ready;
    auto round = std::make_shared<Round>(loop_, fiber, resume_);
    Registration registration(loop_, round, ps);
    if (fiber) {
      // Resumed by the round (or by the fiber's owner: ready() is asked again either way).
      if (!Fiber::suspend()) return {};
    } else {
      while (!round->fired) loop_.run_once(std::chrono::hours(1));
    }
  }
}

}  // namespace wasmrun::wasi::p2
