// libFuzzer target: lift a value of a type drawn from the input out of a guest memory holding
// the rest of the input (or from flat values read from it), with each string encoding; the
// guest's table holds resource handles and error contexts. Bad
// memory must trap, never crash; a value that lifts must lower into a second guest (any
// encoding) and lift back equal.
#include <cstdio>

#include "canonical_abi/resources.h"
#include "canonical_abi/values.h"
#include "tests/fuzz/canon_fuzz.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::fuzz;
using wasmrun::component::Val;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  auto rt = std::make_shared<ResourceType>();
  rt->name = "r";
  ValueTypePtr t = gen(in, rt, 0);
  StringEncoding src_enc = StringEncoding(in.byte() % 3), dst_enc = StringEncoding(in.byte() % 3);
  Guest src(src_enc);
  for (uint32_t i = 0; i < 4; ++i) (void)resource_new(src.inst, *rt, 100 + i);
  for (uint32_t i = 0; i < 2; ++i) {  // and error contexts, in the same table
    ResourceHandle h;
    h.error_context = std::make_shared<const std::string>("error " + std::to_string(i));
    (void)catch_trap([&] { return src.inst.handles.add(h); });
  }
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
    if (again.trap().code != TrapCode::ReallocOutOfBounds) {
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
