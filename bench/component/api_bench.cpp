// The public component API end to end, on tests/api/components/util.wat compiled by the JIT:
//   - a host→guest call of `sum: func(a: u32, b: u32) -> u32`, which calls the host's `add`,
//   - a host→guest call of `echo: func(s: string) -> string` with a 16-byte string through
//     TypedFunc (lowering through the guest's realloc, the core call, lifting, post-return) and
//     through Func::call with Vals,
//   - a guest→host call: `greet` calls the host's `upper: func(s: string) -> string`, bound
//     with func_wrap,
//   - a host→guest call of `len: func(bytes: list<u8>) -> u32` with 1 MiB (the lowering is a
//     realloc and a memcpy),
//   - InstancePre::instantiate of the component in a fresh store.
//   api_bench [ITERATIONS]
// Prints the best of 5 runs of each.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "wasmrun/wat.h"
#include "wasmrun/component/linker.h"
#include "bench/best_seconds.h"

using namespace wasmrun;
using namespace wasmrun::component;

namespace {

using bench::best_seconds;

struct Counter {};

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 1000000;
  std::ifstream in(UTIL_WAT);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto engine = Engine::create().take();
  auto component = Component::from_binary(engine, wat2wasm(text, "util.wat").take()).take();

  Linker linker(engine);
  auto util = linker.instance("host:test/util@1.2.0");
  (void)util.resource<Counter>("counter");
  (void)util.func_wrap("upper", [](std::string s) { return s; });
  (void)util.func_wrap("add", [](uint32_t a, uint32_t b) { return a + b; });
  (void)util.func_wrap("[constructor]counter", [](uint32_t) { return Resource<Counter>{1}; });
  (void)util.func_wrap("[method]counter.bump", [](Borrow<Counter>) { return uint32_t(0); });
  auto pre = linker.instantiate_pre(component).take();
  Store store(engine);
  auto instance = pre.instantiate(store).take();

  std::string_view arg = "0123456789abcdef";
  size_t total = 0;
  auto sum = instance.get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take();
  double s0 = best_seconds(5, [&] {
    for (int i = 0; i < iterations; ++i) total += *sum(uint32_t(i), 1);
  });
  fmt::print("host->guest sum(u32, u32) -> u32 calling host add, TypedFunc: {:.0f} ns per call\n", s0 / iterations * 1e9);

  auto echo = instance.get_typed_func<std::string(std::string_view)>("echo").take();
  double s = best_seconds(5, [&] {
    for (int i = 0; i < iterations; ++i) total += echo(arg)->size();
  });
  fmt::print("host->guest echo(string) -> string, 16 bytes, TypedFunc: {:.0f} ns per call\n", s / iterations * 1e9);

  auto echo_dynamic = *instance.get_func("echo");
  Val args[] = {Val::string(std::string(arg))};
  double sv = best_seconds(5, [&] {
    for (int i = 0; i < iterations; ++i) total += (*echo_dynamic.call(args))->as_string().size();
  });
  fmt::print("host->guest echo(string) -> string, 16 bytes, Func::call with Val: {:.0f} ns per call\n",
             sv / iterations * 1e9);

  auto greet = instance.get_typed_func<std::string(std::string_view)>("greet").take();
  double sg = best_seconds(5, [&] {
    for (int i = 0; i < iterations; ++i) total += greet(arg)->size();
  });
  fmt::print("host->guest greet(string) -> string calling host upper(string) -> string, 16 bytes: {:.0f} ns per call\n",
             sg / iterations * 1e9);

  constexpr size_t kMiB = 1 << 20;
  std::vector<uint8_t> bytes(kMiB, 0x5a);
  auto len = instance.get_typed_func<uint32_t(std::vector<uint8_t>)>("len").take();
  int reps = 200;
  double sl = best_seconds(5, [&] {
    for (int i = 0; i < reps; ++i) total += *len(bytes);
  });
  fmt::print("host->guest len(list<u8>), 1 MiB, TypedFunc: {:.1f} GB/s ({:.1f} us per call)\n",
             reps * double(kMiB) / sl / 1e9, sl / reps * 1e6);

  std::vector<uint8_t> copy(kMiB);
  double sm = best_seconds(5, [&] {
    for (int i = 0; i < reps; ++i) {
      std::memcpy(copy.data(), bytes.data(), kMiB);
      asm volatile("" : : "r"(copy.data()) : "memory");
    }
  });
  fmt::print("memcpy of 1 MiB, for comparison: {:.1f} GB/s\n", reps * double(kMiB) / sm / 1e9);

  int instances = 2000;
  double si = best_seconds(5, [&] {
    for (int i = 0; i < instances; ++i) {
      Store fresh(engine);
      total += pre.instantiate(fresh).ok();
    }
  });
  fmt::print("InstancePre::instantiate in a fresh store: {:.1f} us per instance\n", si / instances * 1e6);
  if (total == 0) fmt::print("(no results)\n");
  return 0;
}
