#include "api/conversions.h"

namespace wasmrun::api {

ValType from_wasm(wasm::ValType t) {
  switch (t) {
    case wasm::ValType::I32: return ValType::I32;
    case wasm::ValType::I64: return ValType::I64;
    case wasm::ValType::F32: return ValType::F32;
    case wasm::ValType::F64: return ValType::F64;
    case wasm::ValType::V128: return ValType::V128;
    case wasm::ValType::FuncRef: return ValType::FuncRef;
    case wasm::ValType::ExternRef: return ValType::ExternRef;
  }
  return ValType::I32;
}

wasm::ValType to_wasm(ValType t) {
  switch (t) {
    case ValType::I32: return wasm::ValType::I32;
    case ValType::I64: return wasm::ValType::I64;
    case ValType::F32: return wasm::ValType::F32;
    case ValType::F64: return wasm::ValType::F64;
    case ValType::V128: return wasm::ValType::V128;
    case ValType::FuncRef: return wasm::ValType::FuncRef;
    case ValType::ExternRef: return wasm::ValType::ExternRef;
  }
  return wasm::ValType::I32;
}

FuncType from_wasm(const wasm::FuncType& t) {
  FuncType out;
  for (wasm::ValType p : t.params) out.params.push_back(from_wasm(p));
  for (wasm::ValType r : t.results) out.results.push_back(from_wasm(r));
  return out;
}

wasm::FuncType to_wasm(const FuncType& t) {
  wasm::FuncType out;
  for (ValType p : t.params) out.params.push_back(to_wasm(p));
  for (ValType r : t.results) out.results.push_back(to_wasm(r));
  return out;
}

ExternKind from_wasm(wasm::ExternKind k) {
  switch (k) {
    case wasm::ExternKind::Func: return ExternKind::Func;
    case wasm::ExternKind::Table: return ExternKind::Table;
    case wasm::ExternKind::Memory: return ExternKind::Memory;
    case wasm::ExternKind::Global: return ExternKind::Global;
  }
  return ExternKind::Func;
}

Extern from_vm(const vm::Extern& e, const detail::StoreRef& store) {
  return std::visit(
      [&](auto* p) -> Extern {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, vm::FuncInstance>) return Func(store, p);
        else if constexpr (std::is_same_v<T, vm::Table>) return Table(store, p);
        else if constexpr (std::is_same_v<T, vm::LinearMemory>) return Memory(store, p);
        else return Global(store, p);
      },
      e);
}

const detail::StoreRef& store_of(const Extern& e) {
  return std::visit([](const auto& handle) -> const detail::StoreRef& { return handle.store_ref(); }, e);
}

const char* describe(const Extern& e) {
  static constexpr const char* kNames[] = {"function", "memory", "table", "global"};
  return kNames[e.index()];
}

vm::Extern to_vm(const Extern& e) {
  return std::visit([](const auto& handle) -> vm::Extern { return handle.impl(); }, e);
}

}  // namespace wasmrun::api
