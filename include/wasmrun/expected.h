// Errors as values: every fallible operation of wasmrun, public or internal, returns Expected<T>.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace wasmrun {

// A failure with a complete, human-readable message that already says where it happened
// (byte offset, file:line:column, header name, ...).
struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& operator*() { assert(ok()); return std::get<0>(state_); }
  const T& operator*() const { assert(ok()); return std::get<0>(state_); }
  T* operator->() { return &**this; }
  const T* operator->() const { return &**this; }
  T take() { return std::move(**this); }

  const Error& error() const { assert(!ok()); return std::get<1>(state_); }

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
  const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace wasmrun
