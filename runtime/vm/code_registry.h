// Where JIT code lives and which wasm function each range is, so a trap can report a wasm
// backtrace with names from the name section.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasmrun/trap.h"

namespace wasmrun::vm {

struct CodeRange;

// Expands a pc into the wasm frames the JIT inlined there (jit/debug_frames.h).
class InlineResolver {
 public:
  virtual ~InlineResolver() = default;
  // The frames at `pc` inside `range`, innermost first, the last being range's own function;
  // empty when the code says nothing about `pc`.
  virtual std::vector<Frame> frames_at(const CodeRange& range, uintptr_t pc) const = 0;
};

struct CodeRange {
  uintptr_t begin;
  uintptr_t end;
  uint32_t func_index;
  std::string func_name;    // from the name section; empty without an entry
  std::string module_name;  // from the name section; empty without one
  std::shared_ptr<const InlineResolver> inlining = nullptr;  // null: one frame per range

  // "wasm[3]::fib", as in backtraces (and perf maps).
  std::string name() const { return Frame{func_index, func_name, module_name, std::nullopt, false}.name(); }
};

// Registers ranges until unregister_code(token). Not for signal handlers (it locks).
uint64_t register_code(std::vector<CodeRange> ranges);
void unregister_code(uint64_t token);

// The wasm frames at `pc`, innermost first: several when the JIT inlined calls there, none when
// `pc` is not JIT code.
std::vector<Frame> frames_at(uintptr_t pc);

}  // namespace wasmrun::vm
