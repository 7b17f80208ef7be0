// bench_start/bench_end for Sightglass benchmarks compiled natively (their C sources call these
// where the wasm build imports bench.start/bench.end). bench_end appends the elapsed
// milliseconds to the file named by BENCH_TIMES.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static struct timespec started;

void bench_start(void) { clock_gettime(CLOCK_MONOTONIC, &started); }

void bench_end(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  const char* path = getenv("BENCH_TIMES");
  FILE* out = path ? fopen(path, "a") : NULL;
  if (!out) return;
  fprintf(out, "%.3f\n", (now.tv_sec - started.tv_sec) * 1e3 + (now.tv_nsec - started.tv_nsec) / 1e6);
  fclose(out);
}
