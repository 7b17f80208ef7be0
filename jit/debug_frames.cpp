#include "jit/debug_frames.h"

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Object/ObjectFile.h>

#include <charconv>
#include <map>
#include <mutex>
#include <string>

#include "jit/module_env.h"

namespace wasmrun::jit {

DebugLocations::DebugLocations(llvm::Module& module) : builder_(module) {
  module.addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  module.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  file_ = builder_.createFile("wasm", "");
  builder_.createCompileUnit(llvm::dwarf::DW_LANG_C, file_, "wasmrun", true, "", 0, "", 
                             llvm::DICompileUnit::DebugEmissionKind::LineTablesOnly);
  type_ = builder_.createSubroutineType(builder_.getOrCreateTypeArray({}));
}

llvm::DISubprogram* DebugLocations::attach(llvm::Function& fn, uint32_t func_index) {
  llvm::DISubprogram* sp = builder_.createFunction(file_, "f" + std::to_string(func_index), fn.getName(), file_, 0,
                                                   type_, 0, llvm::DINode::FlagZero,
                                                   llvm::DISubprogram::SPFlagDefinition);
  fn.setSubprogram(sp);
  return sp;
}

llvm::DILocation* DebugLocations::at(llvm::DISubprogram* sp, uint32_t module_offset) {
  return llvm::DILocation::get(sp->getContext(), module_offset, 0, sp);
}

namespace {

// One object's DWARF and where each function symbol starts in it.
struct ObjectDebugInfo {
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::unique_ptr<llvm::object::ObjectFile> object;
  std::unique_ptr<llvm::DWARFContext> dwarf;
};

class DwarfInlineResolver final : public vm::InlineResolver {
 public:
  explicit DwarfInlineResolver(const wasm::Names& names) : names_(names) {}

  // Reads the object in `buffer`, which the resolver keeps.
  void add(std::unique_ptr<llvm::MemoryBuffer> copy) {
    auto object = llvm::object::ObjectFile::createObjectFile(copy->getMemBufferRef());
    if (!object) {
      llvm::consumeError(object.takeError());
      return;
    }
    auto info = std::make_unique<ObjectDebugInfo>();
    info->buffer = std::move(copy);
    info->object = std::move(*object);
    for (const llvm::object::SymbolRef& symbol : info->object->symbols()) {
      auto name = symbol.getName();
      auto section = symbol.getSection();
      auto value = symbol.getValue();
      if (!name || !section || !value) {
        llvm::consumeError(name.takeError());
        llvm::consumeError(section.takeError());
        llvm::consumeError(value.takeError());
        continue;
      }
      if (*section == info->object->section_end() || !name->starts_with("w")) continue;
      uint32_t index = 0;
      auto [end, ec] = std::from_chars(name->data() + 1, name->data() + name->size(), index);
      // "w<i>", or "w<i>.<tier>" for a lazily compiled body (lazy_code.cpp).
      if (ec != std::errc() || (end != name->data() + name->size() && *end != '.')) continue;
      starts_[index] = {objects_.size(), (*section)->getIndex(), *value};
    }
    info->dwarf = llvm::DWARFContext::create(*info->object);
    objects_.push_back(std::move(info));
  }

  std::vector<Frame> frames_at(const vm::CodeRange& range, uintptr_t pc) const override {
    auto start = starts_.find(range.func_index);
    if (start == starts_.end()) return {};
    const Start& s = start->second;
    llvm::object::SectionedAddress address{s.offset + (pc - range.begin), s.section};
    llvm::DILineInfoSpecifier spec(llvm::DILineInfoSpecifier::FileLineInfoKind::RawValue,
                                   llvm::DINameKind::ShortName);
    llvm::DIInliningInfo inlined = objects_[s.object]->dwarf->getInliningInfoForAddress(address, spec);
    // Line-tables-only DWARF names a subprogram only when something was inlined into it; the
    // outermost frame is the range's own function either way.
    uint32_t count = inlined.getNumberOfFrames();
    std::vector<Frame> frames;
    for (uint32_t i = 0; i < count; ++i) {
      const llvm::DILineInfo& line = inlined.getFrame(i);
      uint32_t index = range.func_index;
      if (i + 1 < count) {
        const std::string& name = line.FunctionName;
        if (name.size() < 2 || name[0] != 'f') return {};
        auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), index);
        if (ec != std::errc() || end != name.data() + name.size()) return {};
      }
      Frame frame{index, "", names_.module, std::nullopt, i + 1 < count};
      if (auto n = names_.functions.find(index); n != names_.functions.end()) frame.func_name = n->second;
      if (line.Line != 0) frame.module_offset = line.Line;
      frames.push_back(std::move(frame));
    }
    return frames;
  }

 private:
  struct Start {
    size_t object;
    uint64_t section;
    uint64_t offset;
  };
  wasm::Names names_;
  std::vector<std::unique_ptr<ObjectDebugInfo>> objects_;
  std::map<uint32_t, Start> starts_;  // by function index
};

}  // namespace

std::shared_ptr<const vm::InlineResolver> make_inline_resolver(
    const std::vector<std::unique_ptr<llvm::MemoryBuffer>>& objects, const wasm::Names& names) {
  auto resolver = std::make_shared<DwarfInlineResolver>(names);
  for (const auto& buffer : objects)
    resolver->add(llvm::MemoryBuffer::getMemBufferCopy(buffer->getBuffer(), buffer->getBufferIdentifier()));
  return resolver;
}

namespace {

// Reads the objects' DWARF on the first question: most runs never trap, and reading it would
// cost a warm start more than mapping the code.
class LazyInlineResolver final : public vm::InlineResolver {
 public:
  LazyInlineResolver(std::shared_ptr<const void> owner, std::vector<std::span<const uint8_t>> objects,
                     std::function<bool()> intact, const wasm::Names& names)
      : owner_(std::move(owner)), objects_(std::move(objects)), intact_(std::move(intact)), names_(names) {}

  std::vector<Frame> frames_at(const vm::CodeRange& range, uintptr_t pc) const override {
    std::call_once(once_, [&] {
      auto resolver = std::make_unique<DwarfInlineResolver>(names_);
      if (intact_())
        for (std::span<const uint8_t> o : objects_)
          resolver->add(llvm::MemoryBuffer::getMemBuffer(
              llvm::StringRef(reinterpret_cast<const char*>(o.data()), o.size()), "object", false));
      resolver_ = std::move(resolver);
    });
    return resolver_->frames_at(range, pc);
  }

 private:
  std::shared_ptr<const void> owner_;
  std::vector<std::span<const uint8_t>> objects_;
  std::function<bool()> intact_;
  wasm::Names names_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<DwarfInlineResolver> resolver_;
};

}  // namespace

std::shared_ptr<const vm::InlineResolver> make_lazy_inline_resolver(std::shared_ptr<const void> owner,
                                                                    std::vector<std::span<const uint8_t>> objects,
                                                                    std::function<bool()> intact,
                                                                    const wasm::Names& names) {
  return std::make_shared<LazyInlineResolver>(std::move(owner), std::move(objects), std::move(intact), names);
}

namespace {

class Incremental final : public IncrementalInlineResolver {
 public:
  explicit Incremental(const wasm::Names& names) : resolver_(names) {}

  void add(const llvm::MemoryBuffer& object) override {
    auto copy = llvm::MemoryBuffer::getMemBufferCopy(object.getBuffer(), object.getBufferIdentifier());
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(copy));
  }

  std::vector<Frame> frames_at(const vm::CodeRange& range, uintptr_t pc) const override {
    std::lock_guard lock(mutex_);
    for (auto& object : pending_) resolver_.add(std::move(object));
    pending_.clear();
    return resolver_.frames_at(range, pc);
  }

 private:
  mutable std::mutex mutex_;
  mutable DwarfInlineResolver resolver_;
  mutable std::vector<std::unique_ptr<llvm::MemoryBuffer>> pending_;
};

}  // namespace

std::shared_ptr<IncrementalInlineResolver> make_incremental_inline_resolver(const wasm::Names& names) {
  return std::make_shared<Incremental>(names);
}

}  // namespace wasmrun::jit
