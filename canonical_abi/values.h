// Lifting and lowering of dynamic component values (CanonicalABI.md "Loading", "Storing",
// "Flat Lifting", "Flat Lowering"), driven by the value type. All raise TrapError.
#pragma once

#include <bit>
#include <cmath>
#include <span>

#include "canonical_abi/context.h"
#include "wasmrun/component/val.h"

namespace wasmrun::canon {

using component::Val;

// Flat values are read in order (CoreValueIter). Values of 32-bit types are read from the low
// 32 bits, which makes the spec's coercions of joined variant payloads (i64 -> i32, i32 -> f32,
// ...) plain reads.
struct FlatReader {
  std::span<const FlatValue> values;
  size_t next_index = 0;
  FlatValue next() { return values[next_index++]; }
};

// Flat values are appended in order. i32 values are stored zero-extended, f32 as their bits.
struct FlatWriter {
  std::span<FlatValue> values;
  size_t count = 0;
  void push(FlatValue v) { values[count++] = v; }
};

Val load(Cx& cx, uint32_t ptr, const ValueType& t);
void store(Cx& cx, const Val& v, const ValueType& t, uint32_t ptr);
Val lift_flat(Cx& cx, FlatReader& in, const ValueType& t);
void lower_flat(Cx& cx, const Val& v, const ValueType& t, FlatWriter& out);

// Scalars shared with the typed path. NaNs cross the ABI as the canonical NaN (the
// deterministic profile of canonicalize_nan and maybe_scramble_nan).
inline uint32_t canonical_f32_bits(uint32_t bits) {
  return std::isnan(std::bit_cast<float>(bits)) ? 0x7fc00000u : bits;
}
inline uint64_t canonical_f64_bits(uint64_t bits) {
  return std::isnan(std::bit_cast<double>(bits)) ? 0x7ff8000000000000ull : bits;
}
char32_t to_char(uint32_t i);  // traps on surrogates and values above 0x10FFFF
// Worded as Wasmtime words it: its adapters' message between components, its host's (with the
// index and the range) when the host lifts the value.
[[noreturn]] void invalid_discriminant(const Cx& cx, uint32_t index, size_t case_count);

// Values and types for messages.
std::string describe(const ValueType& t);

}  // namespace wasmrun::canon
