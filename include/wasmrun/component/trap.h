// Traps of the canonical ABI (CanonicalABI.md: every `trap_if`), as values: a kind a caller can
// tell apart and the message, worded as Wasmtime words it where its component tests expect one.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "wasmrun/trap.h"

namespace wasmrun::component {

enum class TrapKind : uint8_t {
  CoreTrap,             // a core function (callee, realloc, post-return, destructor) trapped
  CannotEnter,          // reentrance: the callee instance is already on the stack
  CannotLeave,          // the caller may not leave its instance now (realloc, post-return)
  UnalignedPointer,     // a pointer into linear memory is not aligned for its type
  OutOfBounds,          // a pointer + length reaches past the end of linear memory
  ReallocOutOfBounds,   // realloc returned memory beyond the end of linear memory
  ReallocUnaligned,     // realloc returned memory not aligned as asked
  TooLong,              // a string or list longer than the ABI allows
  InvalidChar,          // a `char` that is a surrogate or above 0x10FFFF
  InvalidString,        // a string that is not valid in its encoding
  InvalidDiscriminant,  // a variant, enum, option or result case index out of range
  UnknownHandle,        // a handle index with no entry
  WrongHandleType,      // a handle of another resource type, or a borrow where an own is needed
  HandleLent,           // dropping or moving an own handle that is lent out
  BorrowsRemain,        // a callee returned without dropping the borrows it was lent
  TableFull,            // the handle table reached its configured size
  TypeMismatch,         // a host value does not have the component type it is lowered as
};

const char* to_string(TrapKind kind);

struct Trap {
  TrapKind kind;
  std::string message;
  // For CoreTrap, when core wasm trapped or exited: its code, frames and exit status, which the
  // public API reports (wasmrun::Trap).
  std::optional<wasmrun::Trap> core{};
};

// A value or a trap.
template <class T>
class [[nodiscard]] TrapOr {
 public:
  TrapOr(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  TrapOr(Trap trap) : state_(std::in_place_index<1>, std::move(trap)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { assert(ok()); return std::get<0>(state_); }
  const T& operator*() const { assert(ok()); return std::get<0>(state_); }
  T* operator->() { return &**this; }
  const T* operator->() const { return &**this; }
  T take() { return std::move(**this); }
  const Trap& trap() const { assert(!ok()); return std::get<1>(state_); }
  Trap take_trap() { assert(!ok()); return std::move(std::get<1>(state_)); }

 private:
  std::variant<T, Trap> state_;
};

template <>
class [[nodiscard]] TrapOr<void> {
 public:
  TrapOr() = default;
  TrapOr(Trap trap) : trap_(std::move(trap)) {}

  bool ok() const { return !trap_; }
  explicit operator bool() const { return ok(); }
  const Trap& trap() const { assert(trap_); return *trap_; }
  Trap take_trap() { assert(trap_); return std::move(*trap_); }

 private:
  std::optional<Trap> trap_;
};

}  // namespace wasmrun::component
