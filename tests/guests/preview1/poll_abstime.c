// poll_oneoff with absolute clock deadlines (SUBSCRIPTION_CLOCK_ABSTIME) on both clocks.
#include "poll_common.h"

int main(void) {
  __wasi_event_t events[4];
  __wasi_size_t n = 0;
  __wasi_timestamp_t start;
  __wasi_subscription_t absolute = clock_sub(8, __WASI_CLOCKID_MONOTONIC, now() + 10 * 1000000ull,
                                             __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  start = now();
  check("poll_oneoff absolute clock", __wasi_poll_oneoff(&absolute, events, 1, &n));
  expect(n == 1 && events[0].userdata == 8, "absolute clock event");
  expect(now() - start >= 9 * 1000000ull, "waited for the absolute deadline");

  __wasi_timestamp_t real = 0;
  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &real);
  __wasi_subscription_t past = clock_sub(9, __WASI_CLOCKID_REALTIME, real - 1000000000ull,
                                         __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  check("poll_oneoff realtime deadline in the past", __wasi_poll_oneoff(&past, events, 1, &n));
  expect(n == 1 && events[0].userdata == 9, "past deadline fires at once");

  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &real);
  __wasi_subscription_t future = clock_sub(10, __WASI_CLOCKID_REALTIME, real + 15 * 1000000ull,
                                           __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  start = now();
  check("poll_oneoff realtime deadline in the future", __wasi_poll_oneoff(&future, events, 1, &n));
  expect(n == 1 && events[0].userdata == 10, "future realtime deadline fires");
  expect(now() - start >= 10 * 1000000ull, "waited for the realtime deadline");

  return 0;
}
