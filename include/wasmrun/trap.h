// Traps (core spec §4.4.1, and the canonical ABI's `trap_if`s for components): why a wasm
// computation stopped before it finished, and where. A trap reaches the embedder inside an Error
// (Error::trap), so a caller tells a trap, a guest's exit and a link error apart by looking at
// values (Error::kind), not by parsing messages.
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
  HostError,                 // a host function failed; the message is its message
  Exit,                      // the guest asked to stop with a status (WASI proc_exit, wasi:cli/exit):
                             // not a failure; reported as ErrorKind::Exit
  // A component call broke a rule of the canonical ABI (CanonicalABI.md, every `trap_if`);
  // is_canonical_abi() tells these from core traps.
  CannotEnter,               // reentrance: the callee instance is already on the stack
  CannotLeave,               // the caller may not leave its instance now (realloc, post-return)
  UnalignedPointer,          // a pointer into linear memory is not aligned for its type
  OutOfBounds,               // a pointer + length reaches past the end of linear memory
  ReallocOutOfBounds,        // realloc returned memory beyond the end of linear memory
  ReallocUnaligned,          // realloc returned memory not aligned as asked
  TooLong,                   // a string or list longer than the ABI allows
  InvalidChar,               // a `char` that is a surrogate or above 0x10FFFF
  InvalidString,             // a string that is not valid in its encoding
  InvalidDiscriminant,       // a variant, enum, option or result case index out of range
  UnknownHandle,             // a handle index with no entry
  WrongHandleType,           // a handle of another resource type, or a borrow where an own is needed
  HandleLent,                // dropping or moving an own handle that is lent out
  BorrowsRemain,             // a callee returned without dropping the borrows it was lent
  TableFull,                 // the handle table reached its configured size
  TypeMismatch,              // a host value does not have the component type it is lowered as
  AsyncState,                // a task, waitable set, stream or future built-in used out of order
                             // (CanonicalABI.md's trap_ifs of the component-model-async built-ins)
  AsyncUnsupported,          // needs the component-model-async runtime (a task scheduler: waiting,
                             // yielding, copying across tasks, async calls), which wasmrun lacks
};

constexpr bool is_canonical_abi(TrapCode code) { return code >= TrapCode::CannotEnter; }

// A trap code's message: for core traps worded as the spec interpreter words them (what the
// spec tests expect); for the canonical ABI's, the rule's name (a trap's message says more).
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
    case TrapCode::CannotEnter: return "cannot enter component instance";
    case TrapCode::CannotLeave: return "cannot leave component instance";
    case TrapCode::UnalignedPointer: return "unaligned pointer";
    case TrapCode::OutOfBounds: return "out of bounds";
    case TrapCode::ReallocOutOfBounds: return "realloc out of bounds";
    case TrapCode::ReallocUnaligned: return "realloc unaligned";
    case TrapCode::TooLong: return "too long";
    case TrapCode::InvalidChar: return "invalid char";
    case TrapCode::InvalidString: return "invalid string";
    case TrapCode::InvalidDiscriminant: return "invalid discriminant";
    case TrapCode::UnknownHandle: return "unknown handle";
    case TrapCode::WrongHandleType: return "wrong handle type";
    case TrapCode::HandleLent: return "handle lent";
    case TrapCode::BorrowsRemain: return "borrows remain";
    case TrapCode::TableFull: return "table full";
    case TrapCode::TypeMismatch: return "type mismatch";
    case TrapCode::AsyncState: return "invalid async state";
    case TrapCode::AsyncUnsupported: return "the component-model-async runtime is not supported";
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

// The one trap type of core modules and components: what stopped the guest (`code`), a message,
// and the wasm frames on the stack when core wasm trapped.
struct Trap {
  TrapCode code = TrapCode::Unreachable;
  // One line: to_string(code), a detail for some codes ("uninitialized element 3"), a host
  // error's own message, "exit with status N", or the canonical ABI rule broken, worded as
  // Wasmtime words it ("string content out-of-bounds").
  std::string message;
  std::vector<Frame> frames{};  // innermost first; empty when no wasm code was on the stack
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
