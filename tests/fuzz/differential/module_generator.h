// A generator of valid WebAssembly 2.0 modules for differential testing, in the spirit of
// wasm-smith: random functions over every 2.0 instruction (SIMD included, from the opcode table),
// blocks, loops and ifs with multi-value types, branches and br_table, direct and indirect calls,
// memory, table, global and bulk operations, and inputs that trap.
//
// Each module is deterministic in its seed, and so is what it computes, so two engines must
// agree on every result, trap and byte of memory:
//  - termination: a fuel global is decremented at every function entry and loop header, and
//    reaching zero traps with `unreachable` (so call depth stays far below any stack limit);
//  - NaN payloads, which the spec leaves nondeterministic (§4.3.3), are canonicalized after
//    every instruction that can produce a NaN, lane by lane for SIMD.
// Exported functions ("e0", ...) are wrappers that refill the fuel and call an internal function
// whose signature JavaScript can call (numbers, no v128 or references).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasmrun::fuzz {

enum class VT : uint8_t { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FuncRef = 0x70, ExternRef = 0x6f };

struct Signature {
  std::vector<VT> params, results;
  bool operator==(const Signature&) const = default;
};

struct GeneratedModule {
  std::vector<uint8_t> bytes;
  struct Export {
    std::string name;
    Signature signature;
  };
  std::vector<Export> functions;                      // callable from the host, all numbers
  std::vector<std::pair<std::string, VT>> globals;    // exported globals, all numbers
  // memory "mem" is always exported
};

// `size` bounds the instructions of each function (about); small sizes make small reproducers.
GeneratedModule generate_module(uint64_t seed, uint32_t size = 200);

const char* to_string(VT type);

}  // namespace wasmrun::fuzz
