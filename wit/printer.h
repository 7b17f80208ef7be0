// Resolved WIT → WIT text, as `wasm-tools component wit` prints it: the package of a world
// first, then every package whose interfaces the world refers to, each as a
// `package ns:name { ... }` block. `wasmrun wit` prints a component's world with it.
#pragma once

#include <string>

#include "wit/model.h"

namespace wasmrun::wit {

// A world and everything it refers to.
std::string print_world(const Resolve& resolve, WorldId world);

// One package with all its interfaces and worlds.
std::string print_package(const Resolve& resolve, PackageId package);

// How a type is written where `scope` (an interface or world) refers to it: `list<u8>`,
// `borrow<fields>`, `result<_, error-code>`.
std::string print_type(const Resolve& resolve, TypeRef type);

// An identifier, `%`-escaped when it is a WIT keyword.
std::string print_id(const std::string& name);
// `ns:name@version` with `%`-escaped parts.
std::string print_package_name(const PackageName& name);

}  // namespace wasmrun::wit
