#include "text/component_scope.h"

namespace wasmrun::text {

void encode_core_sort(BinaryWriter& out, Sort s) { out.u8(component::core_sort_code(s)); }

void encode_sort(BinaryWriter& out, Sort s) {
  if (is_core(s)) {
    out.u8(component::kCoreSortPrefix);
    encode_core_sort(out, s);
    return;
  }
  out.u8(component::sort_code(s));
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

namespace {

// componentdecl / instancedecl tags (Binary.md) of what allows() admits in a type.
component::DeclTag decl_tag(Item item) {
  using component::DeclTag;
  switch (item) {
    case Item::CoreType: return DeclTag::CoreType;
    case Item::Alias: return DeclTag::Alias;
    case Item::Import: return DeclTag::Import;
    case Item::Export: return DeclTag::Export;
    default: return DeclTag::Type;
  }
}

}  // namespace

void ComponentScope::emit(Item item, const BinaryWriter& bytes) {
  if (kind_ != Kind::Component) {
    out_.u8(uint8_t(decl_tag(item)));
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
  for (uint8_t b : component::kPreamble) binary.u8(b);
  binary.raw(out_);
  return binary.take();
}

}  // namespace wasmrun::text
