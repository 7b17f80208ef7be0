// Every WIT file of the reference material (../shared/wit: WASI 0.2.12 and 0.3.0) parses, and
// each set of packages resolves with all its worlds. Skipped, with a message, when the
// material is absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "wit/loader.h"

using namespace wasmrun::wit;
namespace fs = std::filesystem;

namespace {

std::string shared_wit_dir() {
  const char* env = std::getenv("SHARED_DIR");
  return std::string(env ? env : WASMRUN_SHARED_DIR) + "/wit";
}

// Each sub-directory of `root` is one package; all of them resolve together.
void check_package_set(const fs::path& root, Resolve& r) {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  REQUIRE_FALSE(dirs.empty());
  std::vector<PackageSources> groups;
  size_t files = 0, wit_files = 0;
  for (const auto& dir : dirs) {
    for (const auto& entry : fs::directory_iterator(dir)) wit_files += entry.path().extension() == ".wit";
    auto sources = read_package(dir.string());
    REQUIRE_MESSAGE(sources.ok(), sources.error().message);
    files += sources->files.size();
    groups.push_back(sources.take());
  }
  CHECK(files == wit_files);
  ResolveOptions options;
  options.all_features = true;  // resolve the @unstable items too
  auto ids = resolve_packages(r, std::move(groups), options);
  REQUIRE_MESSAGE(ids.ok(), ids.error().message);
  CHECK(ids->size() == dirs.size());
  CHECK(r.packages.size() == dirs.size());
  for (const auto& world : r.worlds) {
    INFO(r.packages[world.package].name.to_string() << "/" << world.name);
    CHECK(world.imports.size() + world.exports.size() > 0);
  }
  MESSAGE(root.filename().string() << ": " << files << " files, " << r.packages.size() << " packages, "
          << r.interfaces.size() << " interfaces, " << r.worlds.size() << " worlds");
}

std::vector<std::string> keys(const Resolve& r, const std::vector<WorldItem>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(r.item_key(item));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("shared WIT: WASI 0.2.12 parses and resolves; wasi:http/proxy elaborates") {
  fs::path root = fs::path(shared_wit_dir()) / "wasi-0.2.12";
  if (!fs::is_directory(root)) {
    MESSAGE("skipped: no " << root.string() << " (see README: the spec suites)");
    return;
  }
  Resolve r;
  check_package_set(root, r);
  auto http = r.find_package(PackageName{"wasi", "http", parse_version("0.2.12")});
  REQUIRE(http);
  auto proxy = r.find_world(*http, "proxy");
  REQUIRE(proxy);
  // wasi:http/types uses io/error, io/poll, io/streams and clocks/monotonic-clock: the proxy world
  // imports them although it names none of them but monotonic-clock.
  auto imports = keys(r, r.worlds[*proxy].imports);
  for (const char* expected : {"wasi:io/error@0.2.12", "wasi:io/poll@0.2.12", "wasi:io/streams@0.2.12",
                               "wasi:http/types@0.2.12", "wasi:http/outgoing-handler@0.2.12",
                               "wasi:cli/stdout@0.2.12", "wasi:random/random@0.2.12"}) {
    CHECK_MESSAGE(std::find(imports.begin(), imports.end(), expected) != imports.end(), expected);
  }
  CHECK(keys(r, r.worlds[*proxy].exports) == std::vector<std::string>{"wasi:http/incoming-handler@0.2.12"});
}

TEST_CASE("shared WIT: WASI 0.3.0 parses and resolves") {
  fs::path root = fs::path(shared_wit_dir()) / "wasi-0.3.0";
  if (!fs::is_directory(root)) {
    MESSAGE("skipped: no " << root.string() << " (see README: the spec suites)");
    return;
  }
  Resolve r;
  check_package_set(root, r);
  auto http = r.find_package(PackageName{"wasi", "http", parse_version("0.3.0")});
  REQUIRE(http);
  auto service = r.find_world(*http, "service");
  REQUIRE(service);
  auto exports = keys(r, r.worlds[*service].exports);
  CHECK(exports == std::vector<std::string>{"wasi:http/handler@0.3.0"});
}
