// Errors as values: every fallible operation of wasmrun, public or internal, returns Expected<T>.
#pragma once

#if __cplusplus < 202002L
#error "wasmrun's headers need C++20: compile with -std=c++20 (or later)"
#endif

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "wasmrun/trap.h"

namespace wasmrun {

// What kind of failure an Error is, for callers that must act on the difference.
enum class ErrorKind : uint8_t {
  Other,  // bad input (with its location), I/O, a wrong argument, a handle used with the wrong store
  Link,   // instantiation: an import is not defined or has the wrong type
  Trap,   // wasm trapped (core or canonical ABI): Error::trap holds the code, message and frames
  Exit,   // the guest exited (WASI proc_exit, wasi:cli/exit): Error::exit_status() is its status
  // The input is well-formed but uses a feature wasmrun does not implement (a proposal beyond
  // the synchronous component model, such as core GC types or exception tags)
  Unsupported,
};

// A failure with a complete, human-readable message that already says where it happened
// (byte offset, file:line:column, header name, ...).
struct Error {
  std::string message;
  ErrorKind kind = ErrorKind::Other;
  std::optional<Trap> trap{};  // set exactly when kind is Trap or Exit (code TrapCode::Exit)

  // An error carrying `t` (of kind Exit for TrapCode::Exit); its message is the trap's message
  // and backtrace.
  static Error from_trap(Trap t) {
    std::string text = t.to_string();
    ErrorKind kind = t.code == TrapCode::Exit ? ErrorKind::Exit : ErrorKind::Trap;
    return Error{std::move(text), kind, std::move(t)};
  }
  static Error link(std::string message) { return Error{std::move(message), ErrorKind::Link, std::nullopt}; }

  // The status the guest exited with (WASI proc_exit), if this error is such an exit.
  std::optional<uint32_t> exit_status() const {
    if (kind == ErrorKind::Exit && trap) return trap->exit_status;
    return std::nullopt;
  }
};

namespace detail {
// Using the value of a failed Expected (or the error of a successful one) is a bug in the caller;
// it stops the program with the error's message rather than with undefined behaviour.
[[noreturn]] inline void bad_expected_access(const Error* error) {
  if (error) std::fprintf(stderr, "wasmrun: used the value of a failed Expected: %s\n", error->message.c_str());
  else std::fprintf(stderr, "wasmrun: asked a successful Expected for its error\n");
  std::abort();
}
}  // namespace detail

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& operator*() {
    if (!ok()) detail::bad_expected_access(&std::get<1>(state_));
    return std::get<0>(state_);
  }
  const T& operator*() const {
    if (!ok()) detail::bad_expected_access(&std::get<1>(state_));
    return std::get<0>(state_);
  }
  T* operator->() { return &**this; }
  const T* operator->() const { return &**this; }
  // The value, moved out; on an error, prints the error's message and aborts.
  T take() { return std::move(**this); }

  const Error& error() const {
    if (ok()) detail::bad_expected_access(nullptr);
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  // Nothing to take; on an error, prints the error's message and aborts.
  void take() const {
    if (failed_) detail::bad_expected_access(&error_);
  }
  const Error& error() const {
    if (!failed_) detail::bad_expected_access(nullptr);
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace wasmrun
