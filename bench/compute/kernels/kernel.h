// Shared by the compute kernels: each is freestanding C exporting `uint32_t run(uint32_t n)`,
// returning a checksum so no work can be optimized away. The same source builds for wasm32
// (the harness runs it under wasmrun and V8) and natively.
#pragma once

#include <stddef.h>
#include <stdint.h>

#if defined(__wasm__)
#define KERNEL __attribute__((export_name("run")))
#else
#define KERNEL
#endif

#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#define memmove(d, s, n) __builtin_memmove(d, s, n)
#define memset(d, c, n) __builtin_memset(d, c, n)
