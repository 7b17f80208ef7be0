// Pollables and the waiter that blocks a guest on them. A pollable answers `ready()` at once and
// says what it waits for (`WaitSource`), so a waiter can block on a whole `poll` list together:
// in place with poll(2) for a command, on the event loop (a fiber yielding to it) for `serve`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace wasmrun::wasi::p2 {

// Readiness that host code signals (an HTTP body pipe, a DNS answer, a sibling's write): a waiter
// subscribes a wake-up and the producer calls notify(). Lives on one thread.
class Notifier {
 public:
  void notify() {
    auto wakeups = std::move(wakeups_);
    wakeups_.clear();
    for (auto& w : wakeups) w();
  }
  // Called once, at the next notify(); all subscriptions end at the next notify().
  void on_next_notify(std::function<void()> wakeup) { wakeups_.push_back(std::move(wakeup)); }

 private:
  std::vector<std::function<void()>> wakeups_;
};

// What a pollable that is not ready yet waits for.
struct WaitSource {
  enum class Kind { Nothing, Deadline, Fd, Notified };
  Kind kind = Kind::Nothing;   // Nothing: only time passing elsewhere can help (never ready)
  uint64_t deadline_ns = 0;    // Deadline: on the monotonic clock (monotonic_now_ns)
  int fd = -1;                 // Fd: poll(2) events
  short events = 0;
  Notifier* notifier = nullptr;  // Notified: ready() may change after its notify()
};

class Pollable {
 public:
  virtual ~Pollable() = default;
  virtual bool ready() = 0;
  virtual WaitSource source() const = 0;
};

// Always ready (a write that never waits, a closed stream).
class ReadyPollable final : public Pollable {
 public:
  bool ready() override { return true; }
  WaitSource source() const override { return {}; }
};

// Ready at a point of the monotonic clock.
class DeadlinePollable final : public Pollable {
 public:
  explicit DeadlinePollable(uint64_t deadline_ns) : deadline_ns_(deadline_ns) {}
  bool ready() override;
  WaitSource source() const override { return {WaitSource::Kind::Deadline, deadline_ns_}; }

 private:
  uint64_t deadline_ns_;
};

// Ready when poll(2) reports `events` on a host fd.
class FdPollable final : public Pollable {
 public:
  FdPollable(int fd, short events) : fd_(fd), events_(events) {}
  bool ready() override;
  WaitSource source() const override { return {WaitSource::Kind::Fd, 0, fd_, events_}; }

 private:
  int fd_;
  short events_;
};

// Blocks the calling guest until at least one pollable is ready; returns the indexes of the ready
// ones, ascending. `ps` is not empty. An empty result means the waiter gave up (its fiber is being
// destroyed, poll(2) failed): callers must not wait again in a loop.
class Waiter {
 public:
  virtual ~Waiter() = default;
  virtual std::vector<uint32_t> wait(std::span<Pollable* const> ps) = 0;
};

// Waits in place with poll(2): fds and deadlines. A Notified source cannot be waited for here
// (nothing else runs while the guest waits): it is checked each time another source wakes.
class PollWaiter final : public Waiter {
 public:
  std::vector<uint32_t> wait(std::span<Pollable* const> ps) override;
};

// Monotonic clock in nanoseconds.
uint64_t monotonic_now_ns();

}  // namespace wasmrun::wasi::p2
