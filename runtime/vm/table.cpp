#include "runtime/vm/table.h"

#include <algorithm>

namespace wasmrun::vm {

namespace {
// Tables beyond this many elements are refused: 10 million references (80 MB) is far above real
// programs, and the cap keeps a hostile table.grow from exhausting host memory.
constexpr uint64_t kMaxTableElements = 10'000'000;
}

Table::Table(const wasm::TableType& type, void* init)
    : type_(type), heap_(type.limits.min, init), borrowed_(false), capacity_(0), vm_{heap_.data(), uint32_t(heap_.size())} {}

Table::Table(const wasm::TableType& type, void** storage, uint32_t capacity)
    : type_(type), borrowed_(true), capacity_(capacity), vm_{storage, uint32_t(type.limits.min)} {}

int64_t Table::grow(uint32_t delta, void* init) {
  uint64_t old = vm_.size;
  uint64_t limit = std::min<uint64_t>(type_.limits.max.value_or(wasm::kMaxTableSize), kMaxTableElements);
  if (borrowed_) limit = std::min<uint64_t>(limit, capacity_);
  if (delta > limit - std::min(limit, old)) return -1;
  if (!borrowed_) {
    heap_.resize(old + delta, init);
    vm_.elements = heap_.data();
  } else {
    std::fill(vm_.elements + old, vm_.elements + old + delta, init);
  }
  vm_.size = uint32_t(old + delta);
  return int64_t(old);
}

}  // namespace wasmrun::vm
