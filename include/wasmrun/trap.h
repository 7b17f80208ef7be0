// Traps (core spec §4.4.1): why a wasm computation stopped before it finished, and where. A trap
// reaches the embedder inside an Error (Error::trap), so a caller tells a trap, a guest's exit and
// a link error apart by looking at values, not by parsing messages.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace wasmrun {

enum class TrapCode : uint8_t {
  Unreachable,               // `unreachable` executed
  MemoryOutOfBounds,         // a load, store or bulk memory operation outside the memory
  TableOutOfBounds,          // a table access or bulk table operation outside the table
  IntegerDivideByZero,
  IntegerOverflow,           // INT_MIN / -1, or a float-to-int conversion out of range
  InvalidConversion,         // a NaN converted to an integer
  UndefinedElement,          // call_indirect past the end of the table
  UninitializedElement,      // call_indirect through a null element
  IndirectCallTypeMismatch,  // call_indirect to a function of another type
  StackOverflow,             // the call stack exceeded Config::max_wasm_stack
  Interrupted,               // the store's epoch deadline was reached
  NullReference,
  HostError,                 // a host function returned an Error; the message is its message
  Exit,                      // the guest asked to stop with a status (WASI proc_exit): not a failure
  CanonicalAbi,              // a component call broke a rule of the canonical ABI (a bad pointer,
                             // string or handle, reentrance, a value of the wrong type, ...)
};

// A trap code's message, worded as the spec interpreter words it (what the spec tests expect).
constexpr const char* to_string(TrapCode code) {
  switch (code) {
    case TrapCode::Unreachable: return "unreachable";
    case TrapCode::MemoryOutOfBounds: return "out of bounds memory access";
    case TrapCode::TableOutOfBounds: return "out of bounds table access";
    case TrapCode::IntegerDivideByZero: return "integer divide by zero";
    case TrapCode::IntegerOverflow: return "integer overflow";
    case TrapCode::InvalidConversion: return "invalid conversion to integer";
    case TrapCode::UndefinedElement: return "undefined element";
    case TrapCode::UninitializedElement: return "uninitialized element";
    case TrapCode::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapCode::StackOverflow: return "call stack exhausted";
    case TrapCode::Interrupted: return "interrupted: the epoch deadline was reached";
    case TrapCode::NullReference: return "null reference";
    case TrapCode::HostError: return "host function failed";
    case TrapCode::Exit: return "exit";
    case TrapCode::CanonicalAbi: return "canonical ABI violation";
  }
  return "trap";
}

// One wasm function on the stack when the trap happened.
struct Frame {
  uint32_t func_index = 0;  // in the module's function index space (imports first)
  std::string func_name;    // from the module's name section; empty without one
  std::string module_name;  // from the module's name section; empty without one
  // Byte offset in the module binary of the instruction that trapped (innermost frame) or of
  // the call it was executing (outer frames); absent where the machine code has no location
  // (a function's prologue may share its first instruction's). Traps that share one trap path
  // within a function report the offset of the first instruction that took it.
  std::optional<uint32_t> module_offset;
  // The JIT inlined this function into the next frame's code; the frame is reported all the same.
  bool inlined = false;

  // "wasm[3]::fib", with the module's name first when it has one.
  std::string name() const {
    std::string s = module_name.empty() ? "wasm" : module_name;
    s += "[" + std::to_string(func_index) + "]";
    if (!func_name.empty()) s += "::" + func_name;
    return s;
  }
};

struct Trap {
  TrapCode code = TrapCode::Unreachable;
  // One line: to_string(code), a detail for some codes ("uninitialized element 3"), a host
  // error's own message, or "exit with status N".
  std::string message;
  std::vector<Frame> frames;  // innermost first; empty when no wasm code was on the stack
  uint32_t exit_status = 0;   // for TrapCode::Exit

  // The message followed by the backtrace, one frame per line, as Wasmtime prints them:
  //   integer divide by zero
  //   wasm backtrace:
  //       0:   0x4d - wasm[2]::divide
  //       1: wasm[3]::run
  std::string to_string() const {
    std::string s = message;
    if (frames.empty()) return s;
    s += "\nwasm backtrace:";
    for (size_t i = 0; i < frames.size(); ++i) {
      s += "\n    " + std::to_string(i) + ": ";
      if (const auto& offset = frames[i].module_offset) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%#6x", unsigned(*offset));
        s += std::string(hex) + " - ";
      }
      s += frames[i].name();
      if (frames[i].inlined) s += " (inlined)";
    }
    return s;
  }
};

}  // namespace wasmrun
