// The hello-world WASI program of bench/startup/hello_world: built as a preview1 module and made
// a command component, it measures what starting a program costs, not what it does.
#include <stdio.h>

int main(void) {
  puts("Hello, world!");
  return 0;
}
