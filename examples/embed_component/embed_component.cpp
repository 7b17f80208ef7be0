// Embedding a component with the C++ API: host functions from lambdas in a versioned interface,
// a typed export, a trap as a value.
//   embed_component [hello.wat]
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "wasmrun/component/linker.h"

int main(int argc, char** argv) {
  using namespace wasmrun;
#ifdef EXAMPLE_DIR
  const char* path = argc > 1 ? argv[1] : EXAMPLE_DIR "/hello.wat";
#else
  const char* path = argc > 1 ? argv[1] : "hello.wat";
#endif
  auto engine = Engine::create().take();
  auto component = Component::from_file(engine, path);  // a binary, or component text
  if (!component) {
    std::fprintf(stderr, "%s\n", component.error().message.c_str());
    return 1;
  }

  // The host's side of `example:host/text@0.1.0` (an import of @0.1.x would match too).
  component::Linker linker(engine);
  auto text = linker.instance("example:host/text@0.1.2");
  (void)text.func_wrap("log", [](std::string_view message) { std::printf("guest says: %.*s\n", int(message.size()), message.data()); });
  (void)text.func_wrap("upper", [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return s;
  });

  auto pre = linker.instantiate_pre(*component);  // imports resolved and type-checked once
  if (!pre) {
    std::fprintf(stderr, "%s\n", pre.error().message.c_str());
    return 1;
  }
  Store store(engine);
  auto instance = pre->instantiate(store).take();
  auto greet = instance.get_typed_func<std::string(std::string_view)>("greet").take();
  auto result = greet("world");
  if (!result) {  // a trap: result.error().trap holds its code and wasm backtrace
    std::fprintf(stderr, "%s\n", result.error().message.c_str());
    return 1;
  }
  std::printf("greet(\"world\") = %s\n", result->c_str());
  return 0;
}
