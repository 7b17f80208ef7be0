// Evaluation of validated constant expressions (core spec §3.3.10, §4.4.10) against an instance.
#pragma once

#include <cstring>
#include <optional>

#include "runtime/vm/instance.h"

namespace wasmrun::vm {

VMValue eval_const(const Instance& inst, const wasm::ConstExpr& e);

// The value of `e` when it is a lone i32.const, known before any instance exists.
std::optional<uint32_t> constant_i32(const wasm::Module& m, const wasm::ConstExpr& e);

// The value of `e` when it needs no instance (a lone numeric or vector constant, or ref.null).
std::optional<VMValue> constant_value(const wasm::Module& m, const wasm::ConstExpr& e);

inline void* ref_of(const VMValue& v) {
  void* p;
  std::memcpy(&p, v.bytes, sizeof p);
  return p;
}

// The reference stored at element `k` of element segment `segment`.
void* elem_ref(const Instance& inst, const wasm::ElemSegment& segment, uint32_t k);

}  // namespace wasmrun::vm
