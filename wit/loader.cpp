#include "wit/loader.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "support/file.h"
#include "wit/parser.h"
#include "wit/try.h"

namespace wasmrun::wit {
namespace fs = std::filesystem;

Expected<ast::File> parse_path(const std::string& path) {
  TRY(bytes, read_file(path));
  auto source = std::make_shared<SourceFile>();
  source->path = path;
  source->text.assign(bytes.begin(), bytes.end());
  return parse_file(std::move(source));
}

Expected<PackageSources> read_package(const std::string& path) {
  PackageSources sources;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    TRY(file, parse_path(path));
    sources.files.push_back(std::move(file));
    return sources;
  }
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.path().extension() == ".wit" && !entry.is_directory()) paths.push_back(entry.path().string());
  }
  if (ec) return Error{fmt::format("{}: {}", path, ec.message())};
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) return Error{fmt::format("{}: no .wit files", path)};
  for (const auto& p : paths) {
    TRY(file, parse_path(p));
    sources.files.push_back(std::move(file));
  }
  return sources;
}

Expected<PackageId> load_path(Resolve& resolve, const std::string& path, const std::vector<std::string>& more_packages,
                              const ResolveOptions& options) {
  std::vector<PackageSources> groups;
  TRY(root, read_package(path));
  groups.push_back(std::move(root));
  std::error_code ec;
  fs::path deps = fs::path(path) / "deps";
  if (fs::is_directory(path, ec) && fs::is_directory(deps, ec)) {
    std::vector<std::string> entries;
    for (const auto& entry : fs::directory_iterator(deps, ec)) {
      if (entry.is_directory() || entry.path().extension() == ".wit") entries.push_back(entry.path().string());
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) {
      TRY(dep, read_package(entry));
      groups.push_back(std::move(dep));
    }
  }
  for (const auto& more : more_packages) {
    TRY(package, read_package(more));
    groups.push_back(std::move(package));
  }
  TRY(mains, resolve_packages(resolve, std::move(groups), options));
  if (!mains[0]) return Error{fmt::format("{}: no `package` declaration", path)};
  return *mains[0];
}

Expected<WorldId> select_world(const Resolve& resolve, PackageId package, const std::string& name) {
  const Package& pkg = resolve.packages[package];
  if (name.empty()) {
    if (pkg.worlds.size() == 1) return pkg.worlds[0].second;
    return Error{fmt::format("package `{}` has {} worlds; name one", pkg.name.to_string(), pkg.worlds.size())};
  }
  size_t slash = name.find('/');
  if (slash == std::string::npos) {
    if (auto id = resolve.find_world(package, name)) return *id;
    return Error{fmt::format("no world `{}` in package `{}`", name, pkg.name.to_string())};
  }
  for (WorldId id = 0; id < resolve.worlds.size(); ++id) {
    const World& w = resolve.worlds[id];
    if (resolve.packages[w.package].name.qualify(w.name) == name) return id;
    // Without a version, `ns:pkg/world` names the world of any version of the package.
    const PackageName& pn = resolve.packages[w.package].name;
    if (pn.ns + ":" + pn.name + "/" + w.name == name) return id;
  }
  return Error{fmt::format("no world `{}`", name)};
}

}  // namespace wasmrun::wit
