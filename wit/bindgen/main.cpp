// wasmrun-bindgen: writes the C++ bindings (wit/bindgen/cpp_generator.h) of WIT packages.
//
//   wasmrun-bindgen [--namespace NS] [--features A,B] --out DIR PACKAGE...
//
// Each PACKAGE is a directory of .wit files or one .wit file; all resolve together, and every
// package named gets <ns>_<pkg>.h and <ns>_<pkg>_traits.h in DIR (the packages they include,
// too). A file whose content would not change is left alone, so builds stay incremental.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "wit/bindgen/cpp_generator.h"
#include "wit/loader.h"

namespace {

int usage() {
  std::fprintf(stderr, "usage: wasmrun-bindgen [--namespace NS] [--features A,B] --out DIR PACKAGE...\n");
  return 2;
}

bool write_if_changed(const std::filesystem::path& path, const std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream old;
    old << in.rdbuf();
    if (old.str() == text) return true;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return bool(out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wasmrun::wit;
  std::string out_dir;
  bindgen::CppOptions options;
  ResolveOptions resolve_options;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--out" || arg == "--namespace" || arg == "--features") && i + 1 < argc) {
      std::string value = argv[++i];
      if (arg == "--out") {
        out_dir = value;
      } else if (arg == "--namespace") {
        options.root_namespace = value;
      } else {
        std::stringstream list(value);
        for (std::string f; std::getline(list, f, ',');) resolve_options.features.push_back(f);
      }
    } else if (!arg.empty() && arg[0] == '-') {
      return usage();
    } else {
      inputs.push_back(arg);
    }
  }
  if (out_dir.empty() || inputs.empty()) return usage();

  std::vector<PackageSources> groups;
  for (const auto& input : inputs) {
    auto sources = read_package(input);
    if (!sources) {
      std::fprintf(stderr, "error: %s\n", sources.error().message.c_str());
      return 1;
    }
    groups.push_back(sources.take());
  }
  Resolve resolve;
  auto ids = resolve_packages(resolve, std::move(groups), resolve_options);
  if (!ids) {
    std::fprintf(stderr, "error: %s\n", ids.error().message.c_str());
    return 1;
  }
  std::vector<PackageId> packages;
  for (const auto& id : *ids) {
    if (id) packages.push_back(*id);
  }
  auto files = bindgen::generate_cpp(resolve, packages, options);
  if (!files) {
    std::fprintf(stderr, "error: %s\n", files.error().message.c_str());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  for (const auto& file : *files) {
    auto path = std::filesystem::path(out_dir) / file.name;
    if (!write_if_changed(path, file.text)) {
      std::fprintf(stderr, "error: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
