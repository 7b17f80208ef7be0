// wasi:clocks/monotonic-clock (CLOCK_MONOTONIC, pollables on a deadline) and
// wasi:clocks/wall-clock (CLOCK_REALTIME).
#include <ctime>

#include "wasi/p2/context.h"
#include "wit/wasi_clocks.h"
#include "wit/wasi_clocks_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace mono = bindings::wasi::clocks::monotonic_clock;
namespace wall = bindings::wasi::clocks::wall_clock;

uint64_t resolution_ns(clockid_t clock) {
  timespec ts{};
  clock_getres(clock, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

class MonotonicHost final : public mono::Host {
 public:
  explicit MonotonicHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<mono::Instant> now() override { return monotonic_now_ns(); }
  TrapOr<mono::Duration> resolution() override { return resolution_ns(CLOCK_MONOTONIC); }
  TrapOr<Resource<mono::Pollable>> subscribe_instant(mono::Instant when) override {
    return wasi_.push<mono::Pollable>(PollableObject{std::make_unique<DeadlinePollable>(when)});
  }
  TrapOr<Resource<mono::Pollable>> subscribe_duration(mono::Duration when) override {
    uint64_t now = monotonic_now_ns();
    uint64_t deadline = when > UINT64_MAX - now ? UINT64_MAX : now + when;
    return wasi_.push<mono::Pollable>(PollableObject{std::make_unique<DeadlinePollable>(deadline)});
  }

 private:
  WasiP2& wasi_;
};

class WallHost final : public wall::Host {
 public:
  TrapOr<wall::Datetime> now() override {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return wall::Datetime{uint64_t(ts.tv_sec), uint32_t(ts.tv_nsec)};
  }
  TrapOr<wall::Datetime> resolution() override {
    uint64_t ns = resolution_ns(CLOCK_REALTIME);
    return wall::Datetime{ns / 1'000'000'000u, uint32_t(ns % 1'000'000'000u)};
  }
};

}  // namespace

Expected<void> add_clocks(component::Linker& linker, WasiP2& wasi) {
  if (auto ok = mono::add_to_linker(linker, wasi.keep(std::make_unique<MonotonicHost>(wasi))); !ok) return ok;
  return wall::add_to_linker(linker, wasi.keep(std::make_unique<WallHost>()));
}

}  // namespace wasmrun::wasi::p2
