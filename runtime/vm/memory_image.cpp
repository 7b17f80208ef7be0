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
  uint64_t begin = UINT64_MAX, end = 0;
  for (const wasm::DataSegment& s : m.datas) {
    if (s.mode != wasm::SegmentMode::Active || s.memory != memory) continue;
    std::optional<uint32_t> offset = constant_i32(m, s.offset);
    if (!offset) return std::shared_ptr<const MemoryImage>();
    if (uint64_t(*offset) + s.bytes.size() > memory_bytes) return std::shared_ptr<const MemoryImage>();
    if (s.bytes.size() == 0) continue;
    placed.push_back({*offset, &s});
    begin = std::min<uint64_t>(begin, *offset);
    end = std::max<uint64_t>(end, *offset + s.bytes.size());
  }
  if (placed.empty()) return std::shared_ptr<const MemoryImage>();

  size_t image_offset = begin & ~(host_page_size() - 1);
  size_t image_length = round_up_to_page(end) - image_offset;
  int fd = memfd_create("wasmrun-memory-image", MFD_CLOEXEC);
  if (fd < 0) return system_error("memfd_create");
  std::shared_ptr<const MemoryImage> image(new MemoryImage(fd, image_offset, image_length));
  if (ftruncate(fd, off_t(image_length)) != 0) return system_error("ftruncate");
  // Segments in order: a later one overwrites an earlier one, as copying them would.
  for (const Placed& p : placed) {
    const uint8_t* bytes = m.data(p.segment->bytes);
    size_t n = p.segment->bytes.size();
    off_t at = off_t(p.offset - image_offset);
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
  return image;
}

MemoryImage::~MemoryImage() { close(fd_); }

Expected<void> MemoryImage::map_at(uint8_t* base) const {
  void* p = mmap(base + offset_, length_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  if (p == MAP_FAILED) return system_error("mmap");
  return {};
}

}  // namespace wasmrun::vm
