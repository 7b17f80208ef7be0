#include "wasmrun/fiber.h"

#include "runtime/vm/fiber.h"

namespace wasmrun {

static_assert(Fiber::kMinStackSize == vm::Fiber::kMinStackSize);

Expected<Fiber> Fiber::create(MoveOnlyFunction<void()> body, size_t stack_size) {
  auto impl = vm::Fiber::create(std::move(body), stack_size);
  if (!impl) return impl.error();
  return Fiber(std::move(*impl));
}

Fiber::Fiber(std::unique_ptr<vm::Fiber> impl) : impl_(std::move(impl)) { impl_->set_owner(this); }

Fiber::Fiber(Fiber&& other) noexcept : impl_(std::move(other.impl_)) {
  if (impl_) impl_->set_owner(this);
}

Fiber& Fiber::operator=(Fiber&& other) noexcept {
  impl_ = std::move(other.impl_);
  if (impl_) impl_->set_owner(this);
  return *this;
}

Fiber::~Fiber() = default;

void Fiber::resume() {
  if (impl_) impl_->resume();
}

bool Fiber::done() const { return !impl_ || impl_->done(); }

bool Fiber::suspend() { return vm::Fiber::suspend(); }

bool Fiber::on_fiber() { return vm::Fiber::current() != nullptr; }

Fiber* Fiber::current() {
  vm::Fiber* f = vm::Fiber::current();
  return f ? static_cast<Fiber*>(f->owner()) : nullptr;
}

}  // namespace wasmrun
