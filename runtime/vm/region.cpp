#include "runtime/vm/region.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace wasmrun::vm {

size_t host_page_size() {
  static const size_t size = size_t(sysconf(_SC_PAGESIZE));
  return size;
}

Expected<uint8_t*> reserve_region(size_t bytes, int prot) {
  void* p = mmap(nullptr, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return Error{fmt::format("cannot reserve {} bytes of address space: {}", bytes, std::strerror(errno))};
  return static_cast<uint8_t*>(p);
}

void reset_region(uint8_t* begin, size_t length, size_t keep_resident) {
  if (length == 0) return;
  // Pages at or past `cut` go back to the kernel; bytes before it are cleared in place.
  size_t cut = std::min(length, round_up_to_page(std::min(length, keep_resident)));
  uintptr_t first_whole_page = round_up_to_page(reinterpret_cast<uintptr_t>(begin + cut));
  size_t memset_bytes = std::min<size_t>(length, first_whole_page - reinterpret_cast<uintptr_t>(begin));
  std::memset(begin, 0, memset_bytes);
  if (memset_bytes < length) {
    uint8_t* from = begin + memset_bytes;
    size_t bytes = round_up_to_page(length - memset_bytes);
    // Cannot fail on a private mapping we own; on failure the pages would simply stay.
    madvise(from, bytes, MADV_DONTNEED);
  }
}

}  // namespace wasmrun::vm
