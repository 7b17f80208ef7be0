// The C++ binding generator (Wasmtime's `bindgen!` is the model): from resolved WIT it writes,
// per package, a header with each interface's types and host interface, and a header of
// canonical-ABI traits for those types.
//
//   <ns>_<pkg>.h         namespace <root>::<ns>::<pkg>::<interface> {
//                          C++ types of the WIT types (records → structs, variants → a struct
//                          over std::variant, enums → enum class, flags → a bit-set struct,
//                          resources → tag structs used as Resource<T> / Borrow<T>),
//                          class Host (one pure virtual method per function, `<res>_drop` per
//                          resource), and add_to_linker(Linker&, Host&), which registers every
//                          function and resource on the linker's instance for the interface }
//   <ns>_<pkg>_traits.h  ComponentTraits specialisations (canonical_abi/typed.h) of those types
#pragma once

#include <string>
#include <vector>

#include "wasmrun/expected.h"
#include "wit/model.h"

namespace wasmrun::wit::bindgen {

struct CppOptions {
  std::string root_namespace = "bindings";
};

struct GeneratedFile {
  std::string name;  // relative to the output directory
  std::string text;
};

// Bindings for every interface of `packages` (and of the packages their interfaces use, which
// the headers include). Fails on WIT the C++ mapping does not cover (async functions, streams,
// futures, maps, flags with more than 32 members).
Expected<std::vector<GeneratedFile>> generate_cpp(const Resolve& resolve, const std::vector<PackageId>& packages,
                                                  const CppOptions& options = {});

}  // namespace wasmrun::wit::bindgen
