#include "runtime/vm/table.h"

#include <algorithm>

#include "runtime/vm/instance.h"

namespace wasmrun::vm {

namespace {
// Tables beyond this many elements are refused: 10 million references (80 MB) is far above real
// programs, and the cap keeps a hostile table.grow from exhausting host memory.
constexpr uint64_t kMaxTableElements = 10'000'000;
}

Table::Table(const wasm::TableType& type, void* init, uint64_t limit)
    : type_(type), limit_(limit), heap_(type.limits.min, init), borrowed_(false), capacity_(0), vm_{heap_.data(), uint32_t(heap_.size())} {}

Table::Table(const wasm::TableType& type, void** storage, uint32_t capacity, uint64_t limit)
    : type_(type), limit_(limit), borrowed_(true), capacity_(capacity), vm_{storage, uint32_t(type.limits.min)} {}

void Table::set_lazy_image(const Instance* owner, const uint32_t* image, uint32_t n) {
  lazy_owner_ = owner;
  lazy_image_ = image;
  lazy_size_ = n;
}

void* Table::resolve(uint32_t i) const {
  if (i >= lazy_size_ || lazy_image_[i] == 0) return nullptr;
  void* ref = lazy_owner_->func_ref(lazy_image_[i] - 1);
  vm_.elements[i] = ref;
  return ref;
}

void Table::resolve_all() {
  for (uint32_t i = 0; i < lazy_size_; ++i)
    if (!vm_.elements[i]) resolve(i);
  lazy_image_ = nullptr;
  lazy_size_ = 0;
}

int64_t Table::grow(uint32_t delta, void* init) {
  uint64_t old = vm_.size;
  uint64_t limit = std::min<uint64_t>(type_.limits.max.value_or(wasm::kMaxTableSize), kMaxTableElements);
  if (borrowed_) limit = std::min<uint64_t>(limit, capacity_);
  if (delta > limit - std::min(limit, old)) return -1;
  if (delta > limit_ - std::min(limit_, old)) {
    limit_refusal_ = "table.grow to " + std::to_string(old + delta) + " elements was refused: the limit is " +
                     std::to_string(limit_) + " elements";
    return -1;
  }
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
