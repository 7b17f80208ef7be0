#include "runtime/decode/component_decoder.h"

#include <fmt/format.h>

#include <cstring>

#include "runtime/decode/module_decoder.h"
#include "runtime/decode/reader.h"
#include "runtime/validate/component_validator.h"

namespace wasmrun::component {
namespace {

using wasm::DecodeError;
using wasm::Reader;

constexpr size_t kMaxNesting = 100;

[[noreturn]] void unsupported(std::string message, size_t offset) {
  throw DecodeError{std::move(message), offset, false, true};
}

class ComponentDecoder {
 public:
  explicit ComponentDecoder(ComponentValidator* v) : v_(v) {}

  // Reads one component (preamble and sections) from r, which covers exactly its bytes.
  std::shared_ptr<Component> component(Reader& r, size_t depth);

 private:
  size_t at(const Reader& r) const { return r.offset(); }

  void section(Reader& r, uint8_t id, size_t depth, Component* ir);
  void custom(Reader& r, Component* ir);
  void core_module(Reader& r);
  void core_instance(Reader& r);
  void core_type(Reader& r);
  void instance(Reader& r);
  void alias(Reader& r);
  void type(Reader& r, size_t depth);
  void canon(Reader& r);
  void start(Reader& r);
  void import(Reader& r);
  void export_(Reader& r);

  // Pieces of the grammar.
  Sort sort(Reader& r);
  Sort core_sort(Reader& r);
  std::string name(Reader& r) { return std::string(r.name()); }
  NameSyntax extern_name(Reader& r);
  ValTypeRef valtype(Reader& r);
  std::optional<ValTypeRef> optional_valtype(Reader& r);
  std::optional<ValTypeRef> result_list(Reader& r);
  ExternDescSyntax extern_desc(Reader& r);
  AliasSyntax alias_syntax(Reader& r);
  void deftype(Reader& r, size_t depth);
  void type_declarations(Reader& r, bool component_type, size_t depth);
  wasm::ValType core_valtype(Reader& r);
  wasm::Limits limits(Reader& r, bool* shared = nullptr);
  wasm::FuncType core_func_type(Reader& r);
  CoreExternType core_import_desc(Reader& r, uint32_t* type_index);
  std::vector<ModuleDeclSyntax> module_type(Reader& r);

  ComponentValidator* v_;  // null: check the binary format only
};

bool has_tag_section(std::span<const uint8_t> module) {
  Reader r(module.data(), module.data() + module.size());
  try {
    r.take(8);
    while (!r.at_end()) {
      uint8_t id = r.u8();
      uint32_t size = r.u32();
      if (id == 13) return true;
      r.take(size);
    }
  } catch (const DecodeError&) {
  }
  return false;
}

std::shared_ptr<Component> ComponentDecoder::component(Reader& r, size_t depth) {
  if (depth > kMaxNesting) r.fail("components nested too deeply");
  size_t start = at(r);
  if (r.remaining() < 4 || std::memcmp(r.position(), kPreamble, 4) != 0) r.fail("magic header not detected");
  r.take(4);
  if (r.remaining() < 4) r.fail("unexpected end-of-file");
  const uint8_t* v = r.take(4);
  if (v[2] != kPreamble[6] || v[3] != kPreamble[7]) {
    if (v[2] == 0 && v[3] == 0) Reader::fail_at("expected a version header for a component", start + 6);
    Reader::fail_at("unknown binary layer", start + 6);
  }
  if (v[0] != kPreamble[4] || v[1] != kPreamble[5]) Reader::fail_at("unknown binary version", start + 4);
  auto ir = std::make_shared<Component>();
  if (v_) v_->begin_component(ir);
  while (!r.at_end()) {
    size_t section_start = at(r);
    uint8_t id = r.u8();
    if (id > kMaxSectionId) Reader::fail_at(fmt::format("malformed section id: {}", id), section_start);
    uint32_t size = r.u32();
    Reader body = r.sub_reader(size, "section size mismatch: unexpected end");
    section(body, id, depth, ir.get());
    if (!body.at_end()) body.fail("section size mismatch: unexpected data at the end of the section");
  }
  if (v_) return v_->end_component(at(r));
  return ir;
}

void ComponentDecoder::section(Reader& r, uint8_t id, size_t depth, Component* ir) {
  auto each = [&](auto&& one) {
    uint32_t n = r.count();
    for (uint32_t i = 0; i < n; ++i) one();
  };
  switch (SectionId(id)) {
    case SectionId::Custom: custom(r, ir); return;
    case SectionId::CoreModule: core_module(r); return;
    case SectionId::CoreInstance: each([&] { core_instance(r); }); return;
    case SectionId::CoreType: each([&] { core_type(r); }); return;
    case SectionId::Component: {
      size_t offset = at(r);
      auto nested = component(r, depth + 1);
      if (v_) v_->nested_component(nested, offset);
      return;
    }
    case SectionId::Instance: each([&] { instance(r); }); return;
    case SectionId::Alias: each([&] { alias(r); }); return;
    case SectionId::Type: each([&] { type(r, depth); }); return;
    case SectionId::Canon: each([&] { canon(r); }); return;
    case SectionId::Start: start(r); return;
    case SectionId::Import: each([&] { import(r); }); return;
    case SectionId::Export: each([&] { export_(r); }); return;
    case SectionId::Value:
      unsupported("the value section requires the component-model-values feature", at(r));
  }
}

// The component `name` section (Binary.md "Name Section"): the component's name and names of
// items by sort. Like Wasmtime, a malformed name section is ignored rather than rejected.
void ComponentDecoder::custom(Reader& r, Component* ir) {
  std::string section_name = name(r);
  Reader contents = r.sub_reader(uint32_t(r.remaining()), "");
  if (section_name != "component-name" || !v_) return;
  Component parsed;
  try {
    while (!contents.at_end()) {
      uint8_t id = contents.u8();
      Reader sub = contents.sub_reader(contents.u32(), "name subsection out of bounds");
      if (id == 0x00) {
        parsed.name = name(sub);
      } else if (id == 0x01) {
        Sort s = sort(sub);
        uint32_t n = sub.count();
        for (uint32_t i = 0; i < n; ++i) {
          uint32_t index = sub.u32();
          parsed.names[size_t(s)][index] = name(sub);
        }
      }
    }
  } catch (const DecodeError&) {
    return;
  }
  ir->name = std::move(parsed.name);
  for (size_t s = 0; s < kSortCount; ++s) ir->names[s] = std::move(parsed.names[s]);
}

void ComponentDecoder::core_module(Reader& r) {
  size_t offset = at(r);
  std::span<const uint8_t> bytes(r.position(), r.remaining());
  r.take(r.remaining());
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPreamble, 4) == 0 && (bytes[6] != 0 || bytes[7] != 0))
    Reader::fail_at("expected a version header for a module", offset);
  if (has_tag_section(bytes)) unsupported("core modules with tags need the exception-handling proposal", offset);
  auto decoded = wasm::decode_module(bytes, {.validate = v_ != nullptr});
  if (!decoded) {
    const std::string& m = decoded.error().message;
    if (m.find("malformed limits flags 0x03") != std::string::npos)
      unsupported("shared memories need the threads proposal", offset);
    if (m.find("malformed limits flags 0x05") != std::string::npos || m.find("malformed limits flags 0x04") != std::string::npos)
      unsupported("64-bit memories need the memory64 proposal", offset);
    if (m.starts_with("malformed reference type") || m.starts_with("malformed value type 0x6"))
      unsupported("core reference types beyond funcref and externref need the GC proposal", offset);
    bool malformed = !v_ || wasm::decode_failure(bytes).malformed;
    throw DecodeError{fmt::format("in core module: {}", decoded.error().message), offset, malformed};
  }
  if (v_) v_->core_module(std::make_shared<const wasm::Module>(decoded.take()), offset);
}

Sort ComponentDecoder::core_sort(Reader& r) {
  size_t offset = at(r);
  uint8_t code = r.u8();
  auto s = core_sort_from_code(code);
  if (!s) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for core sort", code), offset);
  return *s;
}

Sort ComponentDecoder::sort(Reader& r) {
  size_t offset = at(r);
  uint8_t code = r.u8();
  if (code == kCoreSortPrefix) return core_sort(r);
  auto s = sort_from_code(code);
  if (!s) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component external kind", code), offset);
  return *s;
}

void ComponentDecoder::core_instance(Reader& r) {
  size_t offset = at(r);
  uint8_t kind = r.u8();
  if (kind == 0x00) {
    uint32_t module = r.u32();
    std::vector<NamedSortIndex> args(r.count());
    for (auto& a : args) {
      a.name = name(r);
      size_t k = at(r);
      uint8_t kind = r.u8();
      if (kind != 0x12) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for instantiation arg kind", kind), k);
      a.item = {Sort::CoreInstance, r.u32()};
    }
    if (v_) v_->core_instantiate(module, std::move(args), offset);
  } else if (kind == 0x01) {
    std::vector<NamedSortIndex> exports(r.count());
    for (auto& e : exports) {
      e.name = name(r);
      e.item.sort = core_sort(r);
      e.item.index = r.u32();
    }
    if (v_) v_->core_inline_instance(std::move(exports), offset);
  } else {
    Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for core instance", kind), offset);
  }
}

wasm::ValType ComponentDecoder::core_valtype(Reader& r) {
  size_t offset = at(r);
  uint8_t b = r.u8();
  switch (b) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b: case 0x70: case 0x6f: return wasm::ValType(b);
    default:
      if (b == 0x64 || b == 0x63 || (b >= 0x69 && b <= 0x74)) unsupported("core reference types beyond funcref and externref need the GC proposal", offset);
      Reader::fail_at(fmt::format("malformed value type 0x{:x}", b), offset);
  }
}

wasm::Limits ComponentDecoder::limits(Reader& r, bool* shared) {
  size_t offset = at(r);
  uint8_t flags = r.u8();
  if (flags > 0x07) Reader::fail_at("malformed limits flags", offset);
  if (shared) *shared = flags & 0x02;
  bool is64 = flags & 0x04;
  wasm::Limits l;
  l.min = is64 ? r.u64() : r.u32();
  if (flags & 0x01) l.max = is64 ? r.u64() : r.u32();
  return l;
}

wasm::FuncType ComponentDecoder::core_func_type(Reader& r) {
  wasm::FuncType f;
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n; ++i) f.params.push_back(core_valtype(r));
  n = r.count();
  for (uint32_t i = 0; i < n; ++i) f.results.push_back(core_valtype(r));
  return f;
}

CoreExternType ComponentDecoder::core_import_desc(Reader& r, uint32_t* type_index) {
  size_t offset = at(r);
  CoreExternType t;
  switch (r.u8()) {
    case 0x00: t.kind = CoreExternType::Kind::Func, *type_index = r.u32(); break;
    case 0x01: {
      t.kind = CoreExternType::Kind::Table;
      t.table.element = core_valtype(r);
      t.table.limits = limits(r);
      break;
    }
    case 0x02: {
      t.kind = CoreExternType::Kind::Memory;
      bool shared = false;
      t.memory.limits = limits(r, &shared);
      if (shared) unsupported("shared memories need the threads proposal", offset);
      break;
    }
    case 0x03: {
      t.kind = CoreExternType::Kind::Global;
      t.global.type = core_valtype(r);
      uint8_t m = r.u8();
      if (m > 1) Reader::fail_at("malformed mutability", offset);
      t.global.is_mutable = m == 1;
      break;
    }
    case 0x04:
      if (r.u8() != 0x00) Reader::fail_at("malformed tag attribute", offset);
      t.kind = CoreExternType::Kind::Tag, *type_index = r.u32();
      unsupported("tags need the exception-handling proposal", offset);
    default:
      Reader::fail_at("malformed import kind", offset);
  }
  return t;
}

std::vector<ModuleDeclSyntax> ComponentDecoder::module_type(Reader& r) {
  std::vector<ModuleDeclSyntax> decls(r.count());
  for (ModuleDeclSyntax& d : decls) {
    size_t offset = at(r);
    uint8_t tag = r.u8();
    switch (tag) {
      case 0x00:
        d.kind = ModuleDeclSyntax::Kind::Import;
        d.module = name(r);
        d.name = name(r);
        d.type = core_import_desc(r, &d.func_type_index);
        break;
      case 0x01: {
        d.kind = ModuleDeclSyntax::Kind::Type;
        size_t k = at(r);
        uint8_t form = r.u8();
        if (form == type_code::CoreFunc) d.func = core_func_type(r);
        else if (form == 0x4e || form == 0x4f || form == 0x5e || form == 0x5f) unsupported("core GC types need the GC proposal", k);
        else Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for type in a module type", form), k);
        break;
      }
      case 0x02: {
        d.kind = ModuleDeclSyntax::Kind::Alias;
        size_t k = at(r);
        uint8_t kind = r.u8();
        if (kind != core_sort_code(Sort::CoreType))
          Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for outer alias kind", kind), k);
        k = at(r);
        uint8_t target = r.u8();
        if (target != 0x01) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for outer alias target", target), k);
        d.outer_count = r.u32();
        d.outer_index = r.u32();
        break;
      }
      case 0x03:
        d.kind = ModuleDeclSyntax::Kind::Export;
        d.name = name(r);
        d.type = core_import_desc(r, &d.func_type_index);
        break;
      default:
        Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for type definition", tag), offset);
    }
  }
  return decls;
}

void ComponentDecoder::core_type(Reader& r) {
  size_t offset = at(r);
  uint8_t form = r.u8();
  if (form == type_code::CoreFunc) {
    wasm::FuncType f = core_func_type(r);
    if (v_) v_->core_func_type(std::move(f), offset);
  } else if (form == type_code::CoreModule) {
    auto decls = module_type(r);
    if (v_) v_->core_module_type(decls, offset);
  } else if (form == 0x00 || form == 0x4e || form == 0x4f || form == 0x5e || form == 0x5f) {
    // `0x00 0x50` is a non-final core:subtype (the 0x00 keeps it apart from a module type).
    unsupported("core GC types need the GC proposal", offset);
  } else {
    Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for core type", form), offset);
  }
}

NameSyntax ComponentDecoder::extern_name(Reader& r) {
  NameSyntax n;
  n.offset = at(r);
  uint8_t form = r.u8();
  if (form > 0x02) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component name", form), n.offset);
  n.name = name(r);
  if (form == 0x02) {
    uint32_t count = r.count();
    bool seen[std::size(kNameAttributes)] = {};
    for (uint32_t i = 0; i < count; ++i) {
      size_t k = at(r);
      uint8_t tag = r.u8();
      if (tag >= std::size(kNameAttributes)) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for name option", tag), k);
      if (seen[tag]) throw DecodeError{fmt::format("duplicate '{}' option in name", kNameAttributes[tag]), k, false};
      seen[tag] = true;
      std::string value = name(r);
      if (tag == 0) n.implements = std::move(value);
    }
  }
  return n;
}

void ComponentDecoder::instance(Reader& r) {
  size_t offset = at(r);
  uint8_t kind = r.u8();
  if (kind == 0x00) {
    uint32_t component = r.u32();
    std::vector<NamedSortIndex> args(r.count());
    for (auto& a : args) {
      a.name = name(r);
      a.item.sort = sort(r);
      a.item.index = r.u32();
    }
    if (v_) v_->instantiate(component, std::move(args), offset);
  } else if (kind == 0x01) {
    std::vector<std::pair<NameSyntax, SortIndex>> exports(r.count());
    for (auto& [n, item] : exports) {
      n = extern_name(r);
      item.sort = sort(r);
      item.index = r.u32();
    }
    if (v_) v_->inline_instance(std::move(exports), offset);
  } else {
    Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for instance", kind), offset);
  }
}

AliasSyntax ComponentDecoder::alias_syntax(Reader& r) {
  AliasSyntax a;
  size_t sort_offset = at(r);
  uint8_t code = r.u8(), core_code = 0;
  std::optional<Sort> s = code == kCoreSortPrefix ? core_sort_from_code(core_code = r.u8()) : sort_from_code(code);
  if (!s) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component outer alias kind",
                                      code == kCoreSortPrefix ? core_code : code),
                          sort_offset);
  a.sort = *s;
  size_t offset = at(r);
  uint8_t target = r.u8();
  switch (target) {
    case 0x00:
      a.target = AliasSyntax::Target::Export;
      a.instance_or_count = r.u32();
      a.name = name(r);
      break;
    case 0x01:
      a.target = AliasSyntax::Target::CoreExport;
      a.instance_or_count = r.u32();
      a.name = name(r);
      if (!is_core(a.sort)) Reader::fail_at("a core export alias must name a core sort", offset);
      break;
    case 0x02:
      // Only modules, core types, types and components can be aliased from an outer scope.
      if (a.sort != Sort::CoreModule && a.sort != Sort::CoreType && a.sort != Sort::Type && a.sort != Sort::Component)
        Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component outer alias kind",
                                    code == kCoreSortPrefix ? core_code : code),
                        sort_offset);
      a.target = AliasSyntax::Target::Outer;
      a.instance_or_count = r.u32();
      a.index = r.u32();
      break;
    default:
      Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for alias", target), offset);
  }
  return a;
}

void ComponentDecoder::alias(Reader& r) {
  size_t offset = at(r);
  AliasSyntax a = alias_syntax(r);
  if (v_) v_->alias(a, offset);
}

ValTypeRef ComponentDecoder::valtype(Reader& r) {
  size_t offset = at(r);
  int64_t v = r.s33();
  ValTypeRef t;
  if (v >= 0) {
    if (v > int64_t(UINT32_MAX)) Reader::fail_at("type index too large", offset);
    t.indexed = true;
    t.index = uint32_t(v);
    return t;
  }
  uint8_t code = uint8_t(v & 0x7f);
  if (code >= kPrimitiveLast && code <= kPrimitiveFirst) {
    t.primitive = ValueKind(kPrimitiveFirst - code);
    return t;
  }
  if (code == type_code::ErrorContext) {
    t.primitive = ValueKind::ErrorContext;
    return t;
  }
  Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for valtype", code), offset);
}

// A function's results (Binary.md `resultlist`): 0x00 and one type, or 0x01 0x00 for none.
std::optional<ValTypeRef> ComponentDecoder::result_list(Reader& r) {
  size_t k = at(r);
  uint8_t results = r.u8();
  if (results == 0x00) return valtype(r);
  if (results != 0x01)
    Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component function results", results), k);
  size_t n = at(r);
  if (uint8_t count = r.u8(); count != 0x00)
    Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for number of results", count), n);
  return std::nullopt;
}

std::optional<ValTypeRef> ComponentDecoder::optional_valtype(Reader& r) {
  size_t offset = at(r);
  switch (r.u8()) {
    case 0x00: return std::nullopt;
    case 0x01: return valtype(r);
    default: Reader::fail_at("invalid optional value type flag", offset);
  }
}

ExternDescSyntax ComponentDecoder::extern_desc(Reader& r) {
  ExternDescSyntax d;
  size_t offset = at(r);
  uint8_t code = r.u8();
  switch (code) {
    case 0x00: {
      size_t k = at(r);
      uint8_t sort_code = r.u8();
      if (sort_code != kCoreModuleDescSort)
        Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component external kind", sort_code), k);
      d.code = ExternCode::CoreModule;
      d.index = r.u32();
      break;
    }
    case 0x01: case 0x04: case 0x05:
      d.code = ExternCode(code);
      d.index = r.u32();
      break;
    case 0x02: {
      d.code = ExternCode::Value;
      uint8_t b = r.u8();
      if (b == 0x00) d.value_eq = true, d.index = r.u32();
      else if (b == 0x01) d.value = valtype(r);
      else Reader::fail_at("invalid value bound", offset);
      break;
    }
    case 0x03: {
      d.code = ExternCode::Type;
      uint8_t b = r.u8();
      if (b == 0x00) d.index = r.u32();
      else if (b == 0x01) d.sub_resource = true;
      else Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for type bound", b), offset);
      break;
    }
    default:
      Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component external kind", code), offset);
  }
  return d;
}

void ComponentDecoder::type_declarations(Reader& r, bool component_type, size_t depth) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n; ++i) {
    size_t offset = at(r);
    uint8_t tag = r.u8();
    switch (DeclTag(tag)) {
      case DeclTag::CoreType: core_type(r); break;
      case DeclTag::Type: deftype(r, depth + 1); break;
      case DeclTag::Alias: {
        AliasSyntax a = alias_syntax(r);
        if (v_) v_->alias(a, offset);
        break;
      }
      case DeclTag::Import:
        if (!component_type)
          Reader::fail_at("invalid leading byte (0x3) for component or instance type declaration", offset);
        import(r);
        break;
      case DeclTag::Export: {
        NameSyntax name = extern_name(r);
        ExternDescSyntax desc = extern_desc(r);
        if (v_) v_->export_(name, {}, desc, offset);
        break;
      }
      default:
        Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component or instance type declaration", tag),
                        offset);
    }
  }
}

void ComponentDecoder::deftype(Reader& r, size_t depth) {
  if (depth > kMaxNesting) r.fail("types nested too deeply");
  size_t offset = at(r);
  uint8_t code = r.u8();
  switch (code) {
    case type_code::Func:
    case type_code::AsyncFunc: {
      FuncTypeSyntax f;
      f.async = code == type_code::AsyncFunc;
      f.params.resize(r.count());
      for (auto& p : f.params) {
        p.label = name(r);
        p.type = valtype(r);
      }
      f.result = result_list(r);
      if (v_) v_->func_type(f, offset);
      return;
    }
    case type_code::Component:
    case type_code::Instance: {
      bool component_type = code == type_code::Component;
      if (v_) v_->begin_type(component_type ? ComponentValidator::ScopeKind::ComponentType
                                            : ComponentValidator::ScopeKind::InstanceType,
                             offset);
      type_declarations(r, component_type, depth);
      if (v_) v_->end_type(offset);
      return;
    }
    case type_code::Resource: {
      wasm::ValType rep = core_valtype(r);
      std::optional<uint32_t> dtor;
      size_t k = at(r);
      uint8_t has = r.u8();
      if (has == 0x01) dtor = r.u32();
      else if (has != 0x00) Reader::fail_at("invalid resource destructor flag", k);
      if (v_) v_->resource_type(rep, dtor, offset);
      return;
    }
    default: break;
  }
  DefValTypeSyntax t;
  t.code = code;
  if (code >= kPrimitiveLast && code <= kPrimitiveFirst) {
    t.code = 0;
    t.primitive = ValueKind(kPrimitiveFirst - code);
  } else if (code == type_code::ErrorContext) {
    t.code = 0;
    t.primitive = ValueKind::ErrorContext;
  } else {
    switch (code) {
      case type_code::Record:
        t.labeled.resize(r.count());
        for (auto& f : t.labeled) f.label = name(r), f.type = valtype(r);
        break;
      case type_code::Variant:
        t.labeled.resize(r.count());
        for (auto& c : t.labeled) {
          c.label = name(r);
          c.type = optional_valtype(r);
          size_t k = at(r);
          uint8_t refines = r.u8();
          if (refines != 0x00) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for zero byte required", refines), k);
        }
        break;
      case type_code::List: case type_code::Option: t.a = valtype(r); break;
      case type_code::FixedList: t.a = valtype(r), t.length = r.u32(); break;
      case type_code::Tuple:
        t.types.resize(r.count());
        for (auto& e : t.types) e = valtype(r);
        break;
      case type_code::Flags: case type_code::Enum:
        t.names.resize(r.count());
        for (auto& n : t.names) n = name(r);
        break;
      case type_code::Result: t.a = optional_valtype(r), t.b = optional_valtype(r); break;
      case type_code::Own: case type_code::Borrow: t.resource = r.u32(); break;
      case type_code::Stream: case type_code::Future: t.a = optional_valtype(r); break;
      case type_code::Map: t.a = valtype(r), t.b = valtype(r); break;
      default:
        Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for component defined type", code), offset);
    }
  }
  if (v_) v_->defined_type(t, offset);
}

void ComponentDecoder::type(Reader& r, size_t depth) { deftype(r, depth); }

void ComponentDecoder::canon(Reader& r) {
  size_t offset = at(r);
  uint8_t code = r.u8();
  const CanonCode* c = canon_by_code(code);
  if (!c) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for canonical function", code), offset);
  CanonSyntax s;
  s.code = c;
  auto options = [&] {
    uint32_t n = r.count();
    for (uint32_t i = 0; i < n; ++i) {
      size_t k = at(r);
      uint8_t opt = r.u8();
      uint32_t index = 0;
      switch (opt) {
        case canonopt::Memory: case canonopt::Realloc: case canonopt::PostReturn: case canonopt::Callback:
        case canonopt::CoreType:
          index = r.u32();
          break;
        case canonopt::Utf8: case canonopt::Utf16: case canonopt::Latin1Utf16: case canonopt::Async: break;
        case canonopt::Gc: unsupported("canonical option `gc` needs the GC proposal", k);
        default: Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for canonical option", opt), k);
      }
      if (opt == canonopt::CoreType) unsupported("canonical option `core-type` needs the GC proposal", k);
      s.options.push_back({opt, index});
    }
  };
  // `async?`, `cancel?`, `sh?` (Binary.md): one byte, 0x00 or 0x01.
  auto flag = [&] {
    size_t k = at(r);
    uint8_t b = r.u8();
    if (b > 0x01) Reader::fail_at("invalid boolean value", k);
    return b == 0x01;
  };
  switch (c->shape) {
    case CanonShape::Lift:
      if (uint8_t b = r.u8(); b != 0x00)
        Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for canonical function lift", b), offset);
      s.func = r.u32();
      options();
      s.type = r.u32();
      break;
    case CanonShape::Lower:
      if (uint8_t b = r.u8(); b != 0x00)
        Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for canonical function lower", b), offset);
      s.func = r.u32();
      options();
      break;
    case CanonShape::Options: options(); break;
    case CanonShape::Plain: break;
    case CanonShape::Type: s.type = r.u32(); break;
    case CanonShape::TypeOptions: s.type = r.u32(), options(); break;
    case CanonShape::TypeAsync: s.type = r.u32(), s.flag = flag(); break;
    case CanonShape::Async: case CanonShape::Cancel: case CanonShape::Shared: s.flag = flag(); break;
    case CanonShape::CancelMemory: s.flag = flag(), s.memory = r.u32(); break;
    case CanonShape::TaskReturn: s.result = result_list(r), options(); break;
    case CanonShape::Context: s.context_type = core_valtype(r), s.type = r.u32(); break;
    case CanonShape::NewIndirect: s.type = r.u32(), s.table = r.u32(); break;
    case CanonShape::SpawnRef: s.flag = flag(), s.type = r.u32(); break;
    case CanonShape::SpawnIndirect: s.flag = flag(), s.type = r.u32(), s.table = r.u32(); break;
  }
  if (c->feature == CanonFeature::SharedThreading)
    unsupported(fmt::format("`canon {}` needs the shared-everything-threads proposal", c->name), offset);
  if (v_) v_->canon(s, offset);
}

void ComponentDecoder::start(Reader& r) {
  size_t offset = at(r);
  uint32_t func = r.u32();
  std::vector<uint32_t> args(r.count());
  for (auto& a : args) a = r.u32();
  uint32_t results = r.u32();
  if (v_) v_->start(func, args, results, offset);
}

void ComponentDecoder::import(Reader& r) {
  size_t offset = at(r);
  NameSyntax n = extern_name(r);
  ExternDescSyntax d = extern_desc(r);
  if (v_) v_->import(n, d, offset);
}

void ComponentDecoder::export_(Reader& r) {
  size_t offset = at(r);
  NameSyntax n = extern_name(r);
  SortIndex item;
  item.sort = sort(r);
  item.index = r.u32();
  std::optional<ExternDescSyntax> ascribed;
  size_t k = at(r);
  uint8_t has = r.u8();
  if (has == 0x01) ascribed = extern_desc(r);
  else if (has != 0x00) Reader::fail_at(fmt::format("invalid leading byte (0x{:x}) for optional component export type", has), k);
  if (v_) v_->export_(n, item, ascribed, offset);
}

// The byte reader words running out of input several ways; components say it one way, as
// wasmparser does.
Error located(const DecodeError& e) {
  std::string_view m = e.message;
  bool eof = e.malformed && (m.starts_with("unexpected end") || m.starts_with("length out of bounds") ||
                             m.starts_with("section size mismatch: unexpected end"));
  return Error{fmt::format("{} (at {:#x})", eof ? "unexpected end-of-file" : e.message, e.offset)};
}

}  // namespace

bool is_component_binary(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), kPreamble, 4) == 0 && bytes[6] == kPreamble[6] &&
         bytes[7] == kPreamble[7];
}

ComponentDecodeResult decode_component(std::span<const uint8_t> bytes, ComponentDecodeOptions options) {
  ComponentDecodeResult result;
  try {
    ComponentValidator validator(options);
    Reader r(bytes.data(), bytes.data() + bytes.size());
    result.component = ComponentDecoder(&validator).component(r, 0);
    return result;
  } catch (const DecodeError& e) {
    result.error = located(e);
    result.malformed = e.malformed;
    result.unsupported = e.unsupported;
  }
  if (result.malformed) return result;
  // Decode-then-validate: a format error anywhere wins over a validation error.
  try {
    Reader r(bytes.data(), bytes.data() + bytes.size());
    ComponentDecoder(nullptr).component(r, 0);
  } catch (const DecodeError& e) {
    if (e.unsupported) return result;
    result.error = located(e);
    result.malformed = true;
    result.unsupported = false;
  }
  return result;
}

}  // namespace wasmrun::component
