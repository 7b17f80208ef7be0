// A tiny guest for the README's first command: compiled to wasm32 by the build (examples/meson.build).
__attribute__((export_name("fib"))) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
