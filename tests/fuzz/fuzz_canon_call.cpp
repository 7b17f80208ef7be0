// libFuzzer target: a component calls another through canon lower and canon lift with a
// function type, flat arguments, memories and callee results all drawn from the input; the
// caller holds a few handles of a resource the flat arguments may name. Whatever the input, the
// call returns or traps cleanly, and afterwards no handle of the caller is still lent and no
// borrow in the callee points at the finished call.
#include "canonical_abi/call.h"
#include "canonical_abi/resources.h"
#include "tests/fuzz/canon_fuzz.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::fuzz;
using wasmrun::component::Val;

namespace {

bool contains_borrow(const ValueType& t) {
  if (t.kind == ValueKind::Borrow) return true;
  if (t.element && contains_borrow(*t.element)) return true;
  if (t.ok && contains_borrow(*t.ok)) return true;
  if (t.err && contains_borrow(*t.err)) return true;
  for (const auto& f : t.fields) {
    if (contains_borrow(*f.type)) return true;
  }
  for (const auto& c : t.cases) {
    if (c.type && contains_borrow(*c.type)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  auto rt = std::make_shared<ResourceType>();
  rt->name = "r";
  FuncType ft;
  for (int i = 0, n = in.byte() % 4; i < n; ++i) ft.params.push_back({"p" + std::to_string(i), gen(in, rt, 1)});
  if (in.byte() & 1) {
    ft.result = gen(in, rt, 1);
    if (contains_borrow(*ft.result)) return 0;  // results cannot hold borrows (validation)
  }
  Guest caller(StringEncoding(in.byte() % 3)), callee(StringEncoding(in.byte() % 3));
  if (in.byte() & 1) rt->impl = &callee.inst;
  for (uint32_t i = 0; i < 4; ++i) (void)resource_new(caller.inst, *rt, 100 + i);
  size_t rest = size - std::min(size, in.at);
  std::memcpy(caller.memory.data(), data + in.at, std::min(rest, caller.memory.size()));
  std::memcpy(callee.memory.data() + 256, data + in.at, std::min(rest, callee.memory.size() - 256));

  FuncAbi abi = compute_abi(ft);
  std::vector<FlatValue> args(abi.lower_param_count()), results(abi.lower_result_count());
  if (!args.empty()) std::memcpy(args.data(), caller.memory.data(), args.size() * sizeof(FlatValue));

  auto core = [&](std::span<const FlatValue>, std::span<FlatValue> out) -> TrapOr<void> {
    for (size_t i = 0; i < out.size(); ++i) std::memcpy(&out[i], callee.memory.data() + 256 + 8 * i, 8);
    return {};
  };
  auto lifted = [&](std::span<Val> a, ResultSink sink, Instance& from) -> TrapOr<void> {
    return canon_lift(abi, callee.opts, callee.inst, &from, a, core, sink);
  };
  (void)canon_lower(abi, caller.opts, caller.inst, args, results, lifted);

  caller.inst.handles.for_each([](uint32_t, const ResourceHandle& h) {
    if (h.num_lends != 0) __builtin_trap();
  });
  callee.inst.handles.for_each([](uint32_t, const ResourceHandle& h) {
    if (!h.own && h.borrow_scope) __builtin_trap();
  });
  return 0;
}
