// Layout of component values in linear memory and as flat core values (CanonicalABI.md
// "Alignment", "Element Size", "Flattening"), for 32-bit memories.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/component/value_type.h"

namespace wasmrun::canon {

using component::FuncType;
using component::ValueKind;
using component::ValueType;
using component::ValueTypePtr;

enum class FlatType : uint8_t { I32, I64, F32, F64 };
const char* to_string(FlatType t);

constexpr uint32_t kMaxFlatParams = 16;
constexpr uint32_t kMaxFlatResults = 1;
constexpr uint32_t kMaxFlatAsyncParams = 4;  // MAX_FLAT_ASYNC_PARAMS: an async `canon lower`'s flat parameters
constexpr uint32_t kPtrSize = 4;
// The longest string, in bytes, in its source encoding and in every allocation made to lower
// it: Wasmtime's 2^31 - 1, which its component tests (big-strings.wast) require, where the
// spec's MAX_STRING_BYTE_LENGTH is 2^28 - 1 (so that a worst-case transcoding allocation can
// never pass 2^32 - 1; with Wasmtime's limit each allocation is checked instead).
constexpr uint64_t kMaxStringByteLength = (uint64_t(1) << 31) - 1;
// The longest list, in bytes (MAX_LIST_BYTE_LENGTH).
constexpr uint64_t kMaxListByteLength = (uint64_t(1) << 28) - 1;

constexpr uint32_t align_to(uint32_t ptr, uint32_t alignment) {
  return (ptr + alignment - 1) & ~(alignment - 1);
}

uint32_t alignment(const ValueType& t);
uint32_t elem_size(const ValueType& t);

// Variants after despecialization: enum, option and result are variants too.
bool is_variant_like(ValueKind k);
size_t case_count(const ValueType& t);
const ValueType* case_type(const ValueType& t, size_t index);  // null: no payload
uint32_t discriminant_size(size_t case_count);                 // 1, 2 or 4 bytes
uint32_t max_case_alignment(const ValueType& t);
uint32_t flags_size(size_t label_count);                       // 0 < count <= 32

// Whether a value of `t` lives partly in linear memory (it holds a string or a list).
bool uses_memory(const ValueType& t);

// The flat core types of a value: appended to `out`. A function whose values flatten to more
// than kMaxFlatParams passes them in memory, so a long fixed-length list stops adding types
// past that many: the flat list is then never used, and a list<u8, 1000000> costs nothing.
void flatten(const ValueType& t, std::vector<FlatType>& out);
std::vector<FlatType> flatten(const ValueType& t);
size_t flat_count(const ValueType& t);
FlatType join(FlatType a, FlatType b);

// Where a function's parameters and result travel (flatten_functype, synchronous).
struct FuncAbi {
  FuncType type;
  std::vector<FlatType> flat_params;  // the parameters flattened
  std::vector<FlatType> flat_result;  // the result flattened
  bool params_in_memory = false;      // more than kMaxFlatParams: one pointer to a tuple
  bool result_in_memory = false;      // more than kMaxFlatResults: a return pointer
  bool params_use_memory = false;     // a parameter holds a string or list
  bool result_uses_memory = false;    // the result holds a string or list
  ValueType params_tuple;             // the layout of the parameters in memory
  uint32_t params_size = 0, params_align = 1;
  uint32_t result_size = 0, result_align = 1;

  // How many flat values a `canon lower`ed function takes and returns.
  size_t lower_param_count() const {
    return (params_in_memory ? 1 : flat_params.size()) + (result_in_memory ? 1 : 0);
  }
  size_t lower_result_count() const { return result_in_memory ? 0 : flat_result.size(); }

  // Which canonical options a `canon lift` (lift) or `canon lower` of the function must give:
  // `memory` when any value travels through linear memory; `realloc` when memory of the core
  // side must receive one (lifting: the arguments; lowering: the result).
  bool needs_memory() const {
    return params_use_memory || result_uses_memory || params_in_memory || result_in_memory;
  }
  bool needs_realloc(bool lift) const { return lift ? params_use_memory || params_in_memory : result_uses_memory; }

  // The core signature of a `canon lift`ed callee and of a `canon lower`ed function.
  std::vector<FlatType> lift_core_params() const;
  std::vector<FlatType> lift_core_results() const;
  std::vector<FlatType> lower_core_params() const;
  std::vector<FlatType> lower_core_results() const;
};

FuncAbi compute_abi(const FuncType& type);

}  // namespace wasmrun::canon
