#include "jit/artifact.h"

#include <fmt/format.h>
#include <llvm/Support/BLAKE3.h>
#include <llvm/Support/xxhash.h>

#include <cstring>
#include <string>

namespace wasmrun::jit {

namespace {

constexpr uint8_t kMagic[8] = {0, 'w', 'a', 's', 'm', 'r', 'u', 'n'};
constexpr size_t kObjectAlignment = 16;  // object files are parsed in place; ELF wants aligned headers
constexpr uint32_t kEpochFlag = 1;
constexpr size_t kPage = 4096;  // a code image is mapped from the file: page-aligned in it

class Writer {
 public:
  void bytes(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  void u32(uint32_t v) { bytes(&v, 4); }  // hosts we target are little-endian
  void u64(uint64_t v) { bytes(&v, 8); }
  void string(const std::string& s) {
    u32(uint32_t(s.size()));
    bytes(s.data(), s.size());
  }
  void pad(size_t alignment = kObjectAlignment) {
    out.resize((out.size() + alignment - 1) / alignment * alignment, 0);
  }
  std::vector<uint8_t> out;
};

// Reads within bounds; the first overrun makes every later read fail.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}
  bool take(size_t n, std::span<const uint8_t>& out) {
    if (!ok_ || n > data_.size() - pos_) return ok_ = false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  uint32_t u32() { return number<uint32_t>(); }
  uint64_t u64() { return number<uint64_t>(); }
  std::string string() {
    std::span<const uint8_t> s;
    uint32_t n = u32();
    return take(n, s) ? std::string(s.begin(), s.end()) : std::string();
  }
  void align(size_t alignment = kObjectAlignment) {
    size_t aligned = (pos_ + alignment - 1) / alignment * alignment;
    if (aligned > data_.size()) ok_ = false;
    else pos_ = aligned;
  }
  bool ok() const { return ok_; }
  size_t position() const { return pos_; }

 private:
  template <class T>
  T number() {
    std::span<const uint8_t> s;
    T v = 0;
    if (take(sizeof(T), s)) std::memcpy(&v, s.data(), sizeof(T));
    return v;
  }
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

ModuleHash hash_module(std::span<const uint8_t> bytes) {
  auto h = llvm::BLAKE3::hash<32>(llvm::ArrayRef<uint8_t>(bytes.data(), bytes.size()));
  ModuleHash out;
  std::copy(h.begin(), h.end(), out.begin());
  return out;
}

std::vector<uint8_t> write_artifact(const ArtifactHeader& header, const std::vector<std::span<const uint8_t>>& objects,
                                    std::span<const uint8_t> module_bytes, const CodeImage* image) {
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kArtifactFormat);
  w.u64(0);  // the file size, patched below
  const CodeIdentity& id = header.identity;
  for (const std::string* s : {&id.wasmrun_version, &id.source_hash, &id.llvm_version, &id.triple, &id.cpu, &id.features})
    w.string(*s);
  w.u32(uint32_t(header.options.opt_level));
  w.u32(header.options.epoch_interruption ? kEpochFlag : 0);
  w.bytes(header.module_hash.data(), header.module_hash.size());
  w.u32(uint32_t(objects.size()));
  for (std::span<const uint8_t> object : objects) {
    w.u64(object.size());
    w.pad();
    w.bytes(object.data(), object.size());
  }
  w.u64(module_bytes.size());
  w.bytes(module_bytes.data(), module_bytes.size());
  w.u32(image ? 1 : 0);
  if (image) {
    w.u64(image->base);
    w.u64(image->code_end);
    w.u64(image->readonly_end);
    w.u32(uint32_t(image->rebase.size()));
    w.bytes(image->rebase.data(), image->rebase.size() * 4);
    w.u32(uint32_t(image->imports.size()));
    for (const CodeImage::Import& im : image->imports) {
      w.u32(im.slot);
      w.string(im.name);
    }
    w.u32(uint32_t(image->symbols.size()));
    for (const CodeImage::Symbol& s : image->symbols) {
      w.u64(s.offset);
      w.u64(s.size);
    }
    w.u64(image->bytes.size());
    w.pad(kPage);
    w.bytes(image->bytes.data(), image->bytes.size());
  }
  uint64_t size = w.out.size() + 8;
  std::memcpy(w.out.data() + sizeof kMagic + 4, &size, 8);
  w.u64(llvm::xxh3_64bits(llvm::ArrayRef<uint8_t>(w.out.data(), w.out.size())));
  return std::move(w.out);
}

bool looks_like_artifact(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

Expected<Artifact> read_artifact(std::span<const uint8_t> bytes) {
  if (!looks_like_artifact(bytes)) return Error{"not a wasmrun artifact (no \"\\0wasmrun\" magic)"};
  Reader r(bytes);
  std::span<const uint8_t> magic;
  r.take(sizeof kMagic, magic);
  uint32_t format = r.u32();
  uint64_t size = r.u64();
  if (!r.ok()) return Error{"truncated wasmrun artifact: the header is incomplete"};
  if (format != kArtifactFormat)
    return Error{fmt::format("wasmrun artifact of format {}; this wasmrun reads format {} (recompile the module)", format,
                             kArtifactFormat)};
  if (size != bytes.size())
    return Error{fmt::format("truncated or damaged wasmrun artifact: {} bytes, its header says {}", bytes.size(), size)};
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (llvm::xxh3_64bits(llvm::ArrayRef<uint8_t>(bytes.data(), bytes.size() - 8)) != stored)
    return Error{"damaged wasmrun artifact: checksum mismatch"};

  Artifact a;
  CodeIdentity& id = a.header.identity;
  for (std::string* s : {&id.wasmrun_version, &id.source_hash, &id.llvm_version, &id.triple, &id.cpu, &id.features})
    *s = r.string();
  a.header.options.opt_level = int(r.u32());
  a.header.options.epoch_interruption = r.u32() & kEpochFlag;
  std::span<const uint8_t> hash;
  if (r.take(a.header.module_hash.size(), hash)) std::copy(hash.begin(), hash.end(), a.header.module_hash.begin());
  uint32_t count = r.u32();
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    uint64_t n = r.u64();
    r.align();
    std::span<const uint8_t> object;
    if (r.take(n, object)) a.objects.push_back(object);
  }
  uint64_t module_size = r.u64();
  r.take(module_size, a.module_bytes);
  if (r.u32() == 1) {
    CodeImageView& image = a.image.emplace();
    image.base = r.u64();
    image.code_end = r.u64();
    image.readonly_end = r.u64();
    uint32_t rebase = r.u32();
    r.take(uint64_t(rebase) * 4, image.rebase);
    for (uint32_t i = 0, n = r.u32(); i < n && r.ok(); ++i) {
      uint32_t slot = r.u32();
      image.imports.push_back({slot, r.string()});
    }
    for (uint32_t i = 0, n = r.u32(); i < n && r.ok(); ++i) {
      uint64_t offset = r.u64();
      image.symbols.push_back({offset, r.u64()});
    }
    uint64_t n = r.u64();
    r.align(kPage);
    r.take(n, image.bytes);
  }
  // What remains is the checksum, and nothing else.
  if (!r.ok() || r.position() + 8 != bytes.size())
    return Error{"malformed wasmrun artifact: its parts do not add up to its size"};
  return a;
}

Expected<void> check_compatible(const ArtifactHeader& header, const CodeIdentity& host,
                                const vm::CompileOptions& options) {
  if (std::string why = incompatibility(header.identity, host); !why.empty())
    return Error{"cannot use this compiled module: " + why + "; compile it again"};
  if (header.options.epoch_interruption != options.epoch_interruption)
    return Error{fmt::format("cannot use this compiled module: it was compiled {} epoch interruption, the engine is "
                             "configured {} it",
                             header.options.epoch_interruption ? "with" : "without",
                             options.epoch_interruption ? "with" : "without")};
  return {};
}

}  // namespace wasmrun::jit
