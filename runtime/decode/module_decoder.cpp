#include "runtime/decode/module_decoder.h"

#include <fmt/format.h>

#include "runtime/decode/instruction_reader.h"
#include "runtime/decode/name_section.h"
#include "runtime/validate/function_validator.h"
#include "runtime/validate/module_validator.h"

namespace wasmrun::wasm {
namespace {

constexpr uint32_t kMaxLocals = 50000;  // the implementation limit of Wasmtime and the browsers

enum SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5, kGlobal = 6,
  kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11, kDataCount = 12,
};

// Position of each section id in the required order (§5.5.2); data count sits before code.
constexpr int kSectionRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

class ModuleDecoder {
 public:
  ModuleDecoder(Module& module, DecodeOptions options)
      : m_(module), validate_(options.validate), read_bodies_(options.validate || options.read_bodies),
        multi_memory_(options.multi_memory), v_(module, options.multi_memory), fv_(module, options.multi_memory) {}

  void run();

 private:
  void section(uint8_t id, Reader& r);
  void type_section(Reader& r);
  void import_section(Reader& r);
  void function_section(Reader& r);
  void table_section(Reader& r);
  void memory_section(Reader& r);
  void global_section(Reader& r);
  void export_section(Reader& r);
  void start_section(Reader& r);
  void element_section(Reader& r);
  void data_count_section(Reader& r);
  void code_section(Reader& r);
  void data_section(Reader& r);
  void custom_section(Reader& r);

  ValType val_type(Reader& r);
  ValType ref_type(Reader& r);
  Limits limits(Reader& r);
  TableType table_type(Reader& r);
  MemoryType memory_type(Reader& r);
  GlobalType global_type(Reader& r);
  ConstExpr const_expr(Reader& r, ValType expected);
  void function_body(Reader& r, uint32_t func_index);
  void scan_body(Reader& code);
  void finish_declarations();

  Module& m_;
  bool validate_;
  bool read_bodies_;
  bool multi_memory_;
  ModuleValidator v_;
  FunctionValidator fv_;
  uint32_t declared_functions_ = 0;
  bool saw_code_section_ = false;
  bool declarations_done_ = false;
};

void ModuleDecoder::run() {
  const std::vector<uint8_t>& bytes = m_.bytes;
  Reader r(bytes.data(), bytes.data() + bytes.size());
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6D};
  if (r.remaining() < 4) r.fail("unexpected end");
  if (std::memcmp(r.take(4), kMagic, 4) != 0) r.fail_at("magic header not detected", 0);
  if (r.remaining() < 4) r.fail("unexpected end");
  const uint8_t* version = r.take(4);
  if (version[0] != 1 || version[1] != 0 || version[2] != 0 || version[3] != 0)
    r.fail_at("unknown binary version", 4);

  int last_rank = 0;
  while (!r.at_end()) {
    size_t id_offset = r.offset();
    uint8_t id = r.u8();
    if (id > kDataCount) r.fail_at(fmt::format("malformed section id {}", id), id_offset);
    uint32_t size = r.u32();
    Reader body = r.sub_reader(size, "length out of bounds: the section is longer than the module");
    if (id != kCustom) {
      if (kSectionRank[id] <= last_rank)
        r.fail_at("unexpected content after last section: section out of order or repeated", id_offset);
      last_rank = kSectionRank[id];
      // Everything that ref.func may name is known once the code section begins.
      if (kSectionRank[id] >= kSectionRank[kCode]) finish_declarations();
    }
    section(id, body);
    if (!body.at_end()) body.fail("section size mismatch");
  }
  finish_declarations();
  if (!saw_code_section_ && declared_functions_ > 0) r.fail("function and code section have inconsistent lengths");
  if (m_.data_count && *m_.data_count != m_.datas.size())
    r.fail("data count and data section have inconsistent lengths");
  parse_name_section(m_);
}

void ModuleDecoder::finish_declarations() {
  if (declarations_done_) return;
  declarations_done_ = true;
  m_.declared_refs.resize(m_.func_types.size());
}

void ModuleDecoder::section(uint8_t id, Reader& r) {
  switch (id) {
    case kCustom: return custom_section(r);
    case kType: return type_section(r);
    case kImport: return import_section(r);
    case kFunction: return function_section(r);
    case kTable: return table_section(r);
    case kMemory: return memory_section(r);
    case kGlobal: return global_section(r);
    case kExport: return export_section(r);
    case kStart: return start_section(r);
    case kElement: return element_section(r);
    case kDataCount: return data_count_section(r);
    case kCode: return code_section(r);
    case kData: return data_section(r);
  }
}

ValType ModuleDecoder::val_type(Reader& r) {
  size_t at = r.offset();
  uint8_t code = r.u8();
  switch (ValType(code)) {
    case ValType::I32: case ValType::I64: case ValType::F32: case ValType::F64:
    case ValType::V128: case ValType::FuncRef: case ValType::ExternRef:
      return ValType(code);
  }
  r.fail_at(fmt::format("malformed value type 0x{:02x}", code), at);
}

ValType ModuleDecoder::ref_type(Reader& r) {
  size_t at = r.offset();
  uint8_t code = r.u8();
  if (code != uint8_t(ValType::FuncRef) && code != uint8_t(ValType::ExternRef))
    r.fail_at(fmt::format("malformed reference type 0x{:02x}", code), at);
  return ValType(code);
}

Limits ModuleDecoder::limits(Reader& r) {
  size_t at = r.offset();
  uint8_t flags = r.u8();  // a one-byte LEB128 in the spec's grammar
  if (flags & 0x80) r.fail_at("integer representation too long: limits flags take one byte", at);
  if (flags > 1) r.fail_at(fmt::format("integer too large: malformed limits flags 0x{:02x}", flags), at);
  Limits l;
  l.min = r.u32();
  if (flags & 1) l.max = r.u32();
  return l;
}

TableType ModuleDecoder::table_type(Reader& r) {
  size_t at = r.offset();
  TableType t;
  t.element = ref_type(r);
  t.limits = limits(r);
  if (validate_) v_.table_type(t, at);
  return t;
}

MemoryType ModuleDecoder::memory_type(Reader& r) {
  size_t at = r.offset();
  MemoryType t{limits(r)};
  if (validate_) v_.memory_type(t, at);
  return t;
}

GlobalType ModuleDecoder::global_type(Reader& r) {
  GlobalType g;
  g.type = val_type(r);
  size_t at = r.offset();
  uint8_t mut = r.u8();
  if (mut > 1) r.fail_at("malformed mutability", at);
  g.is_mutable = mut == 1;
  return g;
}

void ModuleDecoder::type_section(Reader& r) {
  uint32_t n = r.count();
  m_.types.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    uint8_t form = r.u8();  // a one-byte signed LEB128 in the spec's grammar
    if (form & 0x80) r.fail_at("integer representation too long: a type form takes one byte", at);
    if (form != 0x60) r.fail_at(fmt::format("malformed function type: expected 0x60, got 0x{:02x}", form), at);
    FuncType t;
    uint32_t params = r.count();
    t.params.reserve(params);
    for (uint32_t k = 0; k < params; ++k) t.params.push_back(val_type(r));
    uint32_t results = r.count();
    t.results.reserve(results);
    for (uint32_t k = 0; k < results; ++k) t.results.push_back(val_type(r));
    m_.types.push_back(std::move(t));
  }
}

void ModuleDecoder::import_section(Reader& r) {
  uint32_t n = r.count();
  m_.imports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    Import im;
    im.module = r.name();
    im.name = r.name();
    size_t kind_at = r.offset();
    uint8_t kind = r.u8();
    switch (kind) {
      case 0:
        im.kind = ExternKind::Func;
        im.func_type = r.u32();
        if (validate_) v_.type_index(im.func_type, at);
        m_.func_types.push_back(im.func_type);
        ++m_.imported_funcs;
        break;
      case 1:
        im.kind = ExternKind::Table;
        im.table = table_type(r);
        m_.tables.push_back(im.table);
        ++m_.imported_tables;
        break;
      case 2:
        im.kind = ExternKind::Memory;
        im.memory = memory_type(r);
        m_.memories.push_back(im.memory);
        ++m_.imported_memories;
        if (validate_) v_.memory_count(at);
        break;
      case 3:
        im.kind = ExternKind::Global;
        im.global = global_type(r);
        m_.global_types.push_back(im.global);
        ++m_.imported_globals;
        break;
      default:
        r.fail_at(fmt::format("malformed import kind 0x{:02x}", kind), kind_at);
    }
    m_.imports.push_back(std::move(im));
  }
}

void ModuleDecoder::function_section(Reader& r) {
  uint32_t n = r.count();
  declared_functions_ = n;
  m_.func_types.reserve(m_.func_types.size() + n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    uint32_t type = r.u32();
    if (validate_) v_.type_index(type, at);
    m_.func_types.push_back(type);
  }
}

void ModuleDecoder::table_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n; ++i) m_.tables.push_back(table_type(r));
}

void ModuleDecoder::memory_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    m_.memories.push_back(memory_type(r));
    if (validate_) v_.memory_count(at);
  }
}

ConstExpr ModuleDecoder::const_expr(Reader& r, ValType expected) {
  ConstExpr e;
  e.code.begin = uint32_t(r.offset());
  InstructionReader ir(r, multi_memory_);
  if (validate_) v_.const_begin();
  for (;;) {
    Instr in = ir.next();
    if (in.op == Op::End) break;
    e.code.end = uint32_t(r.offset());
    if (validate_) {
      v_.const_instr(in);
      if (in.op == Op::RefFunc) m_.declared_refs[in.index] = true;
    }
  }
  if (e.code.end < e.code.begin) e.code.end = e.code.begin;
  if (validate_) v_.const_end(expected, r.offset() - 1);
  return e;
}

void ModuleDecoder::global_section(Reader& r) {
  finish_declarations();  // ref.func in initializers declares references
  uint32_t n = r.count();
  m_.globals.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Global g;
    g.type = global_type(r);
    g.init = const_expr(r, g.type.type);
    m_.global_types.push_back(g.type);
    m_.globals.push_back(g);
  }
}

void ModuleDecoder::export_section(Reader& r) {
  finish_declarations();
  uint32_t n = r.count();
  m_.exports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    Export e;
    e.name = r.name();
    size_t kind_at = r.offset();
    uint8_t kind = r.u8();
    if (kind > 3) r.fail_at(fmt::format("malformed export kind 0x{:02x}", kind), kind_at);
    e.kind = ExternKind(kind);
    e.index = r.u32();
    m_.exports.push_back(std::move(e));
    if (validate_) {
      v_.export_entry(m_.exports.back(), at);
      const Export& added = m_.exports.back();
      if (added.kind == ExternKind::Func) m_.declared_refs[added.index] = true;
    }
  }
}

void ModuleDecoder::start_section(Reader& r) {
  size_t at = r.offset();
  m_.start = r.u32();
  if (validate_) v_.start(*m_.start, at);
}

// Element segments have eight encodings (§5.5.12): bit 0 passive/declarative, bit 1 explicit
// table index (active) or declarative (passive), bit 2 expressions instead of function indices.
void ModuleDecoder::element_section(Reader& r) {
  finish_declarations();
  uint32_t n = r.count();
  m_.elems.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    uint32_t flags = r.u32();
    if (flags > 7) r.fail_at(fmt::format("malformed elements segment kind {}", flags), at);
    ElemSegment s;
    bool passive_or_declarative = flags & 1;
    bool explicit_table_or_declarative = flags & 2;
    bool uses_exprs = flags & 4;
    if (!passive_or_declarative) {
      s.mode = SegmentMode::Active;
      if (explicit_table_or_declarative) s.table = r.u32();
      s.offset = const_expr(r, ValType::I32);
    } else {
      s.mode = explicit_table_or_declarative ? SegmentMode::Declarative : SegmentMode::Passive;
    }
    // Encodings 0 and 4 imply funcref; the others state an element kind or a reference type.
    if (flags & 3) {
      if (uses_exprs) {
        s.type = ref_type(r);
      } else {
        size_t kind_at = r.offset();
        if (r.u8() != 0x00) r.fail_at("malformed element kind", kind_at);
        s.type = ValType::FuncRef;
      }
    }
    uint32_t count = r.count();
    if (uses_exprs) {
      s.exprs.reserve(count);
      for (uint32_t k = 0; k < count; ++k) s.exprs.push_back(const_expr(r, s.type));
    } else {
      s.func_indices.reserve(count);
      for (uint32_t k = 0; k < count; ++k) {
        size_t index_at = r.offset();
        uint32_t f = r.u32();
        if (validate_) {
          v_.func_index(f, index_at);
          m_.declared_refs[f] = true;
        }
        s.func_indices.push_back(f);
      }
    }
    if (validate_) v_.elem_segment(s, at);
    m_.elems.push_back(std::move(s));
  }
}

void ModuleDecoder::data_count_section(Reader& r) { m_.data_count = r.u32(); }

void ModuleDecoder::code_section(Reader& r) {
  saw_code_section_ = true;
  size_t at = r.offset();
  uint32_t n = r.count();
  if (n != declared_functions_) r.fail_at("function and code section have inconsistent lengths", at);
  m_.bodies.reserve(n);
  for (uint32_t i = 0; i < n; ++i) function_body(r, m_.imported_funcs + i);
}

void ModuleDecoder::function_body(Reader& r, uint32_t func_index) {
  uint32_t size = r.u32();
  Reader body = r.sub_reader(size, "unexpected end of section or function");
  FunctionBody f;
  uint32_t runs = body.count();
  f.locals.reserve(runs);
  uint64_t total = 0;
  for (uint32_t i = 0; i < runs; ++i) {
    size_t at = body.offset();
    uint32_t count = body.u32();
    total += count;
    if (total > kMaxLocals) body.fail_at("too many locals", at);
    ValType type = val_type(body);
    if (count) f.locals.push_back({count, type});
  }
  f.local_count = uint32_t(total);
  f.code = {uint32_t(body.offset()), uint32_t(body.offset() + body.remaining())};
  Reader code(body.position(), body.end(), body.offset());
  if (validate_) fv_.validate(func_index, f, code);
  else if (read_bodies_) scan_body(code);
  m_.bodies.push_back(std::move(f));
}

// Decode-only walk of a body: checks the encoding and block structure, not types.
void ModuleDecoder::scan_body(Reader& code) {
  InstructionReader ir(code, multi_memory_);
  uint32_t depth = 1;
  while (depth > 0) {
    if (code.at_end()) code.fail("END opcode expected: unexpected end of section or function");
    Instr in = ir.next();
    switch (in.op) {
      case Op::Block: case Op::Loop: case Op::If: ++depth; break;
      case Op::End: --depth; break;
      case Op::MemoryInit: case Op::DataDrop:
        if (!m_.data_count) Reader::fail_at("data count section required", in.offset);
        break;
      default: break;
    }
  }
  if (!code.at_end()) code.fail("section size mismatch: operators remaining after the end of the function");
}

void ModuleDecoder::data_section(Reader& r) {
  uint32_t n = r.count();
  m_.datas.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    uint32_t flags = r.u32();
    if (flags > 2) r.fail_at(fmt::format("malformed data segment kind {}", flags), at);
    DataSegment s;
    if (flags == 1) {
      s.mode = SegmentMode::Passive;
    } else {
      s.mode = SegmentMode::Active;
      if (flags == 2) s.memory = r.u32();
      s.offset = const_expr(r, ValType::I32);
    }
    uint32_t size = r.u32();
    if (size > r.remaining()) r.fail("unexpected end of section or function: data segment runs past the section");
    s.bytes = {uint32_t(r.offset()), uint32_t(r.offset() + size)};
    r.take(size);
    if (validate_) v_.data_segment(s, at);
    m_.datas.push_back(s);
  }
}

void ModuleDecoder::custom_section(Reader& r) {
  CustomSection c;
  c.name = r.name();
  c.contents = {uint32_t(r.offset()), uint32_t(r.offset() + r.remaining())};
  r.take(r.remaining());
  m_.customs.push_back(std::move(c));
}

Error located(const DecodeError& e) { return Error{fmt::format("{} (at {:#x})", e.message, e.offset)}; }

}  // namespace

DecodeFailure decode_failure(std::span<const uint8_t> bytes, DecodeOptions options) {
  Module m;
  m.bytes.assign(bytes.begin(), bytes.end());
  try {
    ModuleDecoder(m, DecodeOptions{.multi_memory = options.multi_memory}).run();
    return {Error{}, false};
  } catch (const DecodeError& invalid) {
    if (invalid.malformed) return {located(invalid), true};
    // The spec decodes before it validates: a malformed binary reports that first.
    Module again;
    again.bytes = std::move(m.bytes);
    try {
      ModuleDecoder(again, DecodeOptions{.validate = false, .multi_memory = options.multi_memory}).run();
    } catch (const DecodeError& malformed) {
      return {located(malformed), true};
    }
    return {located(invalid), false};
  }
}

Expected<Module> decode_module(std::span<const uint8_t> bytes, DecodeOptions options) {
  Module m;
  m.bytes.assign(bytes.begin(), bytes.end());
  try {
    ModuleDecoder(m, options).run();
    return m;
  } catch (const DecodeError&) {
    return decode_failure(bytes, options).error;
  }
}

}  // namespace wasmrun::wasm
