// A module's code linked once, when it is stored (code cache entries and .cwasm artifacts), so a
// later process maps it instead of linking the objects again (issue 14, warm start). The objects
// are linked into one image for a preferred base address picked from the module hash, like a
// shared library's: loading maps the image's pages from the file at that address, copy-on-write,
// and writes only the addresses of the runtime's functions into the image's import slots. When
// the address is taken (another copy of the module in this process), the image is mapped
// elsewhere and its absolute addresses are moved by the stored rebase list, as a loader applies
// base relocations. No LLVM code runs on this path.
//
// Image layout, each part page-aligned: [code, then import stubs: r-x][read-only data and
// import slots: r--][writable data: rw-]. The JIT emits code for the large code model, so the
// objects' relocations are absolute (R_X86_64_64); calls to the runtime go through a stub
// `jmp *slot` each, leaving one slot per runtime function to write at load time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun::jit {

struct CodeImage {
  uint64_t base = 0;          // the address the image is linked for
  uint64_t code_end = 0;      // [0, code_end) is code
  uint64_t readonly_end = 0;  // [code_end, readonly_end) is read-only, the rest writable
  std::vector<uint8_t> bytes;  // a whole number of pages
  std::vector<uint32_t> rebase;  // offsets of 64-bit absolute addresses into the image
  struct Import {
    uint32_t slot;  // offset of the 64-bit slot to hold the function's address
    std::string name;
  };
  std::vector<Import> imports;
  struct Symbol {
    uint64_t offset, size;
  };
  std::vector<Symbol> symbols;  // the requested symbols, in order
};

// Links relocatable ELF objects for x86-64 into an image for `base` exporting `symbols`. Fails
// on anything this simple linker does not handle (other relocation types, thread-locals, common
// symbols, another architecture): the caller then keeps linking the objects with JITLink.
Expected<CodeImage> link_code_image(const std::vector<std::span<const uint8_t>>& objects,
                                    const std::vector<std::string>& symbols, uint64_t base);

// A preferred base for a module with this hash: a 2 MiB-aligned address in [16 TiB, 80 TiB),
// below where Linux maps shared libraries and above programs and their heap.
uint64_t preferred_image_base(std::span<const uint8_t> module_hash);

// A stored image, read back: views into the artifact's bytes.
struct CodeImageView {
  uint64_t base = 0, code_end = 0, readonly_end = 0;
  std::span<const uint8_t> bytes;  // page-aligned in the artifact's file
  std::span<const uint8_t> rebase;  // u32 offsets, little-endian
  std::vector<CodeImage::Import> imports;
  std::vector<CodeImage::Symbol> symbols;
};

// Where the image's bytes lie in an open file (the one whose bytes were checked), to map them
// rather than copy them.
struct ImageFile {
  int fd = -1;
  uint64_t offset = 0;  // page-aligned
};

// An image loaded into executable memory; unmapped with the object.
class LoadedImage {
 public:
  ~LoadedImage();
  LoadedImage(const LoadedImage&) = delete;
  LoadedImage& operator=(const LoadedImage&) = delete;
  uintptr_t address(const CodeImage::Symbol& s) const { return reinterpret_cast<uintptr_t>(at_) + s.offset; }
  bool at_preferred_base() const { return moved_by_ == 0; }

  // Maps `image` (from `file` when given, else copied), resolves its imports by `resolve` (null:
  // unknown), and protects its parts.
  static Expected<std::unique_ptr<LoadedImage>> load(const CodeImageView& image, const ImageFile* file,
                                                     void* (*resolve)(const std::string& name));

 private:
  LoadedImage(uint8_t* at, size_t size) : at_(at), size_(size) {}
  uint8_t* at_;
  size_t size_;
  int64_t moved_by_ = 0;
};

}  // namespace wasmrun::jit
