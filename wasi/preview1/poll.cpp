// poll_oneoff: wait for clock deadlines and descriptor readiness. Clock subscriptions become
// deadlines on the monotonic clock; descriptor subscriptions become a ppoll(2) set. The call
// returns once at least one subscription has an event.
#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {

uint64_t now_ns(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

struct Subscription {
  uint64_t userdata = 0;
  EventType type = EventType::Clock;
  std::optional<uint64_t> deadline;  // clock: monotonic nanoseconds
  int host_fd = -1;                  // fd_read / fd_write
  int poll_index = -1;
  Errno error = Errno::Success;      // reported as an immediate event
};

struct Event {
  uint64_t userdata;
  Errno error;
  EventType type;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

Errno read_subscription(Call& c, uint32_t at, Subscription& s) {
  WASI_TRY(c.mem.load(at, s.userdata));
  uint8_t tag = 0;
  WASI_TRY(c.mem.load(at + 8, tag));
  if (tag > uint8_t(EventType::FdWrite)) return Errno::Inval;
  s.type = EventType(tag);
  if (s.type == EventType::Clock) {
    uint32_t id = 0;
    uint64_t timeout = 0;
    uint16_t flags = 0;
    WASI_TRY(c.mem.load(at + 16, id));
    WASI_TRY(c.mem.load(at + 24, timeout));
    WASI_TRY(c.mem.load(at + 40, flags));
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    auto saturating_add = [](uint64_t a, uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; };
    if (!(flags & kSubclockAbstime)) {
      s.deadline = saturating_add(now, timeout);
    } else if (id == uint32_t(ClockId::Monotonic)) {
      s.deadline = timeout;
    } else if (id == uint32_t(ClockId::Realtime)) {
      uint64_t real = now_ns(CLOCK_REALTIME);
      s.deadline = timeout <= real ? now : saturating_add(now, timeout - real);
    } else {
      s.error = Errno::Inval;
    }
    if (!(flags & kSubclockAbstime) && id > uint32_t(ClockId::ThreadCputime)) s.error = Errno::Inval;
    return Errno::Success;
  }
  uint32_t fd = 0;
  WASI_TRY(c.mem.load(at + 16, fd));
  Descriptor* d;
  s.error = c.ctx.fds().get(fd, right::kPollFdReadwrite, d);
  if (s.error == Errno::Success) s.host_fd = d->host_fd;
  return Errno::Success;
}

}  // namespace

Errno poll_oneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubscriptions, uint32_t nevents_out) {
  if (nsubscriptions == 0) return Errno::Inval;
  if (!c.mem.contains(in, uint64_t(nsubscriptions) * layout::kSubscriptionSize) ||
      !c.mem.contains(out, uint64_t(nsubscriptions) * layout::kEventSize))
    return Errno::Fault;

  std::vector<Subscription> subs(nsubscriptions);
  std::vector<pollfd> fds;
  std::vector<Event> events;
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    Subscription& s = subs[i];
    WASI_TRY(read_subscription(c, in + i * layout::kSubscriptionSize, s));
    if (s.error != Errno::Success) {
      events.push_back({s.userdata, s.error, s.type});
    } else if (s.type != EventType::Clock) {
      s.poll_index = int(fds.size());
      fds.push_back({s.host_fd, short(s.type == EventType::FdRead ? POLLIN : POLLOUT), 0});
    }
  }

  while (events.empty()) {
    std::optional<uint64_t> earliest;
    for (const Subscription& s : subs)
      if (s.deadline && (!earliest || *s.deadline < *earliest)) earliest = s.deadline;
    timespec timeout{};
    timespec* timeout_ptr = nullptr;
    if (earliest) {
      uint64_t now = now_ns(CLOCK_MONOTONIC);
      uint64_t wait = *earliest > now ? *earliest - now : 0;
      timeout.tv_sec = time_t(std::min<uint64_t>(wait / 1'000'000'000u, INT32_MAX));
      timeout.tv_nsec = long(wait % 1'000'000'000u);
      timeout_ptr = &timeout;
    }
    int ready = ppoll(fds.data(), fds.size(), timeout_ptr, nullptr);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    for (const Subscription& s : subs) {
      if (s.type == EventType::Clock) {
        if (s.deadline && *s.deadline <= now) events.push_back({s.userdata, Errno::Success, s.type});
        continue;
      }
      short revents = fds[size_t(s.poll_index)].revents;
      if (!revents) continue;
      Event e{s.userdata, Errno::Success, s.type};
      if (revents & POLLNVAL) e.error = Errno::BadF;
      else if (revents & POLLERR) e.error = Errno::Io;
      if (revents & POLLHUP) e.flags |= kEventFdReadwriteHangup;
      int available = 0;
      if (s.type == EventType::FdRead && ioctl(s.host_fd, FIONREAD, &available) == 0 && available > 0)
        e.nbytes = uint64_t(available);
      events.push_back(e);
    }
  }

  for (size_t i = 0; i < events.size(); ++i) {
    uint32_t at = out + uint32_t(i) * layout::kEventSize;
    std::span<uint8_t> slot;
    WASI_TRY(c.mem.bytes(at, layout::kEventSize, slot));
    std::memset(slot.data(), 0, slot.size());
    WASI_TRY(c.mem.store<uint64_t>(at, events[i].userdata));
    WASI_TRY(c.mem.store<uint16_t>(at + 8, uint16_t(events[i].error)));
    WASI_TRY(c.mem.store<uint8_t>(at + 10, uint8_t(events[i].type)));
    WASI_TRY(c.mem.store<uint64_t>(at + 16, events[i].nbytes));
    WASI_TRY(c.mem.store<uint16_t>(at + 24, events[i].flags));
  }
  return c.mem.store<uint32_t>(nevents_out, uint32_t(events.size()));
}

}  // namespace wasmrun::wasi::preview1
