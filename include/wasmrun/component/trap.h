// A value or a trap (wasmrun::Trap, the one trap type of core and components: the canonical
// ABI's rules have their own TrapCode), as host functions return it and the canonical ABI
// passes it on.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "wasmrun/trap.h"

namespace wasmrun::component {

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
