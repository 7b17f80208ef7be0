// doctest's crash detection would replace the runtime's SIGSEGV handler, which turns guard-page
// faults into wasm traps; these tests need the runtime's.
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
