// Times a compute kernel compiled natively: native_driver N ITERATIONS
// Prints one JSON object: {"runs_ms": [...], "results": [R, ...]} (one result per iteration).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint32_t run(uint32_t n);

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s N ITERATIONS\n", argv[0]);
    return 2;
  }
  uint32_t n = (uint32_t)strtoul(argv[1], NULL, 10);
  int iterations = atoi(argv[2]);
  uint32_t* results = calloc((size_t)(iterations > 0 ? iterations : 1), sizeof *results);
  printf("{\"compile_ms\": 0, \"runs_ms\": [");
  for (int i = 0; i < iterations; ++i) {
    double start = now_ms();
    results[i] = run(n);
    printf("%s%.3f", i ? ", " : "", now_ms() - start);
  }
  printf("], \"results\": [");
  for (int i = 0; i < iterations; ++i) printf("%s%u", i ? ", " : "", results[i]);
  printf("]}\n");
  free(results);
  return 0;
}
