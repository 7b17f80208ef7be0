// A decoded, validated core module (core spec §2.5). Function bodies stay as byte ranges of the
// module's own copy of the binary: the validator has checked them once, and later consumers (the
// JIT) re-read them with InstructionReader without re-checking anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/wasm/types.h"

namespace wasmrun::wasm {

// A byte range [begin, end) within Module::bytes.
struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
};

// A constant expression (§3.3.10), kept as the bytes of its instructions, `end` excluded.
// Evaluated at instantiation; `type` is the type it was validated to produce.
struct ConstExpr {
  ByteRange code;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  // kind == Func: index into Module::types
  TableType table;         // kind == Table
  MemoryType memory;       // kind == Memory
  GlobalType global;       // kind == Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

// A run of `count` locals of one type, as declared in the code section.
struct LocalRun {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

struct FunctionBody {
  std::vector<LocalRun> locals;
  uint32_t local_count = 0;  // declared locals, parameters excluded
  ByteRange code;            // the instruction sequence, final `end` included
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Passive;
  ValType type = ValType::FuncRef;
  uint32_t table = 0;   // Active only
  ConstExpr offset;     // Active only
  // Exactly one of these is used: plain function indices (encodings 0-3) or expressions (4-7).
  std::vector<uint32_t> func_indices;
  std::vector<ConstExpr> exprs;
  uint32_t size() const { return uint32_t(exprs.empty() ? func_indices.size() : exprs.size()); }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t memory = 0;  // Active only
  ConstExpr offset;     // Active only
  ByteRange bytes;
};

// The name section (appendix §7.4.1); absent names are simply missing.
struct Names {
  std::string module;
  std::unordered_map<uint32_t, std::string> functions;
  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>> locals;
};

struct CustomSection {
  std::string name;
  ByteRange contents;
};

struct Module {
  std::vector<uint8_t> bytes;  // the binary every ByteRange points into

  std::vector<FuncType> types;
  std::vector<Import> imports;

  // Index spaces: imported entities first, then the module's own definitions.
  std::vector<uint32_t> func_types;  // type index of every function
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalType> global_types;
  uint32_t imported_funcs = 0;
  uint32_t imported_tables = 0;
  uint32_t imported_memories = 0;
  uint32_t imported_globals = 0;

  std::vector<Global> globals;  // defined globals only (index - imported_globals)
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<FunctionBody> bodies;  // defined functions only (index - imported_funcs)
  std::vector<bool> declared_refs;   // functions that ref.func may name (§3.4.10 C.refs)

  Names names;
  std::vector<CustomSection> customs;

  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  const uint8_t* data(ByteRange r) const { return bytes.data() + r.begin; }
};

}  // namespace wasmrun::wasm
