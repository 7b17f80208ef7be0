#include "wasmrun/store.h"

#include <cstdio>
#include <cstdlib>

#include "runtime/vm/store.h"

namespace wasmrun {

Store::Store(const Engine& engine) : engine_(engine), impl_(std::make_shared<vm::Store>(engine.impl())) {
  impl_->embedder = this;
}
Store::~Store() = default;

// The moved-from store gets a new, empty vm::Store, so every operation on it stays defined (its
// old handles follow the items to the new owner).
Store::Store(Store&& other) noexcept
    : engine_(other.engine_), impl_(std::move(other.impl_)), data_(std::move(other.data_)) {
  impl_->embedder = this;
  other.impl_ = std::make_shared<vm::Store>(other.engine_.impl());
  other.impl_->embedder = &other;
}

Store& Store::operator=(Store&& other) noexcept {
  if (this == &other) return *this;
  data_.reset();
  impl_.reset();  // before the engine it was created in can go
  engine_ = other.engine_;
  impl_ = std::move(other.impl_);
  data_ = std::move(other.data_);
  impl_->embedder = this;
  other.impl_ = std::make_shared<vm::Store>(other.engine_.impl());
  other.impl_->embedder = &other;
  return *this;
}

void Store::set_epoch_deadline(uint64_t ticks) {
  impl_->set_epoch_deadline(impl_->context()->epoch->load(std::memory_order_relaxed) + ticks);
}

void Store::set_limits(const StoreLimits& limits) {
  vm::ResourceLimits l;
  if (limits.max_memory_size) l.max_memory_bytes = *limits.max_memory_size;
  if (limits.max_table_elements) l.max_table_elements = *limits.max_table_elements;
  l.max_resource_handles = limits.max_resource_handles;
  impl_->set_limits(l);
}

std::optional<std::string> Store::limit_refusal() const { return impl_->limit_refusal(); }

Store* Store::from(vm::Store& store) { return static_cast<Store*>(store.embedder); }

namespace detail {

void store_data_replaced() {
  std::fprintf(stderr, "wasmrun: a TypedStore's data was replaced by data of another type\n");
  std::abort();
}

Expected<vm::Store*> StoreRef::get(const char* what) const {
  if (vm::Store* s = get_or_null()) return s;
  return Error{std::string("the ") + what + " belongs to a store that was destroyed"};
}

vm::Store& StoreRef::get_or_abort(const char* what) const {
  if (vm::Store* s = get_or_null()) return *s;
  std::fprintf(stderr, "wasmrun: a %s was used after its store was destroyed\n", what);
  std::abort();
}

Expected<void> StoreRef::check_in(const Store& store, const char* what) const {
  auto s = get(what);
  if (!s) return s.error();
  if (*s != &store.impl()) return Error{std::string("the ") + what + " belongs to another store"};
  return {};
}

}  // namespace detail

}  // namespace wasmrun
