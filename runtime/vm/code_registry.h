// Where JIT code lives and which wasm function each range is, so a trap can report a wasm
// backtrace with names from the name section.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmrun::vm {

struct CodeRange {
  uintptr_t begin;
  uintptr_t end;
  std::string name;  // "wasm[3]::fib", or "wasm[3]" without a name section entry
};

// Registers ranges until unregister_code(token). Not for signal handlers (it locks).
uint64_t register_code(std::vector<CodeRange> ranges);
void unregister_code(uint64_t token);

// The name of the wasm function containing `pc`, if it is JIT code.
std::optional<std::string> function_at(uintptr_t pc);

}  // namespace wasmrun::vm
