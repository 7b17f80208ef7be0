// poll_oneoff with a relative clock subscription and fd subscriptions (stdin with data waiting,
// stdout, a closed descriptor), and the error cases. Absolute deadlines: poll_abstime.c.
#include "poll_common.h"

int main(void) {
  __wasi_event_t events[4];
  __wasi_size_t n = 0;

  __wasi_subscription_t sleep = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20 * 1000000ull, 0);
  __wasi_timestamp_t start = now();
  check("poll_oneoff relative clock", __wasi_poll_oneoff(&sleep, events, 1, &n));
  __wasi_timestamp_t elapsed = now() - start;
  expect(n == 1 && events[0].userdata == 7 && events[0].type == __WASI_EVENTTYPE_CLOCK && events[0].error == 0,
         "one clock event with its userdata");
  expect(elapsed >= 20 * 1000000ull, "slept at least 20 ms");
  expect(elapsed < 2000 * 1000000ull, "slept less than 2 s");

  // stdin has data (the runner feeds it); a long timeout must not be waited for.
  __wasi_subscription_t read_or_timeout[2] = {fd_sub(1, __WASI_EVENTTYPE_FD_READ, 0),
                                              clock_sub(2, __WASI_CLOCKID_MONOTONIC, 5000 * 1000000ull, 0)};
  start = now();
  check("poll_oneoff stdin readable", __wasi_poll_oneoff(read_or_timeout, events, 2, &n));
  expect(n == 1 && events[0].userdata == 1 && events[0].type == __WASI_EVENTTYPE_FD_READ && events[0].error == 0,
         "stdin read event");
  expect(now() - start < 4000 * 1000000ull, "did not wait for the timeout");
  char buf[64];
  __wasi_size_t got = 0;
  read_some(0, buf, sizeof buf, &got);
  printf("stdin said [%s]\n", buf);

  __wasi_subscription_t writable = fd_sub(3, __WASI_EVENTTYPE_FD_WRITE, 1);
  check("poll_oneoff stdout writable", __wasi_poll_oneoff(&writable, events, 1, &n));
  expect(n == 1 && events[0].userdata == 3 && events[0].type == __WASI_EVENTTYPE_FD_WRITE, "stdout write event");

  __wasi_subscription_t bad = fd_sub(4, __WASI_EVENTTYPE_FD_READ, 99);
  check("poll_oneoff closed fd", __wasi_poll_oneoff(&bad, events, 1, &n));
  printf("event for a closed fd: n=%u error=%s\n", (unsigned)n, errname(events[0].error));

  check("poll_oneoff with no subscriptions", __wasi_poll_oneoff(&sleep, events, 0, &n));
  return 0;
}
