#include "text/component_scope.h"

namespace wasmrun::text {

void encode_core_sort(BinaryWriter& out, Sort s) {
  static constexpr uint8_t kCodes[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12};
  out.u8(kCodes[size_t(s)]);
}

void encode_sort(BinaryWriter& out, Sort s) {
  if (is_core(s)) {
    out.u8(0x00);
    encode_core_sort(out, s);
    return;
  }
  static constexpr uint8_t kCodes[] = {0x01, 0x02, 0x03, 0x04, 0x05};
  out.u8(kCodes[size_t(s) - size_t(Sort::Func)]);
}

const char* sort_name(Sort s) {
  static constexpr const char* kNames[] = {
      "core func", "core table", "core memory", "core global", "core tag", "core type", "core module",
      "core instance", "func", "value", "type", "component", "instance",
  };
  return kNames[size_t(s)];
}

bool ComponentScope::allows(Item item) const {
  switch (kind_) {
    case Kind::Component:
      return true;
    case Kind::ComponentType:
      return item == Item::CoreType || item == Item::Type || item == Item::Alias || item == Item::Import ||
             item == Item::Export;
    case Kind::InstanceType:
      return item == Item::CoreType || item == Item::Type || item == Item::Alias || item == Item::Export;
    case Kind::ModuleType:
      return false;
  }
  return false;
}

void ComponentScope::flush_section() {
  if (open_count_ == 0) return;
  BinaryWriter contents;
  contents.u32(open_count_);
  contents.raw(open_body_);
  out_.section(open_section_, contents);
  open_count_ = 0;
  open_body_.clear();
}

void ComponentScope::emit(Item item, const BinaryWriter& bytes) {
  if (kind_ != Kind::Component) {
    // componentdecl / instancedecl tags (Binary.md).
    static constexpr uint8_t kTags[] = {0, 0, 0, 0x00, 0, 0, 0x02, 0x01, 0, 0, 0x03, 0x04};
    out_.u8(kTags[size_t(item)]);
    out_.raw(bytes);
    ++declarations_;
    return;
  }
  uint8_t id = uint8_t(item);
  if (item == Item::CoreModule || item == Item::Component || item == Item::Start) {
    // Sections holding one definition, not a vector.
    flush_section();
    out_.section(id, bytes);
    return;
  }
  if (id != open_section_) {
    flush_section();
    open_section_ = id;
  }
  open_body_.raw(bytes);
  ++open_count_;
}

std::vector<uint8_t> ComponentScope::finish() {
  std::vector<DeferredExport> exports = std::move(deferred_exports_);
  for (DeferredExport& e : exports) {
    emit(Item::Export, e.bytes);
    space(e.sort).add();
  }
  if (kind_ != Kind::Component) {
    BinaryWriter decls;
    decls.u32(declarations_);
    decls.raw(out_);
    return decls.take();
  }
  flush_section();
  BinaryWriter binary;
  binary.raw(std::string_view("\0asm\x0d\0\x01\0", 8));  // version 0x0d, layer 1 (Binary.md)
  binary.raw(out_);
  return binary.take();
}

}  // namespace wasmrun::text
