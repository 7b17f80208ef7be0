// What translating a function costs follows its code, not its declarations (issue 15, point 3):
// a function that declares 50,000 locals and uses two gets slots for those two, counted in the
// IR before optimization (which would remove unused slots, but only after paying for them).
#include <doctest/doctest.h>

#include <llvm/IR/Instructions.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "jit/function_translator.h"
#include "tests/jit/jit_test_support.h"
#include "runtime/decode/module_decoder.h"

using namespace wasmrun;

TEST_CASE("locals get their slot when first used, not when declared") {
  auto bytes = test::wat(R"((module
    (func (export "f") (param i32) (result i32)
      (local i64 i64) (local i32 f64 v128) (local i32 i32 i32)
      (local $many i32) (local f32 f32 f32 f32 f32 f32 f32 f32)
      (local.set $many (local.get 0))
      (local.get $many))))");
  // 49,990 more i32 locals, declared in one run of the function's locals vector.
  auto module = wasm::decode_module(bytes);
  REQUIRE(module);
  module->bodies[0].locals.push_back({49'990, wasm::ValType::I32});
  llvm::LLVMContext ctx;
  llvm::Module llvm_module("test", ctx);
  jit::ModuleEnv env(ctx, llvm_module, *module, {});
  jit::FunctionTranslator(env, 0).translate();
  size_t slots = 0;
  for (llvm::Function& f : llvm_module)
    for (llvm::BasicBlock& b : f)
      for (llvm::Instruction& i : b) slots += llvm::isa<llvm::AllocaInst>(i);
  CHECK(slots == 2);  // the parameter and $many
}
