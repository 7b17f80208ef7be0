// Which pages of a pool slot's memory an instance changed, from the page tables (Linux's
// PAGEMAP_SCAN ioctl on /proc/self/pagemap, kernel 6.7 and later; the idea is Wasmtime's).
// A page the guest wrote is a private anonymous page (or, swapped out, a swap entry); one it only
// read maps the image's file page or the shared zero page, and one it never touched has no page
// at all. Resetting only the written pages in place (a memcpy from the image, or zeros) keeps
// them mapped and writable, so the next instance in the slot takes no page fault and the reset
// needs no madvise (no TLB shootdown).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace wasmrun::vm {

struct DirtyRun {
  uint8_t* begin;
  uint8_t* end;
};

// Whether the kernel has PAGEMAP_SCAN (probed once).
bool dirty_page_scan_available();

// One scan of [begin, end) (page aligned): the runs of changed pages, in address order, at most
// `runs.size()` of them and at most `max_pages` pages in all, and where the scan stopped (`end`
// when it saw the whole range). Nothing when the scan is unavailable or failed.
struct DirtyScan {
  size_t runs;
  uint8_t* walk_end;
};
std::optional<DirtyScan> scan_dirty_pages(uint8_t* begin, uint8_t* end, size_t max_pages, std::span<DirtyRun> runs);

// Calls `reset(run)` for each run of changed pages in [begin, end) until `max_bytes` of them were
// seen, scanning again where a scan stopped for want of room for its runs. Returns where it
// stopped looking: `end`, or the first byte past the budget, or `begin` when the scan is
// unavailable. Everything from there to `end` must be reset some other way.
template <class Reset>
uint8_t* reset_dirty_pages(uint8_t* begin, uint8_t* end, size_t max_bytes, size_t page_size, Reset&& reset) {
  DirtyRun runs[32];
  size_t budget = max_bytes / page_size;
  uint8_t* at = begin;
  while (at < end && budget > 0) {
    auto scan = scan_dirty_pages(at, end, budget, runs);
    if (!scan) return at;
    for (size_t i = 0; i < scan->runs; ++i) {
      reset(runs[i]);
      budget -= std::min(budget, size_t(runs[i].end - runs[i].begin) / page_size);
    }
    // A scan ends at `end`, at the page budget, or with its runs full: only the last goes on.
    if (scan->walk_end <= at || scan->runs < std::size(runs)) return scan->walk_end;
    at = scan->walk_end;
  }
  return at;
}

}  // namespace wasmrun::vm
