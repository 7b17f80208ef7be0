// What a freestanding C guest (no wasi-libc, no adapter, hand-written canonical ABI) needs from a
// C library: a bump allocator over linear memory (nothing is freed: an instance serves one
// request or one run), and the memcpy/memset clang may emit calls to. Included by one
// translation unit per guest.
#pragma once

#include <stddef.h>
#include <stdint.h>

extern unsigned char __heap_base;
static uintptr_t heap_top = (uintptr_t)&__heap_base;

// `n` bytes aligned to `align`, growing the memory as needed; traps when it cannot grow.
static void *bump_alloc(size_t align, size_t n) {
  uintptr_t p = (heap_top + align - 1) & ~(uintptr_t)(align - 1);
  uintptr_t end = p + n;
  size_t cur = __builtin_wasm_memory_size(0) * 65536;
  if (end > cur && __builtin_wasm_memory_grow(0, (end - cur + 65535) / 65536) == (size_t)-1) __builtin_trap();
  heap_top = end;
  return (void *)p;
}

void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *dp = d;
  const unsigned char *sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}

void *memset(void *d, int c, size_t n) {
  unsigned char *dp = d;
  while (n--) *dp++ = (unsigned char)c;
  return d;
}
