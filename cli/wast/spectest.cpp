#include "cli/wast/spectest.h"

#include <cstring>

namespace wasmrun::cli {

using wasm::ValType;

Expected<ExportMap> create_spectest(vm::Store& store) {
  ExportMap exports;
  auto print = [&](const char* name, std::vector<ValType> params) -> Expected<void> {
    auto f = store.create_host_func({params, {}}, [](vm::Caller&, std::span<vm::VMValue>) -> Expected<void> {
      return {};  // the scripts only need the call to succeed
    });
    if (!f) return f.error();
    exports[name] = *f;
    return {};
  };
  for (auto [name, params] : std::initializer_list<std::pair<const char*, std::vector<ValType>>>{
           {"print", {}},
           {"print_i32", {ValType::I32}},
           {"print_i64", {ValType::I64}},
           {"print_f32", {ValType::F32}},
           {"print_f64", {ValType::F64}},
           {"print_i32_f32", {ValType::I32, ValType::F32}},
           {"print_f64_f64", {ValType::F64, ValType::F64}},
       })
    if (auto ok = print(name, params); !ok) return ok.error();

  auto global = [&](const char* name, ValType type, uint64_t bits) {
    vm::GlobalInstance* g = store.create_global({type, false});
    std::memcpy(g->cell, &bits, 8);
    exports[name] = g;
  };
  global("global_i32", ValType::I32, 666);
  global("global_i64", ValType::I64, 666);
  float f32 = 666.6f;
  uint32_t f32_bits;
  std::memcpy(&f32_bits, &f32, 4);
  global("global_f32", ValType::F32, f32_bits);
  double f64 = 666.6;
  uint64_t f64_bits;
  std::memcpy(&f64_bits, &f64, 8);
  global("global_f64", ValType::F64, f64_bits);

  auto table = store.create_table({ValType::FuncRef, {10, 20}}, nullptr);
  if (!table) return table.error();
  exports["table"] = *table;
  auto memory = store.create_memory({{1, 2}});
  if (!memory) return memory.error();
  exports["memory"] = *memory;
  return exports;
}

}  // namespace wasmrun::cli
