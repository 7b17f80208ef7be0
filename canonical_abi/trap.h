// Inside the canonical ABI a trap unwinds as a C++ exception (TrapError) through lifting and
// lowering, which own nothing that needs more than destructors; every entry point of the layer
// catches it and returns the Trap as a value. No exception crosses a callback: callbacks into
// core wasm report traps as values, which the layer rethrows on its side.
#pragma once

#include <string>
#include <type_traits>

#include "wasmrun/component/trap.h"

namespace wasmrun::canon {

using wasmrun::Trap;
using wasmrun::TrapCode;
using component::TrapOr;

struct TrapError {
  Trap trap;
};

[[noreturn]] void raise(TrapCode code, std::string message);
[[noreturn]] inline void raise(Trap trap) { throw TrapError{std::move(trap)}; }

// Runs `body` and turns a trap raised inside into a value.
template <class F>
auto catch_trap(F&& body) -> TrapOr<decltype(body())> {
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      return {};
    } else {
      return body();
    }
  } catch (TrapError& e) {
    return std::move(e.trap);
  }
}

}  // namespace wasmrun::canon
