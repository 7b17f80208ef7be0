// Glue between the host and the wasm calling convention, generated per function type:
// entry trampolines (host -> wasm, arguments and results in an array of 16-byte slots) and host
// stubs (wasm -> host: spill arguments to such an array and call wasmrun_host_call with the
// stub's frame address).
#pragma once

#include <string>

#include "jit/module_env.h"

namespace wasmrun::jit {

// void name(ptr code, ptr callee_vmctx, ptr caller_vmctx, ptr values)
void emit_entry_trampoline(ModuleEnv& env, const wasm::FuncType& type, const std::string& name);

// results name(ptr callee_vmctx, ptr caller_vmctx, params...) forwarding to wasmrun_host_call.
void emit_host_stub(ModuleEnv& env, const wasm::FuncType& type, const std::string& name);

}  // namespace wasmrun::jit
