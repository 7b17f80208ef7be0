// Buffer shuffling with memcpy/memmove/memset of mixed sizes, overlapping and not.
#include "kernel.h"

#define SIZE (1 << 20)
static uint8_t buffer[SIZE];

KERNEL uint32_t run(uint32_t n) {
  for (uint32_t i = 0; i < SIZE; ++i) buffer[i] = (uint8_t)i;
  uint32_t seed = 12345, sum = 0;
  for (uint32_t r = 0; r < n; ++r) {
    seed = seed * 1103515245 + 12345;
    uint32_t len = 16 + (seed >> 8) % 4096;
    uint32_t src = (seed >> 4) % (SIZE - len);
    uint32_t dst = (seed * 7 + 3) % (SIZE - len);
    if (r % 3 == 0) memmove(buffer + dst, buffer + src, len);
    else if (r % 3 == 1) memcpy(buffer + dst, buffer + (SIZE - len - src), len);
    else memset(buffer + dst, (int)(seed & 0xff), len / 2);
    sum += buffer[(dst + len / 2) % SIZE];
  }
  return sum;
}
