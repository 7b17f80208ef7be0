// Component value types, resolved (component Explainer "Value Types", CanonicalABI.md): the
// tree the canonical ABI lifts and lowers. The decoder keeps types as indices into a
// component's type index space; validation resolves them into these trees, which carry no
// indices and can be shared between components, instances and threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wasmrun/component/trap.h"

namespace wasmrun::canon {
class Instance;
}

namespace wasmrun::component {

enum class ValueKind : uint8_t {
  Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
  List, FixedList, Record, Tuple, Variant, Enum, Flags, Option, Result, Own, Borrow,
  ErrorContext,  // a primitive (Binary.md `primvaltype` 0x64), a handle in the instance's table
  Map,           // map<K, V>: `element` is tuple<K, V>; the ABI treats it as list<tuple<K, V>>
  Stream,        // stream<T>: `element` is T, null for `stream` without payload; a handle (i32)
  Future,        // future<T>: likewise
};

// The identity of a resource type. Each instantiation of a component that defines a resource
// creates a new one (resource types are generative, Explainer "Resource types"); the host
// creates one per host resource type. Types compare equal only by identity.
struct ResourceType {
  std::string name;  // for messages: the export or import name it was bound to, or the host's
  // Set where the type is created (CanonicalABI.md "Resource State"): the component instance
  // that implements it (null for a host resource; must outlive the handles of the type) and
  // its destructor (may be empty), called with the representation of a dropped own handle.
  canon::Instance* impl = nullptr;
  std::function<TrapOr<void>(uint32_t rep)> dtor;
};
using ResourceTypePtr = std::shared_ptr<const ResourceType>;

struct ValueType;
using ValueTypePtr = std::shared_ptr<const ValueType>;

struct ValueType {
  struct Field {  // a record field or a tuple element (no name)
    std::string name;
    ValueTypePtr type;
  };
  struct Case {  // a variant case; `type` is null for a case without payload
    std::string name;
    ValueTypePtr type;
  };

  ValueKind kind = ValueKind::Bool;
  ValueTypePtr element;              // List, FixedList, Option; Map: tuple<K, V>; Stream, Future (may be null)
  uint32_t length = 0;               // FixedList
  std::vector<Field> fields;         // Record, Tuple
  std::vector<Case> cases;           // Variant
  std::vector<std::string> names;    // Enum cases, Flags labels
  ValueTypePtr ok, err;              // Result; each may be null
  ResourceTypePtr resource;          // Own, Borrow

  // canonical_abi's flat_count of the type, worked out on its first use (a variant's walks every
  // case, and typed lifting and lowering ask for it on every call that passes one). Types are
  // shared between threads once built, hence atomic; a copy works its own out, as it may be
  // changed after.
  struct FlatCountCache {
    mutable std::atomic<uint32_t> plus_one{0};  // 0: not known yet
    FlatCountCache() = default;
    FlatCountCache(const FlatCountCache&) noexcept {}
    FlatCountCache& operator=(const FlatCountCache&) noexcept {
      plus_one.store(0, std::memory_order_relaxed);
      return *this;
    }
  };
  FlatCountCache flat_count_cache;

  static ValueTypePtr primitive(ValueKind k);
};

// A component function type: named parameters, and no result or one.
struct FuncType {
  std::vector<ValueType::Field> params;
  ValueTypePtr result;  // null: no result
  bool async = false;   // `(func async ...)` (Binary.md 0x43, component-model-async)
};

bool is_primitive(ValueKind k);
const char* to_string(ValueKind k);

}  // namespace wasmrun::component
