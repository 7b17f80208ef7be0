// A copy-on-write image of a linear memory's initial contents (the idea of Wasmtime's memory
// images): the bytes of the active data segments are written once per module into a memfd, and
// each instance maps that file MAP_PRIVATE over its memory. Instantiation then copies nothing;
// a page is copied by the kernel the first time the instance writes it, and
// madvise(MADV_DONTNEED) reverts a written page to the image when a pool slot is reused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/wasm/module.h"
#include "wasmrun/expected.h"

namespace wasmrun::vm {

class MemoryImage {
 public:
  // The image of defined memory `memory` of `m`, or null when there is nothing to map: no active
  // data segment, or one whose offset is not an i32.const, or one that does not fit in the
  // memory's initial size (instantiation must then trap, so the segments are copied as usual).
  static Expected<std::shared_ptr<const MemoryImage>> build(const wasm::Module& m, uint32_t memory);

  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  // The image covers [offset, offset + length) of the memory, both multiples of the host page:
  // today the whole initial memory.
  size_t offset() const { return offset_; }
  size_t length() const { return length_; }

  // Maps the image read-write and private at base + offset(), replacing what was there.
  Expected<void> map_at(uint8_t* base) const;

  // The image's bytes (length() of them), read-only: the file's pages, shared with the mappings
  // that have not written them. What a pool slot copies back over the pages an instance wrote.
  const uint8_t* bytes() const { return bytes_; }

 private:
  MemoryImage(int fd, size_t offset, size_t length) : fd_(fd), offset_(offset), length_(length) {}

  int fd_;
  size_t offset_;
  size_t length_;
  const uint8_t* bytes_ = nullptr;
};

}  // namespace wasmrun::vm
