// Sieve of Eratosthenes over n numbers, ten times: byte stores with strides, branches.
#include "kernel.h"

#define MAX (1 << 24)
static uint8_t composite[MAX];

KERNEL uint32_t run(uint32_t n) {
  if (n > MAX) n = MAX;
  uint32_t count = 0;
  for (int round = 0; round < 10; ++round) {
    memset(composite, 0, n);
    count = 0;
    for (uint32_t i = 2; i < n; ++i) {
      if (composite[i]) continue;
      ++count;
      for (uint64_t j = (uint64_t)i * i; j < n; j += i) composite[j] = 1;
    }
  }
  return count;
}
