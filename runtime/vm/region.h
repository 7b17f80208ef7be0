// Address-space primitives of the pooling allocator.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wasmrun/expected.h"

namespace wasmrun::vm {

size_t host_page_size();
inline size_t round_up_to_page(size_t n) { return (n + host_page_size() - 1) & ~(host_page_size() - 1); }

// Reserves `bytes` of address space with protection `prot`, backed by no memory until touched.
Expected<uint8_t*> reserve_region(size_t bytes, int prot);

}  // namespace wasmrun::vm
