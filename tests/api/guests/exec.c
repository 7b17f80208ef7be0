// Guest for the embedding-API tests (tests/api/exec_test.cpp). Built with clang-19 for wasm32.
#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(module, name) __attribute__((import_module(#module), import_name(#name)))

IMPORT(env, add) int host_add(int a, int b);
IMPORT(env, fail) void host_fail(void);

EXPORT(call_host) int call_host(int a, int b) { return host_add(a, b) * 2; }
EXPORT(call_failing_host) int call_failing_host(void) {
  host_fail();
  return 1;
}
EXPORT(divide) int divide(int a, int b) { return a / b; }
EXPORT(trap) void trap(void) { __builtin_trap(); }
EXPORT(load_at) int load_at(unsigned address) { return *(volatile int*)address; }
EXPORT(grow) int grow(int pages) { return __builtin_wasm_memory_grow(0, pages); }
EXPORT(pages) int pages(void) { return __builtin_wasm_memory_size(0); }
EXPORT(spin) void spin(void) {
  volatile int x = 0;
  for (;;) x++;
}
// Recursion through a volatile function pointer: clang cannot turn it into a loop, and no local
// has its address taken, so it uses only the native stack (not the shadow stack in memory).
int recurse(int n);
static int (*volatile self)(int) = recurse;
EXPORT(recurse) int recurse(int n) { return n == 0 ? 0 : self(n - 1) + 1; }
EXPORT(mix) double mix(long long a, float b, double c) { return (double)a + b * c; }
