// proc_exit: the status given as the first argument becomes the process's exit code; output
// written before it is not lost, and nothing after it runs.
#include <stdlib.h>

#include "common.h"

static void nested(int depth, int status) {
  if (depth == 0) {
    printf("exiting with %d from deep inside\n", status);
    fflush(stdout);
    __wasi_proc_exit((__wasi_exitcode_t)status);
  }
  nested(depth - 1, status);
  printf("not reached\n");
}

int main(int argc, char** argv) {
  int status = argc > 1 ? atoi(argv[1]) : 0;
  fprintf(stderr, "to stderr before exit\n");
  nested(50, status);
  return 99;
}
