// A guest as the canonical ABI tests see it: a linear memory, a bump realloc that records its
// calls, and builders for value types.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "canonical_abi/call.h"
#include "canonical_abi/context.h"
#include "canonical_abi/values.h"

namespace wasmrun::canon::test {

using component::ResourceType;
using component::ResourceTypePtr;
using component::Val;

inline std::shared_ptr<ResourceType> resource_type(std::string name, Instance* impl = nullptr) {
  auto t = std::make_shared<ResourceType>();
  t->name = std::move(name);
  t->impl = impl;
  return t;
}
inline ValueTypePtr prim(ValueKind k) { return ValueType::primitive(k); }
inline ValueTypePtr make(ValueType t) { return std::make_shared<ValueType>(std::move(t)); }
inline ValueTypePtr list(ValueTypePtr e) {
  ValueType t;
  t.kind = ValueKind::List;
  t.element = std::move(e);
  return make(std::move(t));
}
inline ValueTypePtr fixed_list(ValueTypePtr e, uint32_t n) {
  ValueType t;
  t.kind = ValueKind::FixedList;
  t.element = std::move(e);
  t.length = n;
  return make(std::move(t));
}
inline ValueTypePtr record(std::vector<ValueType::Field> fields) {
  ValueType t;
  t.kind = ValueKind::Record;
  t.fields = std::move(fields);
  return make(std::move(t));
}
inline ValueTypePtr tuple(std::vector<ValueTypePtr> elements) {
  ValueType t;
  t.kind = ValueKind::Tuple;
  for (auto& e : elements) t.fields.push_back({"", std::move(e)});
  return make(std::move(t));
}
inline ValueTypePtr variant(std::vector<ValueType::Case> cases) {
  ValueType t;
  t.kind = ValueKind::Variant;
  t.cases = std::move(cases);
  return make(std::move(t));
}
inline ValueTypePtr enumeration(std::vector<std::string> names) {
  ValueType t;
  t.kind = ValueKind::Enum;
  t.names = std::move(names);
  return make(std::move(t));
}
inline ValueTypePtr flags(std::vector<std::string> names) {
  ValueType t;
  t.kind = ValueKind::Flags;
  t.names = std::move(names);
  return make(std::move(t));
}
inline ValueTypePtr option(ValueTypePtr e) {
  ValueType t;
  t.kind = ValueKind::Option;
  t.element = std::move(e);
  return make(std::move(t));
}
inline ValueTypePtr result(ValueTypePtr ok, ValueTypePtr err) {
  ValueType t;
  t.kind = ValueKind::Result;
  t.ok = std::move(ok);
  t.err = std::move(err);
  return make(std::move(t));
}
inline ValueTypePtr handle(ValueKind k, ResourceTypePtr r) {
  ValueType t;
  t.kind = k;
  t.resource = std::move(r);
  return make(std::move(t));
}
inline std::vector<std::string> numbered(size_t n) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back("f" + std::to_string(i));
  return names;
}

struct ReallocCall {
  uint32_t old_ptr, old_size, align, new_size, result;
  bool operator==(const ReallocCall&) const = default;
};

// One guest: memory, a bump allocator (grows in place when the old block is the last one),
// and the options of its canon lift / lower.
struct Guest {
  std::vector<uint8_t> memory = std::vector<uint8_t>(65536);
  uint32_t next = 1024;
  std::vector<ReallocCall> reallocs;
  std::optional<uint32_t> forced_result;  // realloc returns this instead
  Instance inst;
  CanonOptions opts;

  explicit Guest(StringEncoding encoding = StringEncoding::Utf8, Instance* parent = nullptr) : inst(parent) {
    opts.string_encoding = encoding;
    opts.memory = [this] { return GuestMemory{memory.data(), memory.size()}; };
    opts.realloc = [this](uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size) -> TrapOr<uint32_t> {
      uint32_t r;
      if (forced_result) {
        r = *forced_result;
      } else if (old_ptr && (new_size <= old_size || old_ptr + old_size == next)) {
        r = old_ptr;  // shrink, or grow the last block in place
        if (old_ptr + old_size == next) next = old_ptr + new_size;
      } else {
        next = (next + align - 1) & ~(align - 1);
        r = next;
        next += new_size;
        if (old_ptr) std::memmove(memory.data() + r, memory.data() + old_ptr, old_size);
      }
      reallocs.push_back({old_ptr, old_size, align, new_size, r});
      return r;
    };
  }

  Cx cx(bool host_peer = false) {
    Cx c(opts, inst);
    c.host_peer = host_peer;
    return c;
  }
  void put(uint32_t ptr, std::string_view bytes) { std::memcpy(memory.data() + ptr, bytes.data(), bytes.size()); }
  std::string get(uint32_t ptr, size_t n) const { return std::string(reinterpret_cast<const char*>(memory.data() + ptr), n); }
  void put32(uint32_t ptr, uint32_t v) { store_le(memory.data() + ptr, v); }
  uint32_t get32(uint32_t ptr) const { return load_le<uint32_t>(memory.data() + ptr); }
};

// Runs `body` expecting a trap of `kind` whose message contains `message`.
template <class F>
void check_trap(F&& body, TrapCode kind, std::string_view message) {
  auto r = catch_trap(std::forward<F>(body));
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().code == kind);
  CHECK_MESSAGE(r.trap().message.find(message) != std::string::npos, r.trap().message);
}

}  // namespace wasmrun::canon::test
