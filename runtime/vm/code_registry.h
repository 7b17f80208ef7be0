// Where JIT code lives and which wasm function each range is, so a trap can report a wasm
// backtrace with names from the name section.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wasmrun/trap.h"

namespace wasmrun::vm {

struct CodeRange {
  uintptr_t begin;
  uintptr_t end;
  uint32_t func_index;
  std::string func_name;    // from the name section; empty without an entry
  std::string module_name;  // from the name section; empty without one

  // "wasm[3]::fib", as in backtraces (and perf maps).
  std::string name() const { return Frame{func_index, func_name, module_name, std::nullopt, false}.name(); }
};

// Registers ranges until unregister_code(token). Not for signal handlers (it locks).
uint64_t register_code(std::vector<CodeRange> ranges);
void unregister_code(uint64_t token);

// The wasm function containing `pc`, if it is JIT code.
std::optional<Frame> frame_at(uintptr_t pc);

}  // namespace wasmrun::vm
