// What makes machine code valid only where it was made: the wasmrun version and the JIT's
// sources, the LLVM version, the target and its CPU features. Artifacts carry it in their header
// and cache keys include it, so code from another build or for another CPU is never run.
#pragma once

#include <string>

namespace llvm::orc {
class JITTargetMachineBuilder;
}

namespace wasmrun::jit {

struct CodeIdentity {
  std::string wasmrun_version;  // "0.1.0"
  std::string source_hash;      // of the JIT's sources (jit/code_version.h): tells development builds apart
  std::string llvm_version;     // "19.1.7"
  std::string triple;           // "x86_64-pc-linux-gnu"
  std::string cpu;              // "znver3"
  std::string features;         // "+avx2,+bmi,..." as LLVM's subtarget features

  bool operator==(const CodeIdentity&) const = default;
};

CodeIdentity host_identity(const llvm::orc::JITTargetMachineBuilder& builder);

// Why code made for `made` cannot run on `host`, in a sentence; empty when it can.
std::string incompatibility(const CodeIdentity& made, const CodeIdentity& host);

}  // namespace wasmrun::jit
