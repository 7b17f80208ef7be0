#include "jit/code_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>
#include <llvm/Object/ELFObjectFile.h>

#include <cstring>
#include <map>
#include <optional>

namespace wasmrun::jit {

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kStubSize = 8;  // jmp *disp32(%rip), padded

uint64_t align_to(uint64_t v, uint64_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

template <class T>
std::optional<T> value(llvm::Expected<T> e) {
  if (!e) {
    llvm::consumeError(e.takeError());
    return std::nullopt;
  }
  return std::move(*e);
}

enum Part { kCode, kReadonly, kWritable };

struct Placed {
  llvm::object::ELFSectionRef section;
  Part part;
  uint64_t offset;  // within its part, then (after layout) within the image
};

struct Input {
  std::unique_ptr<llvm::object::ELF64LEObjectFile> object;
  std::map<uint64_t, Placed> sections;  // by section index
};

class Linker {
 public:
  Expected<CodeImage> link(const std::vector<std::span<const uint8_t>>& objects, const std::vector<std::string>& symbols,
                           uint64_t base) {
    image_.base = base;
    for (std::span<const uint8_t> bytes : objects)
      if (auto ok = add(bytes); !ok) return ok.error();
    if (auto ok = find_imports(); !ok) return ok.error();
    layout();
    for (Input& in : inputs_)
      if (auto ok = relocate(in); !ok) return ok.error();
    for (const std::string& name : symbols) {
      auto it = globals_.find(name);
      if (it == globals_.end()) return Error{"code image: no symbol " + name};
      image_.symbols.push_back({address_of(it->second), it->second.size});
    }
    return std::move(image_);
  }

 private:
  struct Global {
    size_t input;
    uint64_t section, value, size;
  };

  Expected<void> add(std::span<const uint8_t> bytes) {
    llvm::MemoryBufferRef ref(llvm::StringRef(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "object");
    auto object = value(llvm::object::ObjectFile::createELFObjectFile(ref));
    auto* elf = object ? llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(object->get()) : nullptr;
    if (!elf || elf->getArch() != llvm::Triple::x86_64) return Error{"code image: not an x86-64 ELF object"};
    Input in;
    in.object.reset(elf);
    object->release();
    for (const llvm::object::ELFSectionRef s : elf->sections()) {
      uint64_t flags = s.getFlags();
      if (!(flags & llvm::ELF::SHF_ALLOC) || s.getSize() == 0) continue;
      if (flags & llvm::ELF::SHF_TLS) return Error{"code image: thread-local data"};
      Part part = (flags & llvm::ELF::SHF_EXECINSTR) ? kCode : (flags & llvm::ELF::SHF_WRITE) ? kWritable : kReadonly;
      part_size_[part] = align_to(part_size_[part], s.getAlignment().value());
      in.sections.emplace(s.getIndex(), Placed{s, part, part_size_[part]});
      part_size_[part] += s.getSize();
    }
    size_t index = inputs_.size();
    for (const llvm::object::ELFSymbolRef sym : elf->symbols()) {
      auto flags = value(sym.getFlags());
      if (!flags) return Error{"code image: unreadable symbol"};
      if (*flags & llvm::object::SymbolRef::SF_Common) return Error{"code image: common symbol"};
      if (!(*flags & llvm::object::SymbolRef::SF_Global) || (*flags & llvm::object::SymbolRef::SF_Undefined)) continue;
      auto name = value(sym.getName());
      auto section = value(sym.getSection());
      auto v = value(sym.getValue());
      if (!name || !section || !v || *section == elf->section_end()) return Error{"code image: unplaceable symbol"};
      globals_.try_emplace(name->str(), Global{index, (*section)->getIndex(), *v, sym.getSize()});
    }
    inputs_.push_back(std::move(in));
    return {};
  }

  // Undefined symbols no object defines: the runtime's functions, called through stubs.
  Expected<void> find_imports() {
    for (Input& in : inputs_)
      for (const llvm::object::ELFSymbolRef sym : in.object->symbols()) {
        auto flags = value(sym.getFlags());
        if (!flags || !(*flags & llvm::object::SymbolRef::SF_Undefined)) continue;
        auto name = value(sym.getName());
        if (!name) return Error{"code image: unreadable symbol"};
        if (name->empty() || globals_.count(name->str()) || import_index_.count(name->str())) continue;
        import_index_[name->str()] = image_.imports.size();
        image_.imports.push_back({0, name->str()});
      }
    return {};
  }

  void layout() {
    uint64_t stubs = align_to(part_size_[kCode], 16);
    image_.code_end = align_to(stubs + image_.imports.size() * kStubSize, kPage);
    uint64_t readonly = image_.code_end;
    uint64_t slots = align_to(readonly + part_size_[kReadonly], 8);
    image_.readonly_end = align_to(slots + image_.imports.size() * 8, kPage);
    uint64_t writable = image_.readonly_end;
    image_.bytes.assign(align_to(writable + part_size_[kWritable], kPage), 0);
    uint64_t part_base[] = {0, readonly, writable};
    for (Input& in : inputs_) {
      for (auto& [index, placed] : in.sections) {
        (void)index;
        placed.offset += part_base[placed.part];
        const llvm::object::ELFSectionRef& s = placed.section;
        if (s.getType() == llvm::ELF::SHT_NOBITS) continue;
        if (auto contents = value(s.getContents()))
          std::memcpy(image_.bytes.data() + placed.offset, contents->data(), contents->size());
      }
    }
    for (size_t i = 0; i < image_.imports.size(); ++i) {
      uint64_t stub = stubs + i * kStubSize, slot = slots + i * 8;
      image_.imports[i].slot = uint32_t(slot);
      int32_t displacement = int32_t(int64_t(slot) - int64_t(stub + 6));
      uint8_t* p = image_.bytes.data() + stub;
      p[0] = 0xff, p[1] = 0x25;  // jmp *disp32(%rip)
      std::memcpy(p + 2, &displacement, 4);
      p[6] = p[7] = 0xcc;
      stub_offset_.push_back(stub);
    }
  }

  uint64_t address_of(const Global& g) const { return inputs_[g.input].sections.at(g.section).offset + g.value; }

  // The image offset a relocation's symbol stands for.
  Expected<uint64_t> target(const Input& in, const llvm::object::symbol_iterator& sym) {
    if (sym == in.object->symbol_end()) return Error{"code image: relocation without a symbol"};
    auto section = value(sym->getSection());
    if (!section) return Error{"code image: unreadable symbol"};
    if (*section != in.object->section_end()) {
      auto placed = in.sections.find((*section)->getIndex());
      auto v = value(sym->getValue());
      if (placed == in.sections.end() || !v) return Error{"code image: relocation to a section not loaded"};
      return placed->second.offset + *v;
    }
    auto name = value(sym->getName());
    if (!name) return Error{"code image: unreadable symbol"};
    if (auto g = globals_.find(name->str()); g != globals_.end()) return address_of(g->second);
    if (auto i = import_index_.find(name->str()); i != import_index_.end()) return stub_offset_[i->second];
    return Error{"code image: undefined symbol " + name->str()};
  }

  Expected<void> relocate(Input& in) {
    for (const llvm::object::SectionRef rel : in.object->sections()) {
      auto relocated = value(rel.getRelocatedSection());
      if (!relocated || *relocated == in.object->section_end()) continue;
      auto placed = in.sections.find((*relocated)->getIndex());
      if (placed == in.sections.end()) continue;  // debug info: read from the objects, not loaded
      for (const llvm::object::ELFRelocationRef r : rel.relocations()) {
        auto s = target(in, r.getSymbol());
        if (!s) return s.error();
        auto addend = value(r.getAddend());
        if (!addend) return Error{"code image: relocation without an addend"};
        uint64_t place = placed->second.offset + r.getOffset();
        int64_t sa = int64_t(*s) + *addend;
        uint8_t* p = image_.bytes.data() + place;
        switch (r.getType()) {
          case llvm::ELF::R_X86_64_NONE: break;
          case llvm::ELF::R_X86_64_64: {
            uint64_t v = image_.base + uint64_t(sa);
            std::memcpy(p, &v, 8);
            image_.rebase.push_back(uint32_t(place));
            break;
          }
          case llvm::ELF::R_X86_64_PC32:
          case llvm::ELF::R_X86_64_PLT32: {
            int64_t v = sa - int64_t(place);
            if (v != int32_t(v)) return Error{"code image: 32-bit displacement out of range"};
            int32_t v32 = int32_t(v);
            std::memcpy(p, &v32, 4);
            break;
          }
          case llvm::ELF::R_X86_64_PC64: {
            int64_t v = sa - int64_t(place);
            std::memcpy(p, &v, 8);
            break;
          }
          default: return Error{fmt::format("code image: relocation type {}", r.getType())};
        }
      }
    }
    return {};
  }

  CodeImage image_;
  std::vector<Input> inputs_;
  std::map<std::string, Global> globals_;
  std::map<std::string, size_t> import_index_;
  std::vector<uint64_t> stub_offset_;
  uint64_t part_size_[3] = {0, 0, 0};
};

}  // namespace

Expected<CodeImage> link_code_image(const std::vector<std::span<const uint8_t>>& objects,
                                    const std::vector<std::string>& symbols, uint64_t base) {
  if (base % kPage) return Error{"code image: unaligned base"};
  auto image = Linker().link(objects, symbols, base);
  if (image && image->bytes.size() > UINT32_MAX) return Error{"code image: larger than 4 GiB"};
  return image;
}

uint64_t preferred_image_base(std::span<const uint8_t> module_hash) {
  uint64_t h = 0;
  std::memcpy(&h, module_hash.data(), std::min<size_t>(8, module_hash.size()));
  constexpr uint64_t kLow = uint64_t(16) << 40, kSpan = uint64_t(64) << 40, kAlign = uint64_t(2) << 20;
  return kLow + (h % (kSpan / kAlign)) * kAlign;
}

LoadedImage::~LoadedImage() {
  if (size_) munmap(at_, size_);
}

Expected<std::unique_ptr<LoadedImage>> LoadedImage::load(const CodeImageView& image, const ImageFile* file,
                                                         void* (*resolve)(const std::string& name)) {
  size_t size = image.bytes.size();
  if (size == 0 && image.symbols.empty() && image.imports.empty())  // a module of imports only
    return std::unique_ptr<LoadedImage>(new LoadedImage(nullptr, 0));
  if (size == 0 || size % kPage || image.code_end > image.readonly_end || image.readonly_end > size)
    return Error{"damaged code image: bad layout"};
  int fd = file ? file->fd : -1;
  auto map = [&](void* hint, int flags) {
    return fd >= 0 ? mmap(hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | flags, fd, off_t(file->offset))
                   : mmap(hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
  };
  void* want = reinterpret_cast<void*>(image.base);
  void* p = map(want, MAP_FIXED_NOREPLACE);
  if (p != MAP_FAILED && p != want) {  // kernels before 4.17 take the address as a hint only
    munmap(p, size);
    p = MAP_FAILED;
  }
  if (p == MAP_FAILED) p = map(nullptr, 0);
  if (p == MAP_FAILED) return Error{fmt::format("cannot map {} bytes of code: {}", size, std::strerror(errno))};
  std::unique_ptr<LoadedImage> loaded(new LoadedImage(static_cast<uint8_t*>(p), size));
  uint8_t* at = loaded->at_;
  if (fd < 0) std::memcpy(at, image.bytes.data(), size);

  loaded->moved_by_ = int64_t(reinterpret_cast<uintptr_t>(at) - image.base);
  if (loaded->moved_by_ != 0)
    for (size_t i = 0; i + 4 <= image.rebase.size(); i += 4) {
      uint32_t offset;
      std::memcpy(&offset, image.rebase.data() + i, 4);
      if (offset > size - 8) return Error{"damaged code image: rebase outside the image"};
      uint64_t v;
      std::memcpy(&v, at + offset, 8);
      v += uint64_t(loaded->moved_by_);
      std::memcpy(at + offset, &v, 8);
    }
  for (const CodeImage::Import& im : image.imports) {
    if (im.slot > size - 8 || im.slot < image.code_end) return Error{"damaged code image: import slot outside"};
    void* address = resolve(im.name);
    if (!address) return Error{"compiled code needs an unknown runtime function: " + im.name};
    std::memcpy(at + im.slot, &address, 8);
  }
  for (const CodeImage::Symbol& s : image.symbols)
    if (s.offset >= image.code_end) return Error{"damaged code image: a function outside the code"};
  if (mprotect(at, image.code_end, PROT_READ | PROT_EXEC) != 0 ||
      mprotect(at + image.code_end, image.readonly_end - image.code_end, PROT_READ) != 0)
    return Error{fmt::format("cannot protect code: {}", std::strerror(errno))};
  return loaded;
}

}  // namespace wasmrun::jit
