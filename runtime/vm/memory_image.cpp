#include "runtime/vm/memory_image.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "runtime/vm/const_eval.h"
#include "runtime/vm/region.h"

namespace wasmrun::vm {

namespace {

Error system_error(const char* what) { return Error{fmt::format("memory image: {}: {}", what, std::strerror(errno))}; }

}  // namespace

Expected<std::shared_ptr<const MemoryImage>> MemoryImage::build(const wasm::Module& m, uint32_t memory) {
  if (memory < m.imported_memories || memory >= m.memories.size()) return std::shared_ptr<const MemoryImage>();
  uint64_t memory_bytes = m.memories[memory].limits.min * wasm::kPageSize;
  struct Placed {
    uint64_t offset;
    const wasm::DataSegment* segment;
  };
  std::vector<Placed> placed;
  for (const wasm::DataSegment& s : m.datas) {
    if (s.mode != wasm::SegmentMode::Active || s.memory != memory) continue;
    std::optional<uint32_t> offset = constant_i32(m, s.offset);
    if (!offset) return std::shared_ptr<const MemoryImage>();
    if (uint64_t(*offset) + s.bytes.size() > memory_bytes) return std::shared_ptr<const MemoryImage>();
    if (s.bytes.size() == 0) continue;
    placed.push_back({*offset, &s});
  }
  if (placed.empty()) return std::shared_ptr<const MemoryImage>();

  // The image spans the whole initial memory, holes reading as zeros, so that the accessible part
  // of a fresh memory is one mapping: madvise and page-table walks cost per mapping, and resetting
  // a slot over one mapping is measurably cheaper than over an anonymous-file-anonymous sandwich.
  int fd = memfd_create("wasmrun-memory-image", MFD_CLOEXEC);
  if (fd < 0) return system_error("memfd_create");
  std::shared_ptr<MemoryImage> image(new MemoryImage(fd, 0, memory_bytes));
  if (ftruncate(fd, off_t(memory_bytes)) != 0) return system_error("ftruncate");
  // Segments in order: a later one overwrites an earlier one, as copying them would.
  for (const Placed& p : placed) {
    const uint8_t* bytes = m.data(p.segment->bytes);
    size_t n = p.segment->bytes.size();
    off_t at = off_t(p.offset);
    while (n > 0) {
      ssize_t written = pwrite(fd, bytes, n, at);
      if (written < 0) {
        if (errno == EINTR) continue;
        return system_error("write");
      }
      bytes += written;
      n -= size_t(written);
      at += written;
    }
  }
  void* bytes = mmap(nullptr, memory_bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (bytes == MAP_FAILED) return system_error("mmap");
  image->bytes_ = static_cast<const uint8_t*>(bytes);
  return std::shared_ptr<const MemoryImage>(std::move(image));
}

MemoryImage::~MemoryImage() {
  if (bytes_) munmap(const_cast<uint8_t*>(bytes_), length_);
  close(fd_);
}

Expected<void> MemoryImage::map_at(uint8_t* base) const {
  void* p = mmap(base + offset_, length_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  if (p == MAP_FAILED) return system_error("mmap");
  return {};
}

}  // namespace wasmrun::vm
