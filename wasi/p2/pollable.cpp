#include "wasi/p2/pollable.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <optional>

namespace wasmrun::wasi::p2 {

uint64_t monotonic_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

bool DeadlinePollable::ready() { return monotonic_now_ns() >= deadline_ns_; }

bool FdPollable::ready() {
  pollfd p{fd_, events_, 0};
  return ::poll(&p, 1, 0) > 0;
}

std::vector<uint32_t> PollWaiter::wait(std::span<Pollable* const> ps) {
  for (;;) {
    std::vector<uint32_t> ready;
    for (uint32_t i = 0; i < ps.size(); ++i)
      if (ps[i]->ready()) ready.push_back(i);
    if (!ready.empty()) return ready;
    // Nothing is ready: sleep in poll(2) until an fd wakes or the nearest deadline passes.
    std::vector<pollfd> fds;
    std::optional<uint64_t> nearest;
    for (Pollable* p : ps) {
      WaitSource s = p->source();
      if (s.kind == WaitSource::Kind::Fd) fds.push_back({s.fd, s.events, 0});
      if (s.kind == WaitSource::Kind::Deadline) nearest = std::min(nearest.value_or(s.deadline_ns), s.deadline_ns);
    }
    int timeout_ms = -1;
    if (nearest) {
      uint64_t now = monotonic_now_ns();
      uint64_t left = *nearest > now ? *nearest - now : 0;
      timeout_ms = int(std::min<uint64_t>((left + 999'999) / 1'000'000, 1 << 30));
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) return {};
  }
}

}  // namespace wasmrun::wasi::p2
