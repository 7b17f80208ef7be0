// The wasi_snapshot_preview1 import module as runtime host functions: each entry is a wasm
// import name, its function type, and a callback bound to one Context. Embedders and the CLI
// create these in a store (vm::Store::create_host_func) or add them to a Linker.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "runtime/vm/store.h"
#include "runtime/wasm/types.h"
#include "wasi/preview1/context.h"

namespace wasmrun::wasi::preview1 {

constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

struct HostFunctionDef {
  std::string_view name;
  wasm::FuncType type;
  vm::HostCallback callback;
};

// Every preview1 function. A call from a module that exports no "memory" traps with a message
// saying so; proc_exit ends the computation with TrapCode::Exit and the guest's status.
std::vector<HostFunctionDef> host_functions(std::shared_ptr<Context> ctx);

}  // namespace wasmrun::wasi::preview1
