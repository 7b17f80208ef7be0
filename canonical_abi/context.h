// What lifting and lowering work on (CanonicalABI.md "Canonical ABI Options", "Lifting and
// Lowering Context"): the options of one `canon lift` or `canon lower` — linear memory, realloc,
// post-return, string encoding — and the state of the instance whose memory and handles are used.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "canonical_abi/instance.h"
#include "canonical_abi/layout.h"
#include "canonical_abi/trap.h"

namespace wasmrun::canon {

// One flat core value: an i32 zero-extended, an i64, or the bits of an f32 (low 32) or f64.
using FlatValue = uint64_t;

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };

struct GuestMemory {
  uint8_t* base = nullptr;
  uint64_t size = 0;
};

struct CanonOptions {
  StringEncoding string_encoding = StringEncoding::Utf8;
  // The `memory` option: where the memory is now. Called again after every realloc, which may
  // grow it. Empty when the function has no memory option.
  std::function<GuestMemory()> memory;
  // realloc(old_ptr, old_size, alignment, new_size) -> ptr; a core trap comes back as a Trap.
  std::function<TrapOr<uint32_t>(uint32_t, uint32_t, uint32_t, uint32_t)> realloc;
  // post-return, given the callee's flat results.
  std::function<TrapOr<void>(std::span<const FlatValue>)> post_return;
  // The `async` option: a function lifted with it runs as an async task, which needs the
  // component-model-async runtime (canon_lift traps AsyncUnsupported).
  bool async = false;
};

// One lifting or lowering in progress (LiftLowerContext).
class Cx {
 public:
  Cx(const CanonOptions& opts, Instance& inst) : opts(opts), inst(inst) { refresh_memory(); }

  const CanonOptions& opts;
  Instance& inst;
  // Lowering into a callee: the call that borrows lowered here belong to (Task).
  CallScope* borrow_scope = nullptr;
  // Lifting out of a caller: the handles lent to the call, returned when it ends (Subtask).
  std::vector<uint32_t>* lenders = nullptr;
  // The other side of the call is the host, not a component: traps take Wasmtime's wording for
  // host-side lifting ("string pointer/length out of bounds of memory") rather than its
  // adapters' ("string content out-of-bounds").
  bool host_peer = false;
  GuestMemory mem;
  // Strings decoded from utf16 or latin1 for std::string_view arguments of a typed host
  // function; they live as long as the call (this context).
  std::vector<std::unique_ptr<std::string>> decoded_strings;

  void refresh_memory() {
    if (opts.memory) mem = opts.memory();
  }

  uint8_t* at(uint32_t ptr) { return mem.base + ptr; }
  bool in_bounds(uint64_t ptr, uint64_t length) const { return ptr + length <= mem.size; }

  // Calls realloc with may_leave cleared and checks its result as every caller in the spec
  // does: aligned, and `new_size` bytes in bounds. `what` names the value for the message.
  enum class What : uint8_t { String, List, Value };
  uint32_t reallocate(uint32_t old_ptr, uint32_t old_size, uint32_t alignment, uint32_t new_size, What what);
  uint32_t allocate(uint32_t alignment, uint32_t size, What what) { return reallocate(0, 0, alignment, size, what); }

  // Traps for a pointer read from core values or memory that is misaligned or out of bounds.
  void check_pointer(uint64_t ptr, uint32_t alignment, uint64_t length, What what);
};

template <class T>
T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // wasm memory is little-endian, as is every host we build for
  return v;
}

template <class T>
void store_le(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace wasmrun::canon
