// Turns one LLVM module into a relocatable object: verify, optimize (new pass manager, -O level
// from the engine), emit machine code. Runs on worker threads, one target machine per thread.
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>

#include <memory>

#include "wasmrun/expected.h"

namespace llvm::orc {
class JITTargetMachineBuilder;
}

namespace wasmrun::jit {

// Prepares `module` for the host target (triple and data layout) before translation.
Expected<void> configure_for_host(llvm::Module& module, const llvm::orc::JITTargetMachineBuilder& builder);

Expected<std::unique_ptr<llvm::MemoryBuffer>> compile_to_object(llvm::Module& module,
                                                                const llvm::orc::JITTargetMachineBuilder& builder,
                                                                int opt_level);

}  // namespace wasmrun::jit
