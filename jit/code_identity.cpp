#include "jit/code_identity.h"

#include <fmt/format.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>

#include <set>
#include <sstream>

#include "jit/code_version.h"
#include "wasmrun/version.h"

namespace wasmrun::jit {

namespace {

std::set<std::string> enabled_features(const std::string& features) {
  std::set<std::string> enabled;
  std::istringstream in(features);
  for (std::string f; std::getline(in, f, ',');)
    if (f.size() > 1 && f[0] == '+') enabled.insert(f.substr(1));
  return enabled;
}

}  // namespace

CodeIdentity host_identity(const llvm::orc::JITTargetMachineBuilder& builder) {
  return CodeIdentity{kVersion,
                      kCodeGeneratorSourceHash,
                      LLVM_VERSION_STRING,
                      builder.getTargetTriple().str(),
                      builder.getCPU(),
                      builder.getFeatures().getString()};
}

std::string incompatibility(const CodeIdentity& made, const CodeIdentity& host) {
  if (made.wasmrun_version != host.wasmrun_version || made.llvm_version != host.llvm_version)
    return fmt::format("it was compiled by wasmrun {} (LLVM {}); this is wasmrun {} (LLVM {})", made.wasmrun_version,
                       made.llvm_version, host.wasmrun_version, host.llvm_version);
  if (made.source_hash != host.source_hash)
    return fmt::format("it was compiled by a build of wasmrun {} with other JIT sources ({}; this one has {})",
                       made.wasmrun_version, made.source_hash, host.source_hash);
  if (made.triple != host.triple)
    return fmt::format("it was compiled for {}; this host is {}", made.triple, host.triple);
  if (made.cpu != host.cpu || made.features != host.features) {
    std::set<std::string> have = enabled_features(host.features);
    std::string missing;
    for (const std::string& f : enabled_features(made.features))
      if (!have.count(f)) missing += (missing.empty() ? "" : ", ") + f;
    return fmt::format("it was compiled for CPU '{}'; this host is '{}'{}", made.cpu, host.cpu,
                       missing.empty() ? " with other CPU features" : ", which lacks " + missing);
  }
  return "";
}

}  // namespace wasmrun::jit
