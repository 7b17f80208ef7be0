#include "canonical_abi/layout.h"

#include <algorithm>
#include <cassert>

namespace wasmrun::canon {

const char* to_string(FlatType t) {
  switch (t) {
    case FlatType::I32: return "i32";
    case FlatType::I64: return "i64";
    case FlatType::F32: return "f32";
    case FlatType::F64: return "f64";
  }
  return "?";
}

bool is_variant_like(ValueKind k) {
  return k == ValueKind::Variant || k == ValueKind::Enum || k == ValueKind::Option || k == ValueKind::Result;
}

size_t case_count(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::Variant: return t.cases.size();
    case ValueKind::Enum: return t.names.size();
    case ValueKind::Option:
    case ValueKind::Result: return 2;
    default: assert(false); return 0;
  }
}

const ValueType* case_type(const ValueType& t, size_t index) {
  switch (t.kind) {
    case ValueKind::Variant: return t.cases[index].type.get();
    case ValueKind::Enum: return nullptr;
    case ValueKind::Option: return index == 1 ? t.element.get() : nullptr;
    case ValueKind::Result: return index == 0 ? t.ok.get() : t.err.get();
    default: assert(false); return nullptr;
  }
}

uint32_t discriminant_size(size_t n) {
  assert(n > 0);
  if (n <= 0x100) return 1;
  if (n <= 0x10000) return 2;
  return 4;
}

uint32_t flags_size(size_t n) {
  assert(n > 0 && n <= 32);
  if (n <= 8) return 1;
  if (n <= 16) return 2;
  return 4;
}

uint32_t max_case_alignment(const ValueType& t) {
  uint32_t a = 1;
  for (size_t i = 0, n = case_count(t); i < n; ++i) {
    if (const ValueType* c = case_type(t, i)) a = std::max(a, alignment(*c));
  }
  return a;
}

uint32_t alignment(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::Bool: case ValueKind::S8: case ValueKind::U8: return 1;
    case ValueKind::S16: case ValueKind::U16: return 2;
    case ValueKind::S32: case ValueKind::U32: case ValueKind::F32: case ValueKind::Char: return 4;
    case ValueKind::S64: case ValueKind::U64: case ValueKind::F64: return 8;
    case ValueKind::String: case ValueKind::List: case ValueKind::Map: return kPtrSize;
    case ValueKind::FixedList: return alignment(*t.element);
    case ValueKind::Record:
    case ValueKind::Tuple: {
      uint32_t a = 1;
      for (const auto& f : t.fields) a = std::max(a, alignment(*f.type));
      return a;
    }
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result:
      return std::max(discriminant_size(case_count(t)), max_case_alignment(t));
    case ValueKind::Flags: return flags_size(t.names.size());
    case ValueKind::Own: case ValueKind::Borrow: case ValueKind::ErrorContext: case ValueKind::Stream:
    case ValueKind::Future: return 4;
  }
  return 1;
}

uint32_t elem_size(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::Bool: case ValueKind::S8: case ValueKind::U8: return 1;
    case ValueKind::S16: case ValueKind::U16: return 2;
    case ValueKind::S32: case ValueKind::U32: case ValueKind::F32: case ValueKind::Char: return 4;
    case ValueKind::S64: case ValueKind::U64: case ValueKind::F64: return 8;
    case ValueKind::String: case ValueKind::List: case ValueKind::Map: return 2 * kPtrSize;
    case ValueKind::FixedList: return t.length * elem_size(*t.element);
    case ValueKind::Record:
    case ValueKind::Tuple: {
      uint32_t s = 0;
      for (const auto& f : t.fields) s = align_to(s, alignment(*f.type)) + elem_size(*f.type);
      return align_to(s, alignment(t));
    }
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result: {
      uint32_t s = align_to(discriminant_size(case_count(t)), max_case_alignment(t));
      uint32_t payload = 0;
      for (size_t i = 0, n = case_count(t); i < n; ++i) {
        if (const ValueType* c = case_type(t, i)) payload = std::max(payload, elem_size(*c));
      }
      return align_to(s + payload, alignment(t));
    }
    case ValueKind::Flags: return flags_size(t.names.size());
    case ValueKind::Own: case ValueKind::Borrow: case ValueKind::ErrorContext: case ValueKind::Stream:
    case ValueKind::Future: return 4;
  }
  return 0;
}

FlatType join(FlatType a, FlatType b) {
  if (a == b) return a;
  if ((a == FlatType::I32 && b == FlatType::F32) || (a == FlatType::F32 && b == FlatType::I32)) return FlatType::I32;
  return FlatType::I64;
}

void flatten(const ValueType& t, std::vector<FlatType>& out) {
  switch (t.kind) {
    case ValueKind::Bool: case ValueKind::S8: case ValueKind::U8: case ValueKind::S16: case ValueKind::U16:
    case ValueKind::S32: case ValueKind::U32: case ValueKind::Char: case ValueKind::Flags:
    case ValueKind::Own: case ValueKind::Borrow: case ValueKind::ErrorContext: case ValueKind::Stream:
    case ValueKind::Future:
      out.push_back(FlatType::I32);
      return;
    case ValueKind::S64: case ValueKind::U64: out.push_back(FlatType::I64); return;
    case ValueKind::F32: out.push_back(FlatType::F32); return;
    case ValueKind::F64: out.push_back(FlatType::F64); return;
    case ValueKind::String:
    case ValueKind::List:
    case ValueKind::Map:
      out.push_back(FlatType::I32);
      out.push_back(FlatType::I32);
      return;
    case ValueKind::FixedList: {
      std::vector<FlatType> one = flatten(*t.element);
      if (one.empty()) return;
      for (uint32_t i = 0; i < t.length && out.size() <= kMaxFlatParams; ++i) out.insert(out.end(), one.begin(), one.end());
      return;
    }
    case ValueKind::Record:
    case ValueKind::Tuple:
      for (const auto& f : t.fields) flatten(*f.type, out);
      return;
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result: {
      out.push_back(FlatType::I32);  // the discriminant
      size_t start = out.size();
      std::vector<FlatType> c;
      for (size_t i = 0, n = case_count(t); i < n; ++i) {
        const ValueType* ct = case_type(t, i);
        if (!ct) continue;
        c.clear();
        flatten(*ct, c);
        for (size_t j = 0; j < c.size(); ++j) {
          if (start + j < out.size()) {
            out[start + j] = join(out[start + j], c[j]);
          } else {
            out.push_back(c[j]);
          }
        }
      }
      return;
    }
  }
}

bool uses_memory(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::String: case ValueKind::List: case ValueKind::Map: return true;
    case ValueKind::FixedList: return uses_memory(*t.element);
    case ValueKind::Record: case ValueKind::Tuple:
      for (const auto& f : t.fields) {
        if (uses_memory(*f.type)) return true;
      }
      return false;
    case ValueKind::Variant: case ValueKind::Option: case ValueKind::Result:
      for (size_t i = 0, n = case_count(t); i < n; ++i) {
        if (const ValueType* c = case_type(t, i); c && uses_memory(*c)) return true;
      }
      return false;
    default: return false;
  }
}

std::vector<FlatType> flatten(const ValueType& t) {
  std::vector<FlatType> out;
  flatten(t, out);
  return out;
}

namespace {

size_t compute_flat_count(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::String: case ValueKind::List: case ValueKind::Map: return 2;
    case ValueKind::FixedList: return t.length * flat_count(*t.element);
    case ValueKind::Record:
    case ValueKind::Tuple: {
      size_t n = 0;
      for (const auto& f : t.fields) n += flat_count(*f.type);
      return n;
    }
    case ValueKind::Variant: case ValueKind::Enum: case ValueKind::Option: case ValueKind::Result: {
      size_t n = 0;
      for (size_t i = 0, cases = case_count(t); i < cases; ++i) {
        if (const ValueType* c = case_type(t, i)) n = std::max(n, flat_count(*c));
      }
      return 1 + n;
    }
    default: return 1;
  }
}

}  // namespace

size_t flat_count(const ValueType& t) {
  uint32_t known = t.flat_count_cache.plus_one.load(std::memory_order_relaxed);
  if (known) return known - 1;
  size_t n = compute_flat_count(t);
  // A fixed-length list may be too long to cache (it is rejected by MAX_FLAT checks anyway).
  if (n < UINT32_MAX) t.flat_count_cache.plus_one.store(uint32_t(n + 1), std::memory_order_relaxed);
  return n;
}

FuncAbi compute_abi(const FuncType& type) {
  FuncAbi abi;
  abi.type = type;
  abi.params_tuple.kind = ValueKind::Tuple;
  for (const auto& p : type.params) {
    flatten(*p.type, abi.flat_params);
    abi.params_use_memory = abi.params_use_memory || uses_memory(*p.type);
    abi.params_tuple.fields.push_back({"", p.type});
  }
  abi.params_in_memory = abi.flat_params.size() > kMaxFlatParams;
  abi.params_size = elem_size(abi.params_tuple);
  abi.params_align = alignment(abi.params_tuple);
  if (type.result) {
    flatten(*type.result, abi.flat_result);
    abi.result_uses_memory = uses_memory(*type.result);
    abi.result_size = elem_size(*type.result);
    abi.result_align = alignment(*type.result);
  }
  abi.result_in_memory = abi.flat_result.size() > kMaxFlatResults;
  return abi;
}

std::vector<FlatType> FuncAbi::lift_core_params() const {
  return params_in_memory ? std::vector<FlatType>{FlatType::I32} : flat_params;
}

std::vector<FlatType> FuncAbi::lift_core_results() const {
  return result_in_memory ? std::vector<FlatType>{FlatType::I32} : flat_result;
}

std::vector<FlatType> FuncAbi::lower_core_params() const {
  std::vector<FlatType> out = lift_core_params();
  if (result_in_memory) out.push_back(FlatType::I32);
  return out;
}

std::vector<FlatType> FuncAbi::lower_core_results() const {
  return result_in_memory ? std::vector<FlatType>{} : flat_result;
}

}  // namespace wasmrun::canon
