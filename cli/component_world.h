// The world a component's type implies, as resolved WIT (what `wasm-tools component wit` and
// `jco wit` print): package `root:component`, world `root`, an interface per instance import or
// export named like `wasi:io/streams@0.2.0`, inline interfaces for other instances, functions
// and types for the rest.
#pragma once

#include "runtime/component/types.h"
#include "wasmrun/expected.h"
#include "wit/model.h"

namespace wasmrun::cli {

Expected<wit::WorldId> component_world(const component::ComponentType& type, wit::Resolve& resolve);

}  // namespace wasmrun::cli
