// libFuzzer target: parse arbitrary bytes as a WIT file, resolve what parses as a package of its
// own, print every world and package of the result, and parse and resolve that text again: it
// must print the same. Any crash, hang, leak or sanitizer report is a bug; rejecting the input
// with a positioned message is the expected outcome.
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
  // Printed WIT parses and resolves to what prints the same again.
  std::vector<std::string> printed;
  std::vector<PackageSources> again;
  for (PackageId p = 0; p < resolve.packages.size(); ++p) {
    printed.push_back(print_package(resolve, p));
    auto reparsed = parse_text(printed.back(), "printed.wit");
    if (!reparsed) __builtin_trap();
    again.emplace_back().files.push_back(reparsed.take());
  }
  Resolve second;
  if (!resolve_packages(second, std::move(again), options)) __builtin_trap();
  for (PackageId p = 0; p < second.packages.size(); ++p) {
    if (print_package(second, p) != printed[p]) __builtin_trap();
  }
  for (WorldId w = 0; w < resolve.worlds.size(); ++w) {
    if (!parse_text(print_world(resolve, w), "printed.wit")) __builtin_trap();
  }
  return 0;
}
