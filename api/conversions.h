// Conversions between the embedding API's types and the runtime's.
#pragma once

#include "runtime/vm/store.h"
#include "wasmrun/externs.h"
#include "wasmrun/module.h"

namespace wasmrun::api {

ValType from_wasm(wasm::ValType t);
wasm::ValType to_wasm(ValType t);
FuncType from_wasm(const wasm::FuncType& t);
wasm::FuncType to_wasm(const FuncType& t);
ExternKind from_wasm(wasm::ExternKind k);
Extern from_vm(const vm::Extern& e, const detail::StoreRef& store);
const detail::StoreRef& store_of(const Extern& e);
// "function", "memory", "table" or "global".
const char* describe(const Extern& e);
vm::Extern to_vm(const Extern& e);

}  // namespace wasmrun::api
