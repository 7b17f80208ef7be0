#include "runtime/vm/dirty_pages.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace wasmrun::vm {

namespace {

// The ioctl's ABI (include/uapi/linux/fs.h of Linux 6.7), which older system headers lack.
struct PageRegion {
  uint64_t start, end, categories;
};
struct PmScanArg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
constexpr unsigned long kPagemapScan = _IOWR('f', 16, PmScanArg);
constexpr uint64_t kPageIsFile = 1 << 2;
constexpr uint64_t kPageIsPresent = 1 << 3;
constexpr uint64_t kPageIsSwapped = 1 << 4;
constexpr uint64_t kPageIsPfnZero = 1 << 5;

int pagemap_fd = -1;

// A child of fork must scan its own page tables, not its parent's.
void reopen_in_child() {
  int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) fd = open("/dev/null", O_RDONLY | O_CLOEXEC);  // every scan then fails: the fallback
  if (fd >= 0) {
    dup2(fd, pagemap_fd);
    close(fd);
  }
}

bool probe() {
  int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  PmScanArg arg{};
  arg.size = sizeof arg;
  if (ioctl(fd, kPagemapScan, &arg) != 0 || pthread_atfork(nullptr, nullptr, reopen_in_child) != 0) {
    close(fd);
    return false;
  }
  pagemap_fd = fd;
  return true;
}

}  // namespace

bool dirty_page_scan_available() {
  static const bool available = probe();
  return available;
}

std::optional<DirtyScan> scan_dirty_pages(uint8_t* begin, uint8_t* end, size_t max_pages, std::span<DirtyRun> runs) {
  if (!dirty_page_scan_available()) return std::nullopt;
  PageRegion regions[32];
  PmScanArg arg{};
  arg.size = sizeof arg;
  arg.start = reinterpret_cast<uintptr_t>(begin);
  arg.end = reinterpret_cast<uintptr_t>(end);
  arg.vec = reinterpret_cast<uintptr_t>(regions);
  arg.vec_len = std::min(runs.size(), std::size(regions));
  arg.max_pages = max_pages;
  // Changed: neither the image's file page nor the zero page, and present or swapped out.
  arg.category_inverted = kPageIsFile | kPageIsPfnZero;
  arg.category_mask = kPageIsFile | kPageIsPfnZero;
  arg.category_anyof_mask = kPageIsPresent | kPageIsSwapped;
  arg.return_mask = 0;
  long n = ioctl(pagemap_fd, kPagemapScan, &arg);
  if (n < 0) return std::nullopt;
  for (long i = 0; i < n; ++i)
    runs[size_t(i)] = {reinterpret_cast<uint8_t*>(regions[i].start), reinterpret_cast<uint8_t*>(regions[i].end)};
  return DirtyScan{size_t(n), reinterpret_cast<uint8_t*>(arg.walk_end)};
}

}  // namespace wasmrun::vm
