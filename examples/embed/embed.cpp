// Embedding wasmrun from C++: load a module, give it host functions that keep their state in the
// store, call its exports, and look at a trap. Build it in the tree (build/examples/embed/embed)
// or out of it with pkg-config (README, "Embedding: install and build"):
//   embed guest.wasm
#include <cstdio>
#include <string>
#include <vector>

#include "wasmrun/wasmrun.h"

// What the host functions of one store remember: a TypedStore<State> owns it (store.data()), and
// host functions reach it through Caller::data<State>().
struct State {
  std::vector<int32_t> logged;
  std::string printed;
};

int fail(const wasmrun::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s guest.wasm\n", argv[0]);
    return 2;
  }
  auto engine = wasmrun::Engine::create();
  if (!engine) return fail(engine.error());
  auto module = wasmrun::Module::from_file(*engine, argv[1]);  // a .wasm or a .wat file
  if (!module) return fail(module.error());

  // Host functions are plain C++ callables; their wasm type follows from the signature.
  wasmrun::Linker linker(*engine);
  auto defined = linker.func_wrap("host", "log", [](wasmrun::Caller& caller, int32_t value) {
    caller.data<State>()->logged.push_back(value);
  });
  if (!defined) return fail(defined.error());
  // Guest memory through a bounds-checked read: a bad pointer is an error (a trap), not a crash.
  defined = linker.func_wrap("host", "print",
                             [](wasmrun::Caller& caller, uint32_t ptr, uint32_t len) -> wasmrun::Expected<void> {
                               std::string text(len, '\0');
                               auto memory = caller.get_memory();
                               if (!memory) return wasmrun::Error{"the guest exports no memory"};
                               auto read = memory->read(ptr, {reinterpret_cast<uint8_t*>(text.data()), len});
                               if (!read) return read.error();
                               caller.data<State>()->printed += text;
                               return {};
                             });
  if (!defined) return fail(defined.error());

  wasmrun::TypedStore<State> store(*engine);
  State& state = store.data();
  auto instance = linker.instantiate(store, *module);
  if (!instance) return fail(instance.error());

  // A typed call: the C++ signature is checked against the export's wasm type once.
  auto sum_squares = instance->typed_func<int32_t(int32_t)>("sum_squares");
  if (!sum_squares) return fail(sum_squares.error());
  auto total = (*sum_squares)(4);
  if (!total) return fail(total.error());
  std::printf("sum_squares(4) = %d, the guest logged %zu values\n", *total, state.logged.size());

  auto greet = instance->typed_func<void()>("greet");
  if (!greet) return fail(greet.error());
  if (auto ok = (*greet)(); !ok) return fail(ok.error());
  std::printf("the guest printed \"%s\"\n", state.printed.c_str());

  // The memory as a span: it covers the accessible bytes and never moves when the memory grows.
  std::span<uint8_t> memory = instance->get_memory("memory")->view();
  std::printf("the guest's memory: %zu bytes\n", memory.size());

  // A trap is an error value carrying its code and the wasm frames; the store stays usable.
  auto divide = instance->typed_func<int32_t(int32_t, int32_t)>("divide").take();
  auto quotient = divide(1, 0);
  if (quotient) return std::fprintf(stderr, "error: divide(1, 0) did not trap\n"), 1;
  const wasmrun::Trap& trap = *quotient.error().trap;
  std::printf("divide(1, 0) -> %s (%zu frame(s), innermost function index %u)\n", trap.message.c_str(),
              trap.frames.size(), trap.frames.empty() ? 0u : trap.frames[0].func_index);
  std::printf("%s\n", trap.to_string().c_str());
  std::printf("divide(84, 2) = %d\n", *divide(84, 2));
  return 0;
}
