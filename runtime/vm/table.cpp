#include "runtime/vm/table.h"

namespace wasmrun::vm {

namespace {
// Tables beyond this many elements are refused: 10 million references (80 MB) is far above real
// programs, and the cap keeps a hostile table.grow from exhausting host memory.
constexpr uint64_t kMaxTableElements = 10'000'000;
}

Table::Table(const wasm::TableType& type, void* init, uint64_t limit)
    : type_(type), limit_(limit), elements_(type.limits.min, init) {
  sync();
}

int64_t Table::grow(uint32_t delta, void* init) {
  uint64_t old = elements_.size();
  uint64_t limit = std::min<uint64_t>(type_.limits.max.value_or(wasm::kMaxTableSize), kMaxTableElements);
  if (delta > limit - std::min(limit, old)) return -1;
  if (delta > limit_ - std::min(limit_, old)) {
    limit_refusal_ = "table.grow to " + std::to_string(old + delta) + " elements was refused: the limit is " +
                     std::to_string(limit_) + " elements";
    return -1;
  }
  elements_.resize(old + delta, init);
  sync();
  return int64_t(old);
}

}  // namespace wasmrun::vm
