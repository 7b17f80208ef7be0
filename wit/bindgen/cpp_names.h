// How WIT names become C++ names in generated bindings: kebab-case → snake_case for functions,
// fields and namespaces, → CamelCase for types; C++ keywords get a trailing `_`.
#pragma once

#include <string>

#include "wit/model.h"

namespace wasmrun::wit::bindgen {

std::string snake_name(const std::string& kebab);
std::string camel_name(const std::string& kebab);
// `name` unchanged, or with `_` appended when it is a C++ keyword.
std::string escape_keyword(const std::string& name);

// `wasi::io::streams` for wasi:io/streams@0.2.12 (the version is not part of it).
std::string interface_namespace(const Resolve& resolve, InterfaceId id);
// `wasi_io` for wasi:io@0.2.12: the stem of the package's generated headers.
std::string package_file_stem(const PackageName& name);

}  // namespace wasmrun::wit::bindgen
