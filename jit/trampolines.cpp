#include "jit/trampolines.h"

namespace wasmrun::jit {

namespace {
constexpr unsigned kSlot = 16;  // sizeof(vm::VMValue)
}

void emit_entry_trampoline(ModuleEnv& env, const wasm::FuncType& type, const std::string& name) {
  llvm::FunctionType* fty = llvm::FunctionType::get(env.void_type, {env.ptr, env.ptr, env.ptr, env.ptr}, false);
  llvm::Function* f = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage, name, env.llvm_module);
  f->addFnAttr(llvm::Attribute::NoUnwind);
  f->addFnAttr("frame-pointer", "all");  // keeps the frame chain that trap backtraces follow
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(env.ctx, "entry", f));
  llvm::Value* values = f->getArg(3);
  std::vector<llvm::Value*> args{f->getArg(1), f->getArg(2)};
  for (size_t i = 0; i < type.params.size(); ++i)
    args.push_back(b.CreateAlignedLoad(env.type_of(type.params[i]), b.CreateConstGEP1_64(env.i8, values, i * kSlot),
                                       llvm::Align(kSlot)));
  llvm::CallInst* call = b.CreateCall(env.function_type(type), f->getArg(0), args);
  if (type.results.size() == 1) {
    b.CreateAlignedStore(call, values, llvm::Align(kSlot));
  } else {
    for (unsigned i = 0; i < type.results.size(); ++i)
      b.CreateAlignedStore(b.CreateExtractValue(call, {i}), b.CreateConstGEP1_64(env.i8, values, i * kSlot),
                           llvm::Align(kSlot));
  }
  b.CreateRetVoid();
}

void emit_host_stub(ModuleEnv& env, const wasm::FuncType& type, const std::string& name) {
  llvm::Function* f =
      llvm::Function::Create(env.function_type(type), llvm::GlobalValue::ExternalLinkage, name, env.llvm_module);
  f->addFnAttr(llvm::Attribute::NoUnwind);
  f->addFnAttr("frame-pointer", "all");
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(env.ctx, "entry", f));
  size_t slots = std::max<size_t>({type.params.size(), type.results.size(), 1});
  llvm::AllocaInst* values = b.CreateAlloca(llvm::ArrayType::get(env.i8, slots * kSlot));
  values->setAlignment(llvm::Align(kSlot));
  for (size_t i = 0; i < type.params.size(); ++i)
    b.CreateAlignedStore(f->getArg(unsigned(i + 2)), b.CreateConstGEP1_64(env.i8, values, i * kSlot), llvm::Align(kSlot));
  // The stub's frame address lets a failing host function's trap carry the wasm backtrace.
  llvm::Value* frame = b.CreateCall(
      llvm::Intrinsic::getDeclaration(&env.llvm_module, llvm::Intrinsic::frameaddress, {env.ptr}), {b.getInt32(0)});
  b.CreateCall(env.libcall("wasmrun_host_call"), {f->getArg(0), f->getArg(1), values, frame});
  if (type.results.empty()) {
    b.CreateRetVoid();
    return;
  }
  std::vector<llvm::Value*> results;
  for (size_t i = 0; i < type.results.size(); ++i)
    results.push_back(b.CreateAlignedLoad(env.type_of(type.results[i]), b.CreateConstGEP1_64(env.i8, values, i * kSlot),
                                          llvm::Align(kSlot)));
  if (results.size() == 1) {
    b.CreateRet(results[0]);
    return;
  }
  llvm::Value* agg = llvm::UndefValue::get(env.results_type(type));
  for (unsigned i = 0; i < results.size(); ++i) agg = b.CreateInsertValue(agg, results[i], {i});
  b.CreateRet(agg);
}

}  // namespace wasmrun::jit
