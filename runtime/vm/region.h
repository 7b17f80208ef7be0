// Address-space primitives shared by linear memories, tables and the pooling allocator.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wasmrun/expected.h"

namespace wasmrun::vm {

size_t host_page_size();
inline size_t round_up_to_page(size_t n) { return (n + host_page_size() - 1) & ~(host_page_size() - 1); }

// Reserves `bytes` of address space with protection `prot`, backed by no memory until touched.
Expected<uint8_t*> reserve_region(size_t bytes, int prot);

// Makes [begin, begin + length) read as zeros again. The first `keep_resident` bytes are cleared
// with memset, so their pages stay resident and the next user takes no page fault on them; the
// rest is handed back to the kernel with madvise(MADV_DONTNEED), which costs nothing for pages
// never touched. On a private file mapping MADV_DONTNEED reverts pages to the file's contents.
// Works in whole pages: the rest of the last page is cleared too, so the region must own it.
void reset_region(uint8_t* begin, size_t length, size_t keep_resident);

}  // namespace wasmrun::vm
