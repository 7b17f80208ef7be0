// `wasmrun wit PATH [DEP...] [--world NAME]`: prints WIT, as `wasm-tools component wit` does.
// PATH is a component (binary or text): the world its type implies is printed. Or PATH is a
// WIT package (a directory of .wit files with its deps/, or one .wit file) and DEPs more
// packages it may use: the package is resolved and printed, or with --world that world and
// every interface it refers to.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/component_world.h"
#include "cli/load_binary.h"
#include "runtime/decode/component_decoder.h"
#include "wit/loader.h"
#include "wit/printer.h"

namespace wasmrun::cli {
namespace {

bool is_wit(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) || path.ends_with(".wit");
}

int print_component_world(const std::string& path) {
  auto bytes = load_binary(path);
  if (!bytes) return fail(bytes.error().message);
  if (!component::is_component_binary(*bytes)) return fail(fmt::format("{}: a core module, not a component: it has no world", path));
  auto decoded = component::decode_component(*bytes);
  if (!decoded.component) return fail(fmt::format("{}: {}", path, decoded.error.message));
  wit::Resolve resolve;
  auto world = component_world(*decoded.component->type, resolve);
  if (!world) return fail(fmt::format("{}: {}", path, world.error().message));
  std::fputs(wit::print_world(resolve, *world).c_str(), stdout);
  return 0;
}

}  // namespace

int wit_command(Args args) {
  constexpr const char* usage = "usage: wasmrun wit FILE.wasm, or wasmrun wit PATH [DEP...] [--world NAME]";
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
  if (!is_wit(path)) {
    if (!deps.empty() || !world.empty()) return fail("wit: DEPs and --world are for WIT input, not a component");
    return print_component_world(path);
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
