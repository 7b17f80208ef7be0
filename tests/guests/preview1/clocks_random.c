// clock_res_get, clock_time_get, random_get, sched_yield.
#include "common.h"

int main(void) {
  __wasi_timestamp_t t = 0, t2 = 0, res = 0;
  check("clock_time_get realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t));
  expect(t > 1600000000ull * 1000000000ull, "realtime is after 2020");
  check("clock_time_get monotonic", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t));
  for (int i = 0; i < 1000; ++i) (void)__wasi_sched_yield();
  check("clock_time_get monotonic again", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2));
  expect(t2 >= t, "monotonic does not go back");
  check("clock_time_get process cputime", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t));
  check("clock_time_get thread cputime", __wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &t));
  check("clock_time_get unknown clock", __wasi_clock_time_get(99, 1, &t));
  for (__wasi_clockid_t id = 0; id < 4; ++id) {
    res = 0;
    __wasi_errno_t e = __wasi_clock_res_get(id, &res);
    printf("clock_res_get %u: %s\n", (unsigned)id, errname(e));
    expect(res > 0 && res <= 1000000000ull, "resolution of clock %u is positive and at most 1 s", (unsigned)id);
  }
  check("clock_res_get unknown clock", __wasi_clock_res_get(42, &res));

  unsigned char bytes[256] = {0};
  check("random_get", __wasi_random_get(bytes, sizeof bytes));
  int nonzero = 0;
  for (size_t i = 0; i < sizeof bytes; ++i) nonzero += bytes[i] != 0;
  expect(nonzero > 200, "random bytes are not all zero");
  check("random_get of nothing", __wasi_random_get(bytes, 0));
  check("sched_yield", __wasi_sched_yield());
  return 0;
}
