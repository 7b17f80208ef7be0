#include "wasmrun/store.h"

#include "runtime/vm/store.h"

namespace wasmrun {

Store::Store(const Engine& engine) : impl_(std::make_unique<vm::Store>(engine.impl())) { impl_->embedder = this; }
Store::~Store() = default;

Store::Store(Store&& other) noexcept : impl_(std::move(other.impl_)), data_(other.data_) {
  if (impl_) impl_->embedder = this;
}

Store& Store::operator=(Store&& other) noexcept {
  impl_ = std::move(other.impl_);
  data_ = other.data_;
  if (impl_) impl_->embedder = this;
  return *this;
}

void Store::set_epoch_deadline(uint64_t ticks) {
  impl_->set_epoch_deadline(impl_->context()->epoch->load(std::memory_order_relaxed) + ticks);
}

void Store::set_limits(const StoreLimits& limits) {
  vm::ResourceLimits l;
  if (limits.max_memory_size) l.max_memory_bytes = *limits.max_memory_size;
  if (limits.max_table_elements) l.max_table_elements = *limits.max_table_elements;
  impl_->set_limits(l);
}

std::optional<std::string> Store::limit_refusal() const { return impl_->limit_refusal(); }

Store* Store::from(vm::Store& store) { return static_cast<Store*>(store.embedder); }

}  // namespace wasmrun
