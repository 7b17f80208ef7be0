#include "jit/object_compiler.h"

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/Scalar/SROA.h>

#include <atomic>
#include <cstdlib>

namespace wasmrun::jit {

namespace {

// One target machine per thread and opt level: creating one costs more than compiling a small
// module, and they are not safe to share across threads.
Expected<llvm::TargetMachine*> thread_target_machine(const llvm::orc::JITTargetMachineBuilder& builder, int opt_level) {
  thread_local std::unique_ptr<llvm::TargetMachine> machines[4];
  std::unique_ptr<llvm::TargetMachine>& tm = machines[std::clamp(opt_level, 0, 3)];
  if (!tm) {
    llvm::orc::JITTargetMachineBuilder b = builder;
    static constexpr llvm::CodeGenOptLevel kLevels[] = {llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::Less,
                                                        llvm::CodeGenOptLevel::Default,
                                                        llvm::CodeGenOptLevel::Aggressive};
    b.setCodeGenOptLevel(kLevels[std::clamp(opt_level, 0, 3)]);
    auto created = b.createTargetMachine();
    if (!created) return Error{"cannot create the LLVM target machine: " + llvm::toString(created.takeError())};
    tm = std::move(*created);
  }
  return tm.get();
}

void optimize(llvm::Module& module, llvm::TargetMachine* tm, int opt_level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // No loop vectorization: wasm addresses are zext(i32 arithmetic) that may wrap, so LLVM can only
  // vectorize behind runtime checks that clang-built wasm code mostly fails, and the check setup
  // costs in the loops around them (sieve: 103 -> 88 ms; no kernel got slower; see
  // bench/README.md). The SLP vectorizer stays on.
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = false;
  llvm::PassBuilder pb(tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  static const llvm::OptimizationLevel kLevels[] = {llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
                                                    llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  llvm::OptimizationLevel level = kLevels[std::clamp(opt_level, 0, 3)];
  // First locals become SSA values (at -O0 too, which has no pass for it); then the standard
  // pipeline.
  llvm::FunctionPassManager early;
  early.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(early)));
  mpm.addPass(opt_level == 0 ? pb.buildO0DefaultPipeline(level) : pb.buildPerModuleDefaultPipeline(level));
  mpm.run(module, mam);
}

}  // namespace

Expected<void> configure_for_host(llvm::Module& module, const llvm::orc::JITTargetMachineBuilder& builder) {
  auto tm = thread_target_machine(builder, 2);
  if (!tm) return tm.error();
  module.setTargetTriple((*tm)->getTargetTriple().str());
  module.setDataLayout((*tm)->createDataLayout());
  return {};
}

Expected<std::unique_ptr<llvm::MemoryBuffer>> compile_to_object(llvm::Module& module,
                                                                const llvm::orc::JITTargetMachineBuilder& builder,
                                                                int opt_level) {
  std::string problems;
  llvm::raw_string_ostream problems_stream(problems);
  if (llvm::verifyModule(module, &problems_stream)) {
    // For JIT developers: WASMRUN_DUMP_INVALID_IR=1 prints the offending module.
    if (std::getenv("WASMRUN_DUMP_INVALID_IR")) module.print(llvm::errs(), nullptr);
    return Error{"internal error: the JIT produced invalid LLVM IR: " + problems.substr(0, 2000)};
  }
  auto tm = thread_target_machine(builder, opt_level);
  if (!tm) return tm.error();
  optimize(module, *tm, opt_level);
  // For JIT developers: WASMRUN_DUMP_IR=DIR writes every optimized module there, with its object.
  const char* dump_dir = std::getenv("WASMRUN_DUMP_IR");
  static std::atomic<unsigned> dump_counter{0};
  std::string dump_path = dump_dir ? std::string(dump_dir) + "/module" + std::to_string(dump_counter++) : "";
  if (dump_dir) {
    std::error_code ec;
    llvm::raw_fd_ostream dump(dump_path + ".ll", ec);
    if (!ec) module.print(dump, nullptr);
  }

  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream out(object);
  llvm::legacy::PassManager codegen;
  if ((*tm)->addPassesToEmitFile(codegen, out, nullptr, llvm::CodeGenFileType::ObjectFile))
    return Error{"internal error: the target cannot emit object files"};
  codegen.run(module);
  if (dump_dir) {
    std::error_code ec;
    llvm::raw_fd_ostream dump(dump_path + ".o", ec);
    if (!ec) dump.write(object.data(), object.size());
  }
  return llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(object.data(), object.size()),
                                              module.getModuleIdentifier());
}

}  // namespace wasmrun::jit
