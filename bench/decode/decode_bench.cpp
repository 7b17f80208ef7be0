// Decode+validate throughput of the core-module decoder on a real binary.
//   decode_bench FILE [RUNS]
// FILE is a core module, or a component whose largest embedded core module is measured (e.g. a
// componentize-js output, whose SpiderMonkey module is ~14 MB). Prints the median over RUNS.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <span>
#include <vector>

#include "runtime/decode/module_decoder.h"
#include "runtime/decode/reader.h"
#include "support/file.h"

using namespace wasmrun;

namespace {

// The largest core module (section id 1) at the top level of a component binary.
std::span<const uint8_t> largest_core_module(std::span<const uint8_t> component) {
  wasm::Reader r(component.data() + 8, component.data() + component.size(), 8);
  std::span<const uint8_t> best;
  while (!r.at_end()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    const uint8_t* start = r.take(size);
    if (id == 1 && size > best.size()) best = {start, size};
  }
  return best;
}

bool is_component(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), "\0asm", 4) == 0 && bytes[6] == 0x01;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: decode_bench FILE.wasm [RUNS]\n");
    return 2;
  }
  int runs = argc > 2 ? std::atoi(argv[2]) : 10;
  auto file = read_file(argv[1]);
  if (!file) {
    fmt::print(stderr, "error: {}\n", file.error().message);
    return 1;
  }
  std::span<const uint8_t> bytes(*file);
  try {
    if (is_component(bytes)) bytes = largest_core_module(bytes);
  } catch (const wasm::DecodeError& e) {
    fmt::print(stderr, "error: cannot read the component: {}\n", e.message);
    return 1;
  }

  std::vector<double> seconds;
  size_t functions = 0;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto module = wasm::decode_module(bytes);
    auto end = std::chrono::steady_clock::now();
    if (!module) {
      fmt::print(stderr, "error: {}\n", module.error().message);
      return 1;
    }
    functions = module->bodies.size();
    seconds.push_back(std::chrono::duration<double>(end - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  double median = seconds[seconds.size() / 2];
  double mb = bytes.size() / 1e6;
  fmt::print("module: {:.2f} MB, {} functions\n", mb, functions);
  fmt::print("decode+validate: median {:.1f} ms over {} runs = {:.0f} MB/s (best {:.0f} MB/s)\n", median * 1e3,
             runs, mb / median, mb / seconds.front());
  return 0;
}
