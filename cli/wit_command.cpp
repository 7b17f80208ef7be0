// `wasmrun wit PATH [DEP...] [--world NAME]`: prints WIT. PATH is a WIT package (a directory of
// .wit files with its deps/, or one .wit file), DEPs more packages it may use: the package is
// resolved and printed, or with --world that world and every interface it refers to (as
// `wasm-tools component wit` prints them).
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "wit/loader.h"
#include "wit/printer.h"

namespace wasmrun::cli {
namespace {

bool is_wasm_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 0 && magic[1] == 'a' && magic[2] == 's' && magic[3] == 'm';
}

}  // namespace

int wit_command(Args args) {
  constexpr const char* usage = "usage: wasmrun wit PATH [DEP...] [--world NAME]   (a .wit file or a directory of them)";
  std::string path, world;
  std::vector<std::string> deps;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--world" && i + 1 < args.size()) {
      world = std::string(args[++i]);
    } else if (args[i].starts_with("-")) {
      return fail(usage);
    } else if (path.empty()) {
      path = std::string(args[i]);
    } else {
      deps.emplace_back(args[i]);
    }
  }
  if (path.empty()) return fail(usage);
  if (is_wasm_binary(path)) {
    return fail(fmt::format("{}: printing the world of a binary component needs the component decoder, "
                            "which wasmrun does not have yet; give a WIT file or directory", path));
  }
  wit::Resolve resolve;
  auto package = wit::load_path(resolve, path, deps);
  if (!package) return fail(package.error().message);
  if (world.empty()) {
    std::fputs(wit::print_package(resolve, *package).c_str(), stdout);
    return 0;
  }
  auto id = wit::select_world(resolve, *package, world);
  if (!id) return fail(id.error().message);
  std::fputs(wit::print_world(resolve, *id).c_str(), stdout);
  return 0;
}

}  // namespace wasmrun::cli
