// Helpers for the WIT tests: resolve in-memory files.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "wit/parser.h"
#include "wit/resolver.h"

namespace wit_test {

// Each inner vector is one package's files, given as (name, text).
inline wasmrun::Expected<std::vector<std::optional<wasmrun::wit::PackageId>>> resolve_texts(
    wasmrun::wit::Resolve& resolve, const std::vector<std::vector<std::pair<std::string, std::string>>>& packages,
    const wasmrun::wit::ResolveOptions& options = {}) {
  std::vector<wasmrun::wit::PackageSources> groups;
  for (const auto& files : packages) {
    wasmrun::wit::PackageSources group;
    for (const auto& [name, text] : files) {
      auto file = wasmrun::wit::parse_text(text, name);
      if (!file) return file.error();
      group.files.push_back(file.take());
    }
    groups.push_back(std::move(group));
  }
  return wasmrun::wit::resolve_packages(resolve, std::move(groups), options);
}

inline std::string resolve_error(const std::vector<std::vector<std::pair<std::string, std::string>>>& packages) {
  wasmrun::wit::Resolve resolve;
  auto result = resolve_texts(resolve, packages);
  return result ? "" : result.error().message;
}

}  // namespace wit_test
