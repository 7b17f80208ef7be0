// The dirty-page scan (runtime/vm/dirty_pages.h) on mappings made here: it reports the pages
// written, in runs, and neither those only read nor those never touched; it stops at its page
// budget and goes on past the room of one ioctl's runs.
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

#include "runtime/vm/dirty_pages.h"

using namespace wasmrun::vm;

namespace {

struct Mapping {
  explicit Mapping(size_t pages) : bytes(pages * page()) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    base = static_cast<uint8_t*>(p);
  }
  ~Mapping() { munmap(base, bytes); }
  static size_t page() { return size_t(sysconf(_SC_PAGESIZE)); }
  uint8_t* at(size_t page_index) const { return base + page_index * page(); }
  uint8_t* base;
  size_t bytes;
};

std::vector<std::pair<size_t, size_t>> dirty_runs(const Mapping& m, size_t max_bytes, uint8_t** stopped = nullptr) {
  std::vector<std::pair<size_t, size_t>> runs;
  uint8_t* end = reset_dirty_pages(m.base, m.base + m.bytes, max_bytes, Mapping::page(), [&](DirtyRun r) {
    runs.emplace_back(size_t(r.begin - m.base) / Mapping::page(), size_t(r.end - m.base) / Mapping::page());
  });
  if (stopped) *stopped = end;
  return runs;
}

}  // namespace

TEST_CASE("the dirty-page scan reports written pages, not pages only read or never touched") {
  REQUIRE_MESSAGE(dirty_page_scan_available(), "PAGEMAP_SCAN is missing (Linux 6.7 or later has it)");
  Mapping m(16);
  volatile uint8_t sink = 0;
  m.at(1)[0] = 1;
  m.at(2)[100] = 2;
  sink = sink + m.at(5)[0];  // read: the zero page
  m.at(9)[4095] = 3;
  uint8_t* stopped = nullptr;
  auto runs = dirty_runs(m, m.bytes, &stopped);
  CHECK(runs == std::vector<std::pair<size_t, size_t>>{{1, 3}, {9, 10}});
  CHECK(stopped == m.base + m.bytes);
  // Written pages stay dirty until given back; madvise gives them back.
  madvise(m.at(1), 2 * Mapping::page(), MADV_DONTNEED);
  CHECK(dirty_runs(m, m.bytes) == std::vector<std::pair<size_t, size_t>>{{9, 10}});
}

TEST_CASE("the dirty-page scan stops at its budget and goes on past one ioctl's room for runs") {
  REQUIRE(dirty_page_scan_available());
  Mapping m(200);
  for (size_t i = 0; i < 200; i += 2) m.at(i)[7] = 1;  // 100 runs of one page
  uint8_t* stopped = nullptr;
  auto all = dirty_runs(m, m.bytes, &stopped);
  REQUIRE(all.size() == 100);
  CHECK(all[0] == std::pair<size_t, size_t>{0, 1});
  CHECK(all[99] == std::pair<size_t, size_t>{198, 199});
  CHECK(stopped == m.base + m.bytes);
  // A budget of 40 pages: the first 40 runs, and the scan says where it stopped looking.
  auto some = dirty_runs(m, 40 * Mapping::page(), &stopped);
  REQUIRE(some.size() == 40);
  CHECK(some.back() == std::pair<size_t, size_t>{78, 79});
  CHECK(stopped > m.at(78));
  CHECK(stopped <= m.at(80));
}
