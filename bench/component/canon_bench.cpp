// The canonical ABI on its hot paths, with trivial callbacks standing in for core wasm:
//   - lowering a 1 MiB list<u8> into a guest (typed: memcpy; dynamic Val: element by element),
//   - a call of func(s: string) -> string with a 16-byte string through canon lift: the argument
//     lowered through realloc, a core callee that returns it, the result lifted (typed and Val).
//   canon_bench [ITERATIONS]
// Prints the best of 5 runs of each.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "canonical_abi/typed.h"
#include "bench/best_seconds.h"

using namespace wasmrun;
using namespace wasmrun::canon;
using component::Val;

namespace {

// A guest with a bump allocator that restarts at every call.
struct Guest {
  std::vector<uint8_t> memory;
  uint32_t next = 0;
  Instance inst;
  CanonOptions opts;

  explicit Guest(size_t size) : memory(size) {
    opts.memory = [this] { return GuestMemory{memory.data(), memory.size()}; };
    opts.realloc = [this](uint32_t, uint32_t, uint32_t align, uint32_t size) -> TrapOr<uint32_t> {
      next = (next + align - 1) & ~(align - 1);
      uint32_t p = next;
      next += size;
      return p;
    };
  }
};

using bench::best_seconds;

ValueTypePtr list_u8() {
  auto t = std::make_shared<ValueType>();
  t->kind = ValueKind::List;
  t->element = ValueType::primitive(ValueKind::U8);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 1000000;
  constexpr size_t kMiB = 1 << 20;

  {
    Guest g(4 * kMiB);
    auto t = list_u8();
    std::vector<uint8_t> bytes(kMiB, 0x5a);
    int reps = 200;
    double s = best_seconds(5, [&] {
      for (int i = 0; i < reps; ++i) {
        g.next = 16;
        Cx cx(g.opts, g.inst);
        FlatValue flat[2];
        FlatWriter w{flat};
        Traits<std::vector<uint8_t>>::lower_flat(cx, *t, bytes, w);
      }
    });
    fmt::print("lower list<u8> 1 MiB, typed: {:.1f} GB/s ({:.1f} us per lowering)\n", reps * double(kMiB) / s / 1e9,
               s / reps * 1e6);

    std::vector<Val> elements(kMiB, Val::u8(0x5a));
    Val v = Val::list(std::move(elements));
    int val_reps = 5;
    double sv = best_seconds(3, [&] {
      for (int i = 0; i < val_reps; ++i) {
        g.next = 16;
        Cx cx(g.opts, g.inst);
        FlatValue flat[2];
        FlatWriter w{flat};
        lower_flat(cx, v, *t, w);
      }
    });
    fmt::print("lower list<u8> 1 MiB, Val:   {:.2f} GB/s ({:.1f} us per lowering)\n",
               val_reps * double(kMiB) / sv / 1e9, sv / val_reps * 1e6);
  }

  {
    Guest g(65536);
    FuncType f;
    f.params = {{"s", ValueType::primitive(ValueKind::String)}};
    f.result = ValueType::primitive(ValueKind::String);
    FuncAbi abi = compute_abi(f);
    // The core callee returns its argument: it writes (ptr, len) to a return area.
    auto core = [&](std::span<const FlatValue> args, std::span<FlatValue> results) -> TrapOr<void> {
      store_le<uint32_t>(g.memory.data() + 8, uint32_t(args[0]));
      store_le<uint32_t>(g.memory.data() + 12, uint32_t(args[1]));
      results[0] = 8;
      return {};
    };
    std::string_view arg = "0123456789abcdef";
    size_t total = 0;
    double s = best_seconds(5, [&] {
      for (int i = 0; i < iterations; ++i) {
        g.next = 1024;
        auto r = typed_canon_lift<std::string>(abi, g.opts, g.inst, nullptr, core, arg);
        total += r->size();
      }
    });
    fmt::print("func(s: string) -> string, 16 bytes, typed canon lift: {:.0f} ns per call\n", s / iterations * 1e9);

    Val args[] = {Val::string(std::string(arg))};
    double sv = best_seconds(5, [&] {
      for (int i = 0; i < iterations; ++i) {
        g.next = 1024;
        auto r = call_lifted(abi, g.opts, g.inst, nullptr, args, core);
        total += (*r)->as_string().size();
      }
    });
    fmt::print("func(s: string) -> string, 16 bytes, Val canon lift:   {:.0f} ns per call\n", sv / iterations * 1e9);

    // The other direction: a guest calls a host function through canon lower.
    for (int i = 0; i < 16; ++i) g.memory[100 + i] = uint8_t(arg[i]);
    FlatValue lower_args[] = {100, 16, 16};
    auto host = [](std::string_view s) { return s; };  // the argument is a view into the guest
    double sl = best_seconds(5, [&] {
      for (int i = 0; i < iterations; ++i) {
        g.next = 1024;
        auto r = TypedLower<std::string_view(std::string_view)>::call(abi, g.opts, g.inst, lower_args, {}, host);
        total += r.ok();
      }
    });
    fmt::print("func(s: string) -> string, 16 bytes, typed canon lower: {:.0f} ns per call\n", sl / iterations * 1e9);
    if (total == 0) fmt::print("(no results)\n");
  }
  return 0;
}
