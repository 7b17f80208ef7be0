#include "wasmrun/component/resource_table.h"

namespace wasmrun::component {

Expected<uint32_t> ResourceTable::insert(std::unique_ptr<Entry> e) {
  if (live_ >= capacity_) return Error{"resource table is full (" + std::to_string(capacity_) + " entries)"};
  uint32_t rep;
  if (!free_.empty()) {
    rep = free_.back();
    free_.pop_back();
    slots_[rep] = std::move(e);
  } else {
    rep = uint32_t(slots_.size());
    slots_.push_back(std::move(e));
  }
  ++live_;
  return rep;
}

void ResourceTable::erase(uint32_t rep) {
  slots_[rep].reset();
  free_.push_back(rep);
  --live_;
}

}  // namespace wasmrun::component
