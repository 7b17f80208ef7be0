// Clocks, random bytes, and the scheduling/signal calls.
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <cerrno>

#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {

Errno host_clock(uint32_t id, clockid_t& out) {
  switch (ClockId(id)) {
    case ClockId::Realtime: out = CLOCK_REALTIME; return Errno::Success;
    case ClockId::Monotonic: out = CLOCK_MONOTONIC; return Errno::Success;
    case ClockId::ProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return Errno::Success;
    case ClockId::ThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return Errno::Success;
  }
  return Errno::Inval;
}

uint64_t nanoseconds(const timespec& t) { return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec); }

}  // namespace

Errno clock_res_get(Call& c, uint32_t id, uint32_t out) {
  clockid_t clock;
  WASI_TRY(host_clock(id, clock));
  timespec t{};
  if (clock_getres(clock, &t) != 0) return errno_from_host(errno);
  return c.mem.store<uint64_t>(out, nanoseconds(t));
}

Errno clock_time_get(Call& c, uint32_t id, uint64_t precision, uint32_t out) {
  clockid_t clock;
  WASI_TRY(host_clock(id, clock));
  timespec t{};
  if (clock_gettime(clock, &t) != 0) return errno_from_host(errno);
  return c.mem.store<uint64_t>(out, nanoseconds(t));
}

Errno random_get(Call& c, uint32_t buf, uint32_t len) {
  std::span<uint8_t> dst;
  WASI_TRY(c.mem.bytes(buf, len, dst));
  size_t done = 0;
  while (done < dst.size()) {
    ssize_t n = getrandom(dst.data() + done, dst.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    done += size_t(n);
  }
  return Errno::Success;
}

Errno sched_yield(Call&) {
  ::sched_yield();
  return Errno::Success;
}

// Raising a signal in the guest has no meaning for a wasm program; WASI removed it later.
Errno proc_raise(Call&, uint32_t) { return Errno::NoSys; }

}  // namespace wasmrun::wasi::preview1
