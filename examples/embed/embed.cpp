// Embedding wasmrun from C++: load a module, give it a host function, call its exports.
//   build/examples/embed/embed build/examples/embed/guest.wasm
#include <cstdio>
#include <vector>

#include "wasmrun/wasmrun.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s guest.wasm\n", argv[0]);
    return 2;
  }
  auto engine = wasmrun::Engine::create();
  if (!engine) return std::fprintf(stderr, "error: %s\n", engine.error().message.c_str()), 1;
  auto module = wasmrun::Module::from_file(*engine, argv[1]);
  if (!module) return std::fprintf(stderr, "error: %s\n", module.error().message.c_str()), 1;

  // Host functions are plain C++ callables; their wasm type follows from the signature.
  std::vector<int32_t> logged;
  wasmrun::Linker linker(*engine);
  auto defined = linker.func_wrap("host", "log", [&logged](int32_t value) { logged.push_back(value); });
  if (!defined) return std::fprintf(stderr, "error: %s\n", defined.error().message.c_str()), 1;

  wasmrun::Store store(*engine);
  auto instance = linker.instantiate(store, *module);
  if (!instance) return std::fprintf(stderr, "error: %s\n", instance.error().message.c_str()), 1;

  // A typed call: the C++ signature is checked against the export's wasm type once.
  auto sum_squares = instance->typed_func<int32_t(int32_t)>("sum_squares");
  if (!sum_squares) return std::fprintf(stderr, "error: %s\n", sum_squares.error().message.c_str()), 1;
  auto total = (*sum_squares)(4);
  std::printf("sum_squares(4) = %d, the guest logged %zu values\n", *total, logged.size());

  // A trap is an error value, and the store stays usable afterwards.
  auto divide = instance->typed_func<int32_t(int32_t, int32_t)>("divide").take();
  auto quotient = divide(1, 0);
  std::printf("divide(1, 0) -> %s\n", quotient ? "no trap?" : quotient.error().message.c_str());
  std::printf("divide(84, 2) = %d\n", *divide(84, 2));
  return 0;
}
