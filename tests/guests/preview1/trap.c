// A guest that traps after writing: the output so far stays, the run fails.
#include "common.h"

int main(void) {
  printf("before the trap\n");
  fflush(stdout);
  __builtin_trap();
}
