// args_* and environ_*: the arguments and environment the runtime was given, through libc and
// through the raw calls.
#include <stdlib.h>

#include "common.h"

extern char** environ;

static int compare(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) printf("arg %d: [%s]\n", i, argv[i]);
  size_t count = 0;
  while (environ[count]) ++count;
  qsort(environ, count, sizeof environ[0], compare);
  for (size_t i = 0; i < count; ++i) printf("env: [%s]\n", environ[i]);
  printf("GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");

  __wasi_size_t n = 0, bytes = 0;
  check("args_sizes_get", __wasi_args_sizes_get(&n, &bytes));
  size_t expected = 0;
  for (int i = 0; i < argc; ++i) expected += strlen(argv[i]) + 1;
  expect(n == (__wasi_size_t)argc && bytes == expected, "args sizes match argv");
  check("environ_sizes_get", __wasi_environ_sizes_get(&n, &bytes));
  expect(n == count, "environ count %u", (unsigned)n);

  char* ptrs[64];
  char buf[4096];
  if (n < 64 && bytes <= sizeof buf) {
    check("environ_get", __wasi_environ_get((uint8_t**)ptrs, (uint8_t*)buf));
    expect(n == 0 || ptrs[0] == buf, "first environ string at the start of the buffer");
  }
  check("args_get", __wasi_args_get((uint8_t**)ptrs, (uint8_t*)buf));
  expect(strcmp(ptrs[argc - 1], argv[argc - 1]) == 0, "args_get matches argv");
  // A pointer far outside linear memory is a fault, not a crash.
  check("args_sizes_get out of bounds", __wasi_args_sizes_get((__wasi_size_t*)0xfffffff0u, &bytes));
  return 0;
}
