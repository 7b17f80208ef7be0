// check_wasi_signatures COMPONENT...: for every function a component imports or exports from a
// WASI 0.2 interface (any 0.2.x), checks that the generated binding's C++ signature
// (wit/wasi_*.h) is one the typed canonical ABI accepts for the component's function type
// (canon::signature_matches). Prints one line per component and "N passed, N failed", a case
// per function. Used by tests/wit/run-guest-tests on the example components.
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "support/file.h"
#include "runtime/decode/component_decoder.h"
#include "wit/wasi_cli_traits.h"
#include "wit/wasi_clocks_traits.h"
#include "wit/wasi_filesystem_traits.h"
#include "wit/wasi_http_traits.h"
#include "wit/wasi_io_traits.h"
#include "wit/wasi_random_traits.h"
#include "wit/wasi_sockets_traits.h"

namespace {

using Check = std::function<bool(const wasmrun::component::FuncType&)>;

// Collects the generated signatures by interface name without its version.
struct Collector {
  std::map<std::string, std::map<std::string, Check>> checks;
  std::string current;
  void begin_interface(const std::string& name) { current = name.substr(0, name.find('@')); }
  template <class R>
  void resource(const char*) {}
  template <class Sig>
  void function(const char* name) {
    checks[current][name] = [](const wasmrun::component::FuncType& f) { return wasmrun::canon::signature_matches<Sig>(f); };
  }
};

}  // namespace

int main(int argc, char** argv) {
  Collector collector;
  bindings::wasi::cli::visit_package_signatures(collector);
  bindings::wasi::clocks::visit_package_signatures(collector);
  bindings::wasi::filesystem::visit_package_signatures(collector);
  bindings::wasi::http::visit_package_signatures(collector);
  bindings::wasi::io::visit_package_signatures(collector);
  bindings::wasi::random::visit_package_signatures(collector);
  bindings::wasi::sockets::visit_package_signatures(collector);
  int passed = 0, failed = 0;
  for (int i = 1; i < argc; ++i) {
    auto bytes = wasmrun::read_file(argv[i]);
    if (!bytes) {
      std::printf("FAIL %s: %s\n", argv[i], bytes.error().message.c_str());
      ++failed;
      continue;
    }
    auto decoded = wasmrun::component::decode_component(*bytes);
    if (!decoded.component) {
      std::printf("FAIL %s: %s\n", argv[i], decoded.error.message.c_str());
      ++failed;
      continue;
    }
    int checked = 0;
    for (const auto* list : {&decoded.component->type->imports, &decoded.component->type->exports}) {
      for (const auto& item : *list) {
        std::string name = item.name.substr(0, item.name.find('@'));
        if (!item.type.instance || name.rfind("wasi:", 0) != 0) continue;
        auto iface = collector.checks.find(name);
        for (const auto& e : item.type.instance->exports) {
          if (e.type.sort != wasmrun::component::Sort::Func) continue;
          bool ok = iface != collector.checks.end() && iface->second.count(e.name) && iface->second.at(e.name)(*e.type.func);
          if (ok) {
            ++passed;
          } else {
            ++failed;
            std::printf("FAIL %s: %s %s: no generated binding with a matching signature\n", argv[i], item.name.c_str(),
                        e.name.c_str());
          }
          ++checked;
        }
      }
    }
    std::printf("%s: %d WASI functions checked\n", argv[i], checked);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
