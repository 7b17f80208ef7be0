// WIT from the file system (WIT.md "Package format": a directory of `.wit` files is one
// package; its `deps/` folder holds dependencies, each a `.wit` file or a directory).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wasmrun/expected.h"
#include "wit/ast.h"
#include "wit/model.h"
#include "wit/resolver.h"

namespace wasmrun::wit {

Expected<ast::File> parse_path(const std::string& path);

// The `.wit` files of a directory (in name order), or the one file `path` names.
Expected<PackageSources> read_package(const std::string& path);

// Reads and resolves `path` (a directory or a `.wit` file) with the entries of its `deps/`
// folder and the packages `more_packages` (directories or files) name; returns the package of
// `path`.
Expected<PackageId> load_path(Resolve& resolve, const std::string& path,
                              const std::vector<std::string>& more_packages = {},
                              const ResolveOptions& options = {});

// Chooses the world WIT tooling means (WIT.md "Specifying a world"): `name` in the package,
// `ns:pkg/name[@v]` anywhere, or the package's only world when `name` is empty.
Expected<WorldId> select_world(const Resolve& resolve, PackageId package, const std::string& name);

}  // namespace wasmrun::wit
