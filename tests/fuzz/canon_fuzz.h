// What the canonical ABI fuzz targets share: reading the input, drawing a value type from it,
// and a guest with a bump allocator over a 64 KiB memory.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "canonical_abi/context.h"

namespace wasmrun::canon::fuzz {

using component::ResourceType;

struct Input {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  uint8_t byte() { return at < size ? data[at++] : 0; }
};

inline ValueTypePtr gen(Input& in, const std::shared_ptr<ResourceType>& rt, int depth) {
  auto t = std::make_shared<ValueType>();
  uint8_t k = in.byte() % (uint8_t(ValueKind::Map) + 1);
  if (depth > 3 && k > uint8_t(ValueKind::String)) k %= uint8_t(ValueKind::String) + 1;
  t->kind = ValueKind(k);
  switch (t->kind) {
    case ValueKind::List:
    case ValueKind::Option: t->element = gen(in, rt, depth + 1); break;
    case ValueKind::FixedList:
      t->element = gen(in, rt, depth + 1);
      t->length = 1 + in.byte() % 4;
      break;
    case ValueKind::Record:
    case ValueKind::Tuple:
      for (int i = 0, n = 1 + in.byte() % 3; i < n; ++i) t->fields.push_back({"f" + std::to_string(i), gen(in, rt, depth + 1)});
      break;
    case ValueKind::Variant:
      for (int i = 0, n = 1 + in.byte() % 4; i < n; ++i) {
        t->cases.push_back({"c" + std::to_string(i), in.byte() & 1 ? gen(in, rt, depth + 1) : nullptr});
      }
      break;
    case ValueKind::Enum:
    case ValueKind::Flags:
      for (int i = 0, n = 1 + in.byte() % 32; i < n; ++i) t->names.push_back("n" + std::to_string(i));
      break;
    case ValueKind::Result:
      if (in.byte() & 1) t->ok = gen(in, rt, depth + 1);
      if (in.byte() & 1) t->err = gen(in, rt, depth + 1);
      break;
    case ValueKind::Own:
    case ValueKind::Borrow: t->resource = rt; break;
    case ValueKind::Map: {  // a key of the Explainer's `keytype`, and any value
      constexpr ValueKind kKeys[] = {ValueKind::Bool, ValueKind::S8,  ValueKind::U8,  ValueKind::S16, ValueKind::U16,
                                     ValueKind::S32,  ValueKind::U32, ValueKind::S64, ValueKind::U64, ValueKind::Char,
                                     ValueKind::String};
      auto entry = std::make_shared<ValueType>();
      entry->kind = ValueKind::Tuple;
      entry->fields.push_back({"", ValueType::primitive(kKeys[in.byte() % std::size(kKeys)])});
      entry->fields.push_back({"", gen(in, rt, depth + 1)});
      t->element = std::move(entry);
      break;
    }
    default: return ValueType::primitive(t->kind);
  }
  return t;
}

struct Guest {
  std::vector<uint8_t> memory = std::vector<uint8_t>(1 << 16);
  uint32_t next = 1 << 15;
  Instance inst;
  CanonOptions opts;
  explicit Guest(StringEncoding e) {
    opts.string_encoding = e;
    opts.memory = [this] { return GuestMemory{memory.data(), memory.size()}; };
    opts.realloc = [this](uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t size) -> TrapOr<uint32_t> {
      next = (next + align - 1) & ~(align - 1);
      uint32_t p = next;
      next += size;
      uint32_t keep = std::min(old_size, size);
      if (old_ptr && uint64_t(p) + keep <= memory.size() && uint64_t(old_ptr) + keep <= memory.size()) {
        std::memmove(memory.data() + p, memory.data() + old_ptr, keep);
      }
      return p;
    };
  }
};

}  // namespace wasmrun::canon::fuzz
