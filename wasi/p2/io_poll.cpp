// wasi:io/poll: pollables on a deadline of the monotonic clock or on a host fd. `poll` waits in
// place with poll(2) (a command has nothing else to run meanwhile), as long as the nearest
// deadline, and returns the indexes of the ready ones.
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "wasi/p2/context.h"
#include "wit/wasi_io.h"
#include "wit/wasi_io_traits.h"

namespace wasmrun::wasi::p2 {

uint64_t monotonic_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

namespace {

namespace poll_ = bindings::wasi::io::poll;

// Waits until at least one of `ps` is ready; returns which are.
std::vector<uint32_t> wait_any(const std::vector<const PollableObject*>& ps, bool block) {
  for (;;) {
    std::vector<uint32_t> ready;
    std::vector<pollfd> fds;
    std::vector<uint32_t> fd_index;
    uint64_t now = monotonic_now_ns();
    std::optional<uint64_t> nearest;
    for (uint32_t i = 0; i < ps.size(); ++i) {
      const PollableObject& p = *ps[i];
      switch (p.kind) {
        case PollableObject::Kind::Ready: ready.push_back(i); break;
        case PollableObject::Kind::Deadline:
          if (p.deadline_ns <= now) ready.push_back(i);
          else nearest = std::min(nearest.value_or(p.deadline_ns), p.deadline_ns);
          break;
        case PollableObject::Kind::Readable:
        case PollableObject::Kind::Writable:
          fds.push_back({p.fd, short(p.kind == PollableObject::Kind::Readable ? POLLIN : POLLOUT), 0});
          fd_index.push_back(i);
          break;
      }
    }
    int timeout_ms = 0;
    if (ready.empty() && block) {
      timeout_ms = -1;
      if (nearest) timeout_ms = int(std::min<uint64_t>((*nearest - now + 999'999) / 1'000'000, 1 << 30));
    }
    if (!fds.empty() || timeout_ms != 0) {
      int n = ::poll(fds.data(), fds.size(), timeout_ms);
      if (n < 0 && errno != EINTR) n = 0;
      for (size_t k = 0; k < fds.size(); ++k)
        if (fds[k].revents) ready.push_back(fd_index[k]);
    }
    std::sort(ready.begin(), ready.end());
    if (!ready.empty() || !block) return ready;
  }
}

class PollHost final : public poll_::Host {
 public:
  explicit PollHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<void> pollable_drop(Resource<poll_::Pollable> self) override {
    wasi_.remove<PollableObject>(self);
    return {};
  }
  TrapOr<bool> pollable_ready(Borrow<poll_::Pollable> self) override {
    auto* p = wasi_.get<PollableObject>(self);
    if (!p) return unknown_handle("pollable");
    return !wait_any({p}, false).empty();
  }
  TrapOr<void> pollable_block(Borrow<poll_::Pollable> self) override {
    auto* p = wasi_.get<PollableObject>(self);
    if (!p) return unknown_handle("pollable");
    wait_any({p}, true);
    return {};
  }
  TrapOr<std::vector<uint32_t>> poll(std::vector<Borrow<poll_::Pollable>> in) override {
    // The WIT: an empty list traps (it would wait forever).
    if (in.empty()) return Trap{TrapKind::CoreTrap, "poll: empty list of pollables"};
    std::vector<const PollableObject*> ps;
    for (auto b : in) {
      auto* p = wasi_.get<PollableObject>(b);
      if (!p) return unknown_handle("pollable");
      ps.push_back(p);
    }
    return wait_any(ps, true);
  }

 private:
  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_io_poll(component::Linker& linker, WasiP2& wasi) {
  return poll_::add_to_linker(linker, wasi.keep(std::make_unique<PollHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
