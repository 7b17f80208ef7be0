// Traps are precise (core spec §4.4): an instruction traps in program order, with every effect
// before it done and none after it. Our loads and stores trap through the guard region (DESIGN
// §1), which LLVM knows nothing of: it assumes a load cannot trap, so it deletes one whose value
// goes unused (after inlining, folding or dead-store elimination as much as at first), and moves
// loads past branches (those of trap checks too) and stores. The differential fuzzer
// (tests/fuzz/differential/) found each of these. So:
//  - every linear-memory load is volatile: LLVM keeps it, in order with the other volatile
//    accesses and side effects, and moves none across a branch, so none passes a trap check;
//  - a compiler barrier goes around each store to linear memory, globals and tables and after
//    each bulk memory operation, so those stay in order with the loads (LLVM may reorder
//    non-volatile accesses with volatile ones). Trap checks need none: stores and calls do not
//    cross branches. (A barrier there also made callees too costly for LLVM to inline.)
// A barrier is an empty asm that may touch memory: it emits no instruction. What it costs is
// the optimizations it forbids across it (load/store motion and merging, vectorization of
// memory loops), the price Cranelift also pays by treating heap accesses as trapping.
#pragma once

#include <llvm/IR/IRBuilder.h>

namespace wasmrun::jit {

// Inserts a compiler barrier at `b`'s insertion point.
void insert_memory_barrier(llvm::IRBuilderBase& b);

}  // namespace wasmrun::jit
