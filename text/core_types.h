// Core types in the text format (3.0 §6.4) and their encoding (§5.3): value, reference and heap
// types, function/struct/array types, subtypes and recursion groups, and the type index space
// that inline type uses are matched against.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/binary_writer.h"
#include "text/index_space.h"
#include "text/token_cursor.h"

namespace wasmrun::text {

// Binary codes of the value types (§5.3.1-5.3.3).
namespace code {
constexpr uint8_t I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C, V128 = 0x7B;
constexpr uint8_t I8 = 0x78, I16 = 0x77;  // packed storage types
constexpr uint8_t FuncRef = 0x70, ExternRef = 0x6F, RefNull = 0x63, Ref = 0x64;
constexpr uint8_t EmptyBlock = 0x40, Func = 0x60, Struct = 0x5F, Array = 0x5E;
constexpr uint8_t SubFinal = 0x4F, Sub = 0x50, Rec = 0x4E;
}  // namespace code

// A heap type: abstract (by its one-byte code) or a type index.
struct HeapType {
  bool indexed = false;
  uint32_t index = 0;
  uint8_t code = 0;
  bool operator==(const HeapType&) const = default;
};

// A value or storage type as it is encoded: one byte, or 0x63/0x64 followed by a heap type.
// Nullable references to abstract heap types use their one-byte shorthand.
struct ValType {
  uint8_t code = 0;
  HeapType heap;  // code == RefNull or Ref
  bool nullable() const { return code != code::Ref; }
  HeapType heap_type() const;  // for references
  bool operator==(const ValType&) const = default;
};

void encode(BinaryWriter& out, const HeapType& t);
void encode(BinaryWriter& out, const ValType& t);

struct FuncSig {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncSig&) const = default;
};

void encode(BinaryWriter& out, const FuncSig& sig);  // 0x60 params results

// What the text format needs to know about a defined type.
struct TypeInfo {
  enum class Kind : uint8_t { Func, Struct, Array, Other } kind = Kind::Other;
  FuncSig sig;                                            // Func
  std::unordered_map<std::string, uint32_t> field_names;  // Struct
  // Final, without supertypes and alone in its recursion group: the only kind of type an inline
  // type use may resolve to (3.0 §6.4.10).
  bool plain_func = false;
};

// A core type index space: names and facts per index.
struct CoreTypeSpace {
  IndexSpace names;
  std::vector<TypeInfo> infos;

  const TypeInfo* info(uint32_t index) const { return index < infos.size() ? &infos[index] : nullptr; }
  // The first plain function type with this signature.
  std::optional<uint32_t> find_plain(const FuncSig& sig) const;
  // Appends an anonymous entry (an alias, an import in a module type, ...).
  uint32_t add(TypeInfo info) {
    names.add();
    infos.push_back(std::move(info));
    return uint32_t(infos.size() - 1);
  }
};

class CoreTypeParser {
 public:
  CoreTypeParser(TokenCursor& c, CoreTypeSpace& types) : c_(c), types_(types) {}

  bool at_valtype() const;
  bool at_reftype() const;
  ValType valtype();
  ValType reftype();
  HeapType heaptype();

  // `(param ...)*`: the types, and each param's $id (or nullopt) when ids is set; without ids,
  // names are allowed and ignored (as in type definitions).
  void params(std::vector<ValType>& out, std::vector<std::optional<std::string>>* ids);
  // `(result ...)*`
  void results(std::vector<ValType>& out);

  // A `(type ...)` or `(rec ...)` field, encoded as one rectype. New types are appended to the
  // space; when names_known, their $ids were registered beforehand (a module's first pass).
  // component_level: a top-level non-final `sub` gets the 0x00 prefix that tells it from a
  // module type in a component's core type section (component Binary.md).
  void rectype(BinaryWriter& out, bool names_known, bool component_level);
  // The types of a `(rec ...)` after "rec", up to its ")".
  void rec_group(BinaryWriter& out, bool names_known);
  // The rest of a component's `(core type $id? subtype)` after "type", up to its ")".
  void core_type_definition(BinaryWriter& out);

  // Types of imports and definitions (§6.4.8-6.4.12), encoded.
  void limits(BinaryWriter& out, bool is64);
  bool take_address_type();  // `i32` (false, also when absent) or `i64` (true)
  void table_type(BinaryWriter& out);   // at? limits reftype, encoded as reftype limits
  void memory_type(BinaryWriter& out);  // at? limits
  void global_type(BinaryWriter& out);  // valtype | (mut valtype)

 private:
  void typedef_(BinaryWriter& out, bool alone, bool component_level);
  void subtype(BinaryWriter& out, bool alone, bool component_level);
  void comptype(BinaryWriter& out, TypeInfo& info);
  void storagetype(BinaryWriter& out);
  void fieldtype(BinaryWriter& out);
  HeapType heaptype_after_ref();

  TokenCursor& c_;
  CoreTypeSpace& types_;
};

}  // namespace wasmrun::text
