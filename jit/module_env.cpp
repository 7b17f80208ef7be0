#include "jit/module_env.h"

#include <fmt/format.h>

namespace wasmrun::jit {

std::string function_symbol(uint32_t func_index) { return fmt::format("w{}", func_index); }
std::string trampoline_symbol(uint32_t type_index) { return fmt::format("e{}", type_index); }

ModuleEnv::ModuleEnv(llvm::LLVMContext& c, llvm::Module& m, const wasm::Module& w, const vm::CompileOptions& o)
    : ctx(c), llvm_module(m), wasm(w), options(o), debug(m) {
  i8 = llvm::Type::getInt8Ty(ctx);
  i32 = llvm::Type::getInt32Ty(ctx);
  i64 = llvm::Type::getInt64Ty(ctx);
  f32 = llvm::Type::getFloatTy(ctx);
  f64 = llvm::Type::getDoubleTy(ctx);
  v128 = llvm::FixedVectorType::get(i32, 4);
  ptr = llvm::PointerType::get(ctx, 0);
  void_type = llvm::Type::getVoidTy(ctx);
  functions_.resize(w.func_types.size(), nullptr);
}

llvm::Type* ModuleEnv::type_of(wasm::ValType t) const {
  switch (t) {
    case wasm::ValType::I32: return i32;
    case wasm::ValType::I64: return i64;
    case wasm::ValType::F32: return f32;
    case wasm::ValType::F64: return f64;
    case wasm::ValType::V128: return v128;
    case wasm::ValType::FuncRef:
    case wasm::ValType::ExternRef: return ptr;
  }
  return i32;
}

llvm::Type* ModuleEnv::results_type(const wasm::FuncType& t) const {
  if (t.results.empty()) return void_type;
  if (t.results.size() == 1) return type_of(t.results[0]);
  std::vector<llvm::Type*> fields;
  for (wasm::ValType r : t.results) fields.push_back(type_of(r));
  return llvm::StructType::get(ctx, fields);
}

llvm::FunctionType* ModuleEnv::function_type(const wasm::FuncType& t) const {
  std::vector<llvm::Type*> params{ptr, ptr};
  for (wasm::ValType p : t.params) params.push_back(type_of(p));
  return llvm::FunctionType::get(results_type(t), params, false);
}

llvm::Function* ModuleEnv::function(uint32_t func_index) {
  llvm::Function*& f = functions_[func_index];
  if (!f) {
    f = llvm::Function::Create(function_type(wasm.func_type(func_index)), llvm::GlobalValue::ExternalLinkage,
                               function_symbol(func_index), llvm_module);
    f->addFnAttr(llvm::Attribute::NoUnwind);
  }
  return f;
}

llvm::FunctionCallee ModuleEnv::libcall(const char* name) {
  using llvm::FunctionType;
  llvm::FunctionType* type = nullptr;
  std::string_view n = name;
  if (n == "wasmrun_trap" || n == "wasmrun_trap_uninitialized_element")
    type = FunctionType::get(void_type, {i32, ptr}, false);
  else if (n == "wasmrun_memory_grow") type = FunctionType::get(i32, {ptr, i32, i32}, false);
  else if (n == "wasmrun_memory_init") type = FunctionType::get(void_type, {ptr, i32, i32, i32, i32, i32}, false);
  else if (n == "wasmrun_data_drop" || n == "wasmrun_elem_drop") type = FunctionType::get(void_type, {ptr, i32}, false);
  else if (n == "wasmrun_table_grow") type = FunctionType::get(i32, {ptr, i32, ptr, i32}, false);
  else if (n == "wasmrun_table_fill") type = FunctionType::get(void_type, {ptr, i32, i32, ptr, i32}, false);
  else if (n == "wasmrun_table_copy" || n == "wasmrun_table_init")
    type = FunctionType::get(void_type, {ptr, i32, i32, i32, i32, i32}, false);
  else if (n == "wasmrun_ref_func") type = FunctionType::get(ptr, {ptr, i32}, false);
  else if (n == "wasmrun_table_lazy_get") type = FunctionType::get(ptr, {ptr, i32, i32}, false);
  else if (n == "wasmrun_table_set_null") type = FunctionType::get(void_type, {ptr, i32, i32}, false);
  else if (n == "wasmrun_epoch_reached") type = FunctionType::get(void_type, {ptr, ptr}, false);
  else if (n == "wasmrun_host_call") type = FunctionType::get(void_type, {ptr, ptr, ptr, ptr}, false);
  llvm::FunctionCallee callee = llvm_module.getOrInsertFunction(name, type);
  if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    f->addFnAttr(llvm::Attribute::NoUnwind);
    if (n == "wasmrun_trap" || n == "wasmrun_trap_uninitialized_element") {
      f->addFnAttr(llvm::Attribute::NoReturn);
      f->addFnAttr(llvm::Attribute::Cold);
    }
  }
  return callee;
}

}  // namespace wasmrun::jit
