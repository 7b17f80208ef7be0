// One event loop per thread: epoll (edge-triggered), timers, deferred calls and cross-thread
// posts. Everything in the HTTP layer runs on a loop thread and never blocks it: sockets are
// non-blocking, and work that would block (DNS) runs elsewhere and comes back through the loop.
//
// Lifetime rule: an IoWatcher may still receive events from the batch being dispatched after it
// unwatched its fd, so owners delete watchers through defer() (after the batch), never inline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun::http {

using Clock = std::chrono::steady_clock;
using Duration = Clock::duration;

class EventLoop;

class IoWatcher {
 public:
  virtual ~IoWatcher() = default;
  // `events` is a mask of EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR.
  virtual void on_io(uint32_t events) = 0;
};

// A one-shot timer on one loop; re-arming replaces the earlier deadline. The callback runs on the
// loop thread. Destroying the timer cancels it.
class Timer {
 public:
  Timer(EventLoop& loop, std::function<void()> callback);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void arm(Clock::time_point deadline);
  void arm_after(Duration delay);
  // Fires by `deadline` at the latest: arms it unless an earlier deadline is armed (a
  // connection's timer re-checks its state when it fires). Clock::time_point::max() arms nothing.
  void arm_no_later_than(Clock::time_point deadline) {
    if (deadline != Clock::time_point::max() && (!armed() || deadline_ > deadline)) arm(deadline);
  }
  void cancel();
  bool armed() const { return id_ != 0; }
  Clock::time_point deadline() const { return deadline_; }

 private:
  friend class EventLoop;
  EventLoop& loop_;
  std::function<void()> callback_;
  uint64_t id_ = 0;
  Clock::time_point deadline_{};
};

// A call that runs once on the loop after the current batch of events, however often it was
// scheduled before then. Destroying it unschedules it. This is how state changes (a body got
// bytes, a response started) reach their consumers without re-entering the code that made them.
class DeferredCall {
 public:
  DeferredCall(EventLoop& loop, std::function<void()> callback);
  ~DeferredCall();
  DeferredCall(const DeferredCall&) = delete;
  DeferredCall& operator=(const DeferredCall&) = delete;

  void schedule();
  void cancel();
  bool scheduled() const { return prev_ != nullptr; }
  // Not from inside the running callback: that would destroy it mid-call.
  void set_callback(std::function<void()> callback) { callback_ = std::move(callback); }

 private:
  friend class EventLoop;
  EventLoop& loop_;
  std::function<void()> callback_;
  DeferredCall* prev_ = nullptr;  // intrusive list; non-null while scheduled
  DeferredCall* next_ = nullptr;
};

class EventLoop {
 public:
  static Expected<std::unique_ptr<EventLoop>> create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers `fd` for `events`; the watcher must outlive the registration. Edge-triggered
  // unless asked otherwise (a level-triggered fd is for code that cannot read until EAGAIN).
  Expected<void> watch(int fd, uint32_t events, IoWatcher* watcher, bool edge_triggered = true);
  void unwatch(int fd);
  // Changes a registered fd's events or watcher.
  Expected<void> rewatch(int fd, uint32_t events, IoWatcher* watcher, bool edge_triggered = true);

  // Runs `task` on this loop after the current batch (loop thread only).
  void defer(std::function<void()> task);
  // Runs `task` on this loop soon; callable from any thread.
  void post(std::function<void()> task);

  // Runs until stop(). Returns at once if called while already stopped.
  void run();
  // Runs one iteration, waiting at most `max_wait` for events.
  void run_once(Duration max_wait);
  // Makes run() return after the current iteration; callable from any thread.
  void stop();
  bool stopping() const { return stop_requested_; }

  // The time at the start of the current iteration (cheap; use for deadlines).
  Clock::time_point now() const { return now_; }
  void update_now() { now_ = Clock::now(); }
  // The IMF-fixdate of now (RFC 9110 §5.6.7), cached per second, for Date fields.
  std::string_view http_date();

 private:
  friend class Timer;
  friend class DeferredCall;
  EventLoop(int epoll_fd, int wake_fd);
  void wake();
  Expected<void> control(int op, int fd, uint32_t events, IoWatcher* watcher, bool edge_triggered);
  void run_timers();
  void run_deferred();
  void drain_posted();
  int next_timeout_ms(Duration max_wait);

  struct TimerEntry {
    Clock::time_point deadline;
    uint64_t id;
    bool operator>(const TimerEntry& o) const { return deadline > o.deadline || (deadline == o.deadline && id > o.id); }
  };

  int epoll_fd_;
  int wake_fd_;
  Clock::time_point now_;
  bool stop_requested_ = false;

  std::vector<TimerEntry> timer_heap_;
  std::unordered_map<uint64_t, Timer*> timers_;
  uint64_t next_timer_id_ = 1;

  DeferredCall deferred_head_;  // sentinel of the scheduled-calls list
  std::vector<std::function<void()>> tasks_;

  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;

  char date_[32] = {};
  int64_t date_second_ = -1;
};

}  // namespace wasmrun::http
