// Bounds-checked access to a guest's linear memory for WASI host functions. Every pointer a guest
// passes is untrusted: an access outside the memory is reported as Errno::Fault, never performed.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "wasi/preview1/types.h"

namespace wasmrun::wasi::preview1 {

class GuestMemory {
 public:
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  bool contains(uint32_t ptr, uint64_t len) const { return uint64_t(ptr) + len <= size_; }

  // The guest bytes [ptr, ptr + len), or Fault.
  Errno bytes(uint32_t ptr, uint64_t len, std::span<uint8_t>& out) const {
    if (!contains(ptr, len)) return Errno::Fault;
    out = {base_ + ptr, size_t(len)};
    return Errno::Success;
  }
  Errno string(uint32_t ptr, uint32_t len, std::string_view& out) const {
    if (!contains(ptr, len)) return Errno::Fault;
    out = {reinterpret_cast<const char*>(base_ + ptr), len};
    return Errno::Success;
  }

  // Little-endian loads and stores (the host is little-endian, as the JIT already assumes).
  template <class T>
  Errno load(uint32_t ptr, T& out) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!contains(ptr, sizeof(T))) return Errno::Fault;
    std::memcpy(&out, base_ + ptr, sizeof(T));
    return Errno::Success;
  }
  template <class T>
  Errno store(uint32_t ptr, T value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!contains(ptr, sizeof(T))) return Errno::Fault;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return Errno::Success;
  }

  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }

 private:
  uint8_t* base_;
  uint64_t size_;
};

// Propagates a non-success Errno out of the enclosing function.
#define WASI_TRY(expr)                                                                 \
  do {                                                                                 \
    ::wasmrun::wasi::preview1::Errno wasi_try_errno_ = (expr);                         \
    if (wasi_try_errno_ != ::wasmrun::wasi::preview1::Errno::Success) return wasi_try_errno_; \
  } while (0)

}  // namespace wasmrun::wasi::preview1
