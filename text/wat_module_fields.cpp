// The second pass of ModuleParser: module fields and their sections.
#include <fmt/format.h>

#include <functional>

#include "text/wat_module_parser.h"

namespace wasmrun::text {
namespace {

// Section ids (§5.5.2).
enum : uint8_t {
  kTypeSection = 1, kImportSection = 2, kFunctionSection = 3, kTableSection = 4, kMemorySection = 5,
  kGlobalSection = 6, kExportSection = 7, kStartSection = 8, kElemSection = 9, kCodeSection = 10,
  kDataSection = 11, kDataCountSection = 12, kTagSection = 13,
};

constexpr uint64_t kPageSize = 65536;

// `i32.const 0` or `i64.const 0`, then `end`: the offset of inline elements and data.
BinaryWriter zero_offset(bool is64) {
  BinaryWriter w;
  w.u8(is64 ? 0x42 : 0x41);
  w.u8(0);
  w.u8(0x0B);
  return w;
}

}  // namespace

std::vector<uint8_t> ModuleParser::parse() {
  first_field_ = c_.position();
  scan_fields();
  c_.seek(first_field_);
  parse_type_fields();
  c_.seek(first_field_);
  while (c_.at(TokenKind::LParen)) field();

  BinaryWriter out;
  out.raw(std::string_view("\0asm\x01\0\0\0", 8));
  auto section = [&](uint8_t id, const Section& s) {
    if (s.count == 0) return;
    BinaryWriter contents;
    contents.u32(s.count);
    contents.raw(s.body);
    out.section(id, contents);
  };
  section(kTypeSection, type_section_);
  section(kImportSection, import_section_);
  section(kFunctionSection, function_section_);
  section(kTableSection, table_section_);
  section(kMemorySection, memory_section_);
  section(kTagSection, tag_section_);
  section(kGlobalSection, global_section_);
  section(kExportSection, export_section_);
  if (start_) {
    BinaryWriter contents;
    contents.u32(*start_);
    out.section(kStartSection, contents);
  }
  section(kElemSection, elem_section_);
  if (uses_data_count_) {
    BinaryWriter contents;
    contents.u32(datas_.size());
    out.section(kDataCountSection, contents);
  }
  section(kCodeSection, code_section_);
  section(kDataSection, data_section_);
  return out.take();
}

void ModuleParser::field() {
  std::string_view kind = c_.form_keyword();
  if (kind == "type" || kind == "rec") return c_.skip_form();  // encoded by parse_type_fields
  c_.next(), c_.next();
  if (kind == "func") func_field();
  else if (kind == "table") table_field();
  else if (kind == "memory") memory_field();
  else if (kind == "global") global_field();
  else if (kind == "tag") tag_field();
  else if (kind == "import") import_field();
  else if (kind == "export") export_field();
  else if (kind == "start") start_field();
  else if (kind == "elem") elem_field();
  else if (kind == "data") data_field();
  c_.expect_rparen();
}

void ModuleParser::inline_exports(ExternKind kind, uint32_t index) {
  while (c_.take_form("export")) {
    std::string name = c_.name();
    c_.expect_rparen();
    export_section_.body.sized(name);
    export_section_.body.u8(uint8_t(kind));
    export_section_.body.u32(index);
    ++export_section_.count;
  }
}

bool ModuleParser::inline_import(std::string& module, std::string& name) {
  if (!c_.take_form("import")) return false;
  module = c_.name();
  name = c_.name();
  c_.expect_rparen();
  return true;
}

void ModuleParser::import_entry(const std::string& module, const std::string& name, ExternKind kind,
                                const BinaryWriter& desc) {
  import_section_.body.sized(module);
  import_section_.body.sized(name);
  import_section_.body.u8(uint8_t(kind));
  import_section_.body.raw(desc);
  ++import_section_.count;
}

ModuleParser::TypeUse ModuleParser::type_use(bool names_allowed) {
  TypeUse use;
  std::optional<uint32_t> explicit_index;
  const Token& at = c_.peek();
  if (c_.take_form("type")) {
    explicit_index = types_.names.resolve(c_, "type");
    c_.expect_rparen();
  }
  bool has_inline = c_.at_form("param") || c_.at_form("result");
  type_parser_.params(use.sig.params, &use.param_ids);
  type_parser_.results(use.sig.results);
  if (!names_allowed) {
    for (const auto& id : use.param_ids)
      if (id) c_.fail(at, "unexpected parameter name in a type use");
  }
  if (!explicit_index) {
    use.index = plain_type_index(use.sig);
    return use;
  }
  use.index = *explicit_index;
  const TypeInfo* info = types_.info(use.index);
  if (has_inline) {
    if (!info || info->kind != TypeInfo::Kind::Func || info->sig != use.sig) c_.fail(at, "inline function type");
  } else if (info && info->kind == TypeInfo::Kind::Func) {
    use.sig = info->sig;
    use.param_ids.assign(use.sig.params.size(), std::nullopt);
  }
  return use;
}

uint32_t ModuleParser::plain_type_index(const FuncSig& sig) {
  if (auto existing = types_.find_plain(sig)) return *existing;
  encode(type_section_.body, sig);
  ++type_section_.count;
  TypeInfo info;
  info.kind = TypeInfo::Kind::Func;
  info.sig = sig;
  info.plain_func = true;
  return types_.add(std::move(info));
}

// The start of a func/table/memory/global/tag field: `$id? (export "n")*`, and when an inline
// `(import "m" "n")` follows, the whole import, whose type `type` encodes. True for an import.
bool ModuleParser::definition_start(ExternKind kind, uint32_t index, const std::function<void(BinaryWriter&)>& type) {
  take_id(c_);
  inline_exports(kind, index);
  std::string module, name;
  if (!inline_import(module, name)) return false;
  BinaryWriter desc;
  type(desc);
  import_entry(module, name, kind, desc);
  return true;
}

void ModuleParser::func_field() {
  const Token& at = c_.peek();
  if (definition_start(ExternKind::Func, seen_.func++, [&](BinaryWriter& d) { d.u32(type_use(true).index); }))
    return;
  TypeUse use = type_use(true);
  function_section_.body.u32(use.index);
  ++function_section_.count;

  FunctionContext f;
  for (const auto& id : use.param_ids) f.locals.add(c_, at, id, "local");
  std::vector<ValType> locals;
  while (c_.take_form("local")) {
    if (c_.at_id()) {
      const Token& id_at = c_.peek();
      f.locals.add(c_, id_at, c_.id(), "local");
      locals.push_back(type_parser_.valtype());
    } else {
      while (!c_.at_rparen()) {
        f.locals.add();
        locals.push_back(type_parser_.valtype());
      }
    }
    c_.expect_rparen();
  }
  BinaryWriter body;
  // Runs of equal types share one entry (§5.5.13).
  uint32_t runs = 0;
  BinaryWriter local_decls;
  for (size_t i = 0; i < locals.size();) {
    size_t j = i;
    while (j < locals.size() && locals[j] == locals[i]) ++j;
    local_decls.u32(uint32_t(j - i));
    encode(local_decls, locals[i]);
    ++runs;
    i = j;
  }
  body.u32(runs);
  body.raw(local_decls);
  expr(body, f);
  code_section_.body.sized(body);
  ++code_section_.count;
}

void ModuleParser::table_field() {
  uint32_t index = seen_.table++;
  if (definition_start(ExternKind::Table, index, [&](BinaryWriter& d) { type_parser_.table_type(d); })) return;
  size_t start = c_.position();
  bool is64 = type_parser_.take_address_type();
  if (type_parser_.at_reftype()) {
    // (table at? reftype (elem ...)): a table exactly as large as its active elements.
    ValType type = type_parser_.reftype();
    c_.expect_form("elem");
    ElemList list;
    list.type = type;
    if (at_index(c_)) {
      list.type = ValType{code::Ref, HeapType{false, 0, code::FuncRef}};
      while (at_index(c_)) {
        list.items.u32(funcs_.resolve(c_, "function"));
        ++list.count;
      }
    } else {
      list.func_indices = false;
      elem_expressions(list);
    }
    c_.expect_rparen();
    encode(table_section_.body, type);
    table_section_.body.u8(uint8_t(0x01 | (is64 ? 0x04 : 0)));
    table_section_.body.u64(list.count);
    table_section_.body.u64(list.count);
    ++table_section_.count;
    encode_active_elem(index, zero_offset(is64), list);
    return;
  }
  c_.seek(start);
  BinaryWriter type;
  type_parser_.table_type(type);
  if (!c_.at_rparen()) {
    // An initializer expression (3.0 §5.5.7): 0x40 0x00 tabletype expr.
    table_section_.body.u8(0x40);
    table_section_.body.u8(0x00);
    table_section_.body.raw(type);
    FunctionContext none;
    expr(table_section_.body, none);
  } else {
    table_section_.body.raw(type);
  }
  ++table_section_.count;
}

void ModuleParser::memory_field() {
  uint32_t index = seen_.memory++;
  if (definition_start(ExternKind::Memory, index, [&](BinaryWriter& d) { type_parser_.memory_type(d); })) return;
  size_t start = c_.position();
  bool is64 = type_parser_.take_address_type();
  if (c_.take_form("data")) {
    // (memory at? (data ...)): a memory exactly as large as its data.
    std::string bytes;
    while (c_.at_string()) bytes += c_.string();
    c_.expect_rparen();
    uint64_t pages = (bytes.size() + kPageSize - 1) / kPageSize;
    memory_section_.body.u8(uint8_t(0x01 | (is64 ? 0x04 : 0)));
    memory_section_.body.u64(pages);
    memory_section_.body.u64(pages);
    ++memory_section_.count;
    encode_data(index, zero_offset(is64), bytes);
    return;
  }
  c_.seek(start);
  type_parser_.memory_type(memory_section_.body);
  ++memory_section_.count;
}

void ModuleParser::global_field() {
  if (definition_start(ExternKind::Global, seen_.global++, [&](BinaryWriter& d) { type_parser_.global_type(d); }))
    return;
  type_parser_.global_type(global_section_.body);
  FunctionContext none;
  expr(global_section_.body, none);
  ++global_section_.count;
}

void ModuleParser::tag_field() {
  auto tag_type = [&](BinaryWriter& d) {
    d.u8(0x00);  // the exception attribute (3.0 §5.5.10)
    d.u32(type_use(false).index);
  };
  if (definition_start(ExternKind::Tag, seen_.tag++, tag_type)) return;
  tag_type(tag_section_.body);
  ++tag_section_.count;
}

void ModuleParser::import_field() {
  std::string module = c_.name();
  std::string name = c_.name();
  c_.expect_lparen();
  const Token& kind = c_.next();
  take_id(c_);
  BinaryWriter desc;
  ExternKind extern_kind;
  if (kind.text == "func") {
    extern_kind = ExternKind::Func;
    seen_.func++;
    desc.u32(type_use(true).index);
  } else if (kind.text == "table") {
    extern_kind = ExternKind::Table;
    seen_.table++;
    type_parser_.table_type(desc);
  } else if (kind.text == "memory") {
    extern_kind = ExternKind::Memory;
    seen_.memory++;
    type_parser_.memory_type(desc);
  } else if (kind.text == "global") {
    extern_kind = ExternKind::Global;
    seen_.global++;
    type_parser_.global_type(desc);
  } else {
    extern_kind = ExternKind::Tag;
    seen_.tag++;
    desc.u8(0x00);
    desc.u32(type_use(false).index);
  }
  c_.expect_rparen();
  import_entry(module, name, extern_kind, desc);
}

void ModuleParser::export_field() {
  std::string name = c_.name();
  c_.expect_lparen();
  const Token& kind = c_.expect(TokenKind::Keyword, "an export kind");
  BinaryWriter& out = export_section_.body;
  out.sized(name);
  if (kind.text == "func") out.u8(uint8_t(ExternKind::Func)), out.u32(funcs_.resolve(c_, "function"));
  else if (kind.text == "table") out.u8(uint8_t(ExternKind::Table)), out.u32(tables_.resolve(c_, "table"));
  else if (kind.text == "memory") out.u8(uint8_t(ExternKind::Memory)), out.u32(memories_.resolve(c_, "memory"));
  else if (kind.text == "global") out.u8(uint8_t(ExternKind::Global)), out.u32(globals_.resolve(c_, "global"));
  else if (kind.text == "tag") out.u8(uint8_t(ExternKind::Tag)), out.u32(tags_.resolve(c_, "tag"));
  else c_.fail(kind, fmt::format("unknown export kind {}", describe(kind)));
  c_.expect_rparen();
  ++export_section_.count;
}

void ModuleParser::start_field() {
  const Token& at = c_.peek();
  uint32_t func = funcs_.resolve(c_, "function");
  if (start_) c_.fail(at, "multiple start sections");
  start_ = func;
}

void ModuleParser::elem_expressions(ElemList& list) {
  while (c_.at(TokenKind::LParen)) {
    FunctionContext none;
    if (c_.take_form("item")) {
      expr(list.items, none);
      c_.expect_rparen();
    } else {
      folded(list.items, none);
      list.items.u8(0x0B);
    }
    ++list.count;
  }
}

// `func x*` | reftype elemexpr* | (2.0 abbreviation, after an offset) x*
ModuleParser::ElemList ModuleParser::elem_list(bool bare_indices_allowed) {
  ElemList list;
  bool func_keyword = c_.take_keyword("func");
  if (func_keyword || (bare_indices_allowed && (at_index(c_) || c_.at_rparen()))) {
    list.type = ValType{code::Ref, HeapType{false, 0, code::FuncRef}};
    while (at_index(c_)) {
      list.items.u32(funcs_.resolve(c_, "function"));
      ++list.count;
    }
    return list;
  }
  if (!type_parser_.at_reftype()) c_.expected("an element list");
  list.func_indices = false;
  list.type = type_parser_.reftype();
  elem_expressions(list);
  return list;
}

// The segment encodings (§5.5.12): func indices under elemkind 0x00 (type (ref func)), else
// expressions; flags 0 and 4 imply table 0 and, for 4, type funcref.
void ModuleParser::encode_active_elem(uint32_t table, const BinaryWriter& offset, ElemList& list) {
  BinaryWriter& out = elem_section_.body;
  bool implicit_table = table == 0 && (list.func_indices || list.type == ValType{code::FuncRef, {}});
  uint8_t flags = uint8_t((list.func_indices ? 0 : 4) | (implicit_table ? 0 : 2));
  out.u8(flags);
  if (!implicit_table) out.u32(table);
  out.raw(offset);
  if (!implicit_table) {
    if (list.func_indices) out.u8(0x00);
    else encode(out, list.type);
  }
  out.u32(list.count);
  out.raw(list.items);
  ++elem_section_.count;
}

void ModuleParser::elem_field() {
  take_id(c_);
  BinaryWriter& out = elem_section_.body;
  bool declare = c_.take_keyword("declare");
  bool active = !declare && (c_.at_u32() || (c_.at(TokenKind::LParen) && c_.form_keyword() != "ref"));
  if (!active) {
    ElemList list = elem_list(false);
    out.u8(uint8_t((list.func_indices ? 0 : 4) | (declare ? 3 : 1)));
    if (list.func_indices) out.u8(0x00);
    else encode(out, list.type);
    out.u32(list.count);
    out.raw(list.items);
    ++elem_section_.count;
    return;
  }
  uint32_t table = 0;
  if (c_.take_form("table")) {
    table = tables_.resolve(c_, "table");
    c_.expect_rparen();
  } else if (c_.at_u32()) {
    table = c_.u32();  // the 1.0 form `(elem 0 (offset ...) ...)`
  }
  BinaryWriter offset;
  FunctionContext none;
  if (c_.take_form("offset")) {
    expr(offset, none);
    c_.expect_rparen();
  } else {
    folded(offset, none);
    offset.u8(0x0B);
  }
  ElemList list = elem_list(true);
  encode_active_elem(table, offset, list);
}

void ModuleParser::encode_data(std::optional<uint32_t> memory, const BinaryWriter& offset, const std::string& bytes) {
  BinaryWriter& out = data_section_.body;
  if (!memory) {
    out.u8(0x01);
  } else if (*memory == 0) {
    out.u8(0x00);
    out.raw(offset);
  } else {
    out.u8(0x02);
    out.u32(*memory);
    out.raw(offset);
  }
  out.sized(bytes);
  ++data_section_.count;
}

void ModuleParser::data_field() {
  take_id(c_);
  std::optional<uint32_t> memory;
  BinaryWriter offset;
  if (!c_.at_string() && !c_.at_rparen()) {
    memory = 0;
    if (c_.take_form("memory")) {
      memory = memories_.resolve(c_, "memory");
      c_.expect_rparen();
    } else if (c_.at_u32()) {
      memory = c_.u32();  // the 1.0 form `(data 0 (offset ...) ...)`
    }
    FunctionContext none;
    if (c_.take_form("offset")) {
      expr(offset, none);
      c_.expect_rparen();
    } else {
      if (!c_.at(TokenKind::LParen)) c_.expected("an offset expression");
      folded(offset, none);
      offset.u8(0x0B);
    }
  }
  std::string bytes;
  while (c_.at_string()) bytes += c_.string();
  encode_data(memory, offset, bytes);
}

}  // namespace wasmrun::text
