#include "runtime/vm/region.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

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

}  // namespace wasmrun::vm
