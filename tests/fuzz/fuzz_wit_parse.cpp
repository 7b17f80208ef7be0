// libFuzzer target: parse arbitrary bytes as a WIT file, resolve what parses as a package of its
// own, and print every world and package of the result, then parse that text again. Any crash,
// hang, leak or sanitizer report is a bug; rejecting the input with a positioned message is the
// expected outcome, and printed WIT must always parse.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wit/parser.h"
#include "wit/printer.h"
#include "wit/resolver.h"

using namespace wasmrun::wit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = parse_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz.wit");
  if (!file) {
    if (file.error().message.rfind("fuzz.wit:", 0) != 0) __builtin_trap();  // errors say where
    return 0;
  }
  std::vector<PackageSources> groups(1);
  groups[0].files.push_back(file.take());
  Resolve resolve;
  ResolveOptions options;
  options.all_features = true;
  auto ids = resolve_packages(resolve, std::move(groups), options);
  if (!ids) {
    if (ids.error().message.rfind("fuzz.wit:", 0) != 0) __builtin_trap();
    return 0;
  }
  for (PackageId p = 0; p < resolve.packages.size(); ++p) {
    if (!parse_text(print_package(resolve, p), "printed.wit")) __builtin_trap();
  }
  for (WorldId w = 0; w < resolve.worlds.size(); ++w) {
    if (!parse_text(print_world(resolve, w), "printed.wit")) __builtin_trap();
  }
  return 0;
}
