#include "runtime/component/flatten.h"

namespace wasmrun::component {
namespace {

using V = wasm::ValType;

// join (CanonicalABI.md "Flattening"): the core type that can carry either of two case payloads.
V join(V a, V b) {
  if (a == b) return a;
  if ((a == V::I32 && b == V::F32) || (a == V::F32 && b == V::I32)) return V::I32;
  return V::I64;
}

}  // namespace

void flatten(const ValueType& t, std::vector<wasm::ValType>& out) {
  switch (t.kind) {
    case ValueKind::Bool: case ValueKind::S8: case ValueKind::U8: case ValueKind::S16: case ValueKind::U16:
    case ValueKind::S32: case ValueKind::U32: case ValueKind::Char: case ValueKind::Enum:
    case ValueKind::Own: case ValueKind::Borrow:
      out.push_back(V::I32);
      return;
    case ValueKind::S64: case ValueKind::U64: out.push_back(V::I64); return;
    case ValueKind::F32: out.push_back(V::F32); return;
    case ValueKind::F64: out.push_back(V::F64); return;
    case ValueKind::String: case ValueKind::List: out.push_back(V::I32), out.push_back(V::I32); return;
    case ValueKind::FixedList: {
      std::vector<V> one;
      flatten(*t.element, one);
      for (uint32_t i = 0; i < t.length && out.size() <= 4 * kMaxFlatParams; ++i) out.insert(out.end(), one.begin(), one.end());
      return;
    }
    case ValueKind::Record: case ValueKind::Tuple:
      for (const auto& f : t.fields) flatten(*f.type, out);
      return;
    case ValueKind::Flags:
      for (size_t i = 0; i < (t.names.size() + 31) / 32; ++i) out.push_back(V::I32);
      return;
    case ValueKind::Variant: case ValueKind::Option: case ValueKind::Result: {
      std::vector<const ValueType*> cases;
      if (t.kind == ValueKind::Variant) for (const auto& c : t.cases) cases.push_back(c.type.get());
      else if (t.kind == ValueKind::Option) cases = {nullptr, t.element.get()};
      else cases = {t.ok.get(), t.err.get()};
      std::vector<V> joined;
      for (const ValueType* c : cases) {
        if (!c) continue;
        std::vector<V> flat;
        flatten(*c, flat);
        for (size_t i = 0; i < flat.size(); ++i) {
          if (i < joined.size()) joined[i] = join(joined[i], flat[i]);
          else joined.push_back(flat[i]);
        }
      }
      out.push_back(V::I32);
      out.insert(out.end(), joined.begin(), joined.end());
      return;
    }
  }
}

bool uses_memory(const ValueType& t) {
  switch (t.kind) {
    case ValueKind::String: case ValueKind::List: return true;
    case ValueKind::FixedList: case ValueKind::Option: return uses_memory(*t.element);
    case ValueKind::Result: return (t.ok && uses_memory(*t.ok)) || (t.err && uses_memory(*t.err));
    case ValueKind::Record: case ValueKind::Tuple:
      for (const auto& f : t.fields) if (uses_memory(*f.type)) return true;
      return false;
    case ValueKind::Variant:
      for (const auto& c : t.cases) if (c.type && uses_memory(*c.type)) return true;
      return false;
    default: return false;
  }
}

FlatSignature flatten_signature(const FuncType& f, bool lift) {
  FlatSignature s;
  bool params_use_memory = false;
  for (const auto& p : f.params) {
    flatten(*p.type, s.core.params);
    params_use_memory = params_use_memory || uses_memory(*p.type);
  }
  if (s.core.params.size() > kMaxFlatParams) {
    s.core.params = {V::I32};
    s.params_in_memory = true;
  }
  bool results_use_memory = false;
  if (f.result) {
    flatten(*f.result, s.core.results);
    results_use_memory = uses_memory(*f.result);
  }
  if (s.core.results.size() > kMaxFlatResults) {
    s.results_in_memory = true;
    if (lift) {
      s.core.results = {V::I32};
    } else {
      s.core.params.push_back(V::I32);
      s.core.results.clear();
    }
  }
  s.needs_memory = params_use_memory || results_use_memory || s.params_in_memory || s.results_in_memory;
  // Lifting, the callee's memory receives the arguments; lowering, the caller's receives results.
  s.needs_realloc = lift ? (params_use_memory || s.params_in_memory) : results_use_memory;
  return s;
}

std::string describe_core(const std::vector<wasm::ValType>& types) {
  std::string s = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += ", ";
    std::string n(wasm::to_string(types[i]));
    for (char& c : n) c = char(std::toupper(uint8_t(c)));
    s += n;
  }
  return s + "]";
}

}  // namespace wasmrun::component
