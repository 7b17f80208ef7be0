// libFuzzer target: lift a value of a type drawn from the input out of a guest memory holding
// the rest of the input (or from flat values read from it), with each string encoding. Bad
// memory must trap, never crash; a value that lifts must lower into a second guest (any
// encoding) and lift back equal.
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <memory>
#include <vector>

#include "canonical_abi/resources.h"
#include "canonical_abi/values.h"

using namespace wasmrun::canon;
using wasmrun::component::ResourceType;
using wasmrun::component::Val;

namespace {

struct Input {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  uint8_t byte() { return at < size ? data[at++] : 0; }
};

ValueTypePtr gen(Input& in, const std::shared_ptr<ResourceType>& rt, int depth) {
  auto t = std::make_shared<ValueType>();
  uint8_t k = in.byte() % 24;
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  auto rt = std::make_shared<ResourceType>();
  rt->name = "r";
  ValueTypePtr t = gen(in, rt, 0);
  StringEncoding src_enc = StringEncoding(in.byte() % 3), dst_enc = StringEncoding(in.byte() % 3);
  Guest src(src_enc);
  for (uint32_t i = 0; i < 4; ++i) (void)resource_new(src.inst, *rt, 100 + i);
  bool from_flat = in.byte() & 1;
  std::memcpy(src.memory.data(), data + in.at, std::min(size - std::min(size, in.at), src.memory.size()));

  Cx cx(src.opts, src.inst);
  // The value from memory at 0, or from flat values taken from the same bytes.
  auto lifted = catch_trap([&] {
    if (!from_flat) return load(cx, 0, *t);
    std::vector<FlatValue> flat(flat_count(*t));
    std::memcpy(flat.data(), src.memory.data(), std::min(flat.size() * sizeof(FlatValue), src.memory.size()));
    FlatReader reader{flat};
    return lift_flat(cx, reader, *t);
  });
  if (!lifted.ok()) return 0;

  Guest dst(dst_enc);
  Cx out(dst.opts, dst.inst);
  auto again = catch_trap([&] {
    uint32_t ptr = out.allocate(alignment(*t), elem_size(*t), Cx::What::Value);
    store(out, *lifted, *t, ptr);
    return load(out, ptr, *t);
  });
  if (!again.ok()) {
    // Only the guest's own limits may stop a value that lifted: its memory is 64 KiB.
    if (again.trap().kind != TrapKind::ReallocOutOfBounds) {
      std::fprintf(stderr, "lowering %.200s trapped: %s\n", lifted->to_string().c_str(), again.trap().message.c_str());
      __builtin_trap();
    }
    return 0;
  }
  if (!(*again == *lifted)) {
    std::fprintf(stderr, "%.200s came back as %.200s\n", lifted->to_string().c_str(), again->to_string().c_str());
    __builtin_trap();
  }
  return 0;
}
