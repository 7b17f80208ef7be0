#include "runtime/component/value_type.h"

#include <array>

namespace wasmrun::component {

bool is_primitive(ValueKind k) { return k <= ValueKind::String || k == ValueKind::ErrorContext; }

const char* to_string(ValueKind k) {
  static constexpr const char* kNames[] = {
      "bool", "s8",    "u8",    "s16",     "u16",  "s32",   "u32",  "s64",    "u64",    "f32",  "f64",    "char",
      "string", "list", "list", "record", "tuple", "variant", "enum", "flags", "option", "result", "own", "borrow",
      "error-context", "map", "stream", "future",
  };
  return kNames[size_t(k)];
}

// Primitive types have no parts, so one shared node per kind serves every use.
ValueTypePtr ValueType::primitive(ValueKind k) {
  static const auto kNodes = [] {
    std::array<ValueTypePtr, size_t(ValueKind::ErrorContext) + 1> nodes;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!is_primitive(ValueKind(i))) continue;
      auto t = std::make_shared<ValueType>();
      t->kind = ValueKind(i);
      nodes[i] = std::move(t);
    }
    return nodes;
  }();
  return kNodes[size_t(k)];
}

}  // namespace wasmrun::component
