// Name resolution (WIT.md "Name resolution", "Item: use", "Item: include"): syntax trees of
// packages → a Resolve with every name bound, resources desugared into functions, and worlds
// elaborated with the interfaces their items depend on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wasmrun/expected.h"
#include "wit/ast.h"
#include "wit/model.h"

namespace wasmrun::wit {

struct ResolveOptions {
  // `@unstable(feature = x)` items are left out unless x is listed here (or all_features).
  std::vector<std::string> features;
  bool all_features = false;
};

// The files of one package: a directory's `.wit` files, or one file. Their top-level items
// belong to the package the files declare with `package ns:name;` (all alike; one suffices);
// `package ns:name { ... }` blocks in them define further packages.
struct PackageSources {
  std::vector<ast::File> files;
};

// Resolves the packages of `groups` together, in whatever order they depend on each other,
// into `resolve` (where earlier packages stay visible). Returns each group's package: none
// for a group made of nested package blocks only.
Expected<std::vector<std::optional<PackageId>>> resolve_packages(Resolve& resolve,
                                                                 std::vector<PackageSources> groups,
                                                                 const ResolveOptions& options = {});

}  // namespace wasmrun::wit
