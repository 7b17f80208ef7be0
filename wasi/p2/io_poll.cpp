// wasi:io/poll on the Pollable interface (pollable.h): `ready` asks at once; `block` and `poll`
// wait through the context's Waiter and return the indexes of the ready ones.
#include "wasi/p2/context.h"
#include "wit/wasi_io.h"
#include "wit/wasi_io_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace poll_ = bindings::wasi::io::poll;

class PollHost final : public poll_::Host {
 public:
  explicit PollHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<void> pollable_drop(Resource<poll_::Pollable> self) override {
    wasi_.remove<PollableObject>(self);
    return {};
  }
  TrapOr<bool> pollable_ready(Borrow<poll_::Pollable> self) override {
    auto* p = wasi_.get<PollableObject>(self);
    if (!p) return unknown_handle("pollable");
    return p->pollable->ready();
  }
  TrapOr<void> pollable_block(Borrow<poll_::Pollable> self) override {
    auto* p = wasi_.get<PollableObject>(self);
    if (!p) return unknown_handle("pollable");
    Pollable* list[] = {p->pollable.get()};
    if (!list[0]->ready()) wasi_.waiter().wait(list);
    return {};
  }
  TrapOr<std::vector<uint32_t>> poll(std::vector<Borrow<poll_::Pollable>> in) override {
    // The WIT: an empty list traps (it would wait forever).
    if (in.empty()) return Trap{TrapCode::HostError, "poll: empty list of pollables"};
    std::vector<Pollable*> ps;
    ps.reserve(in.size());
    for (auto b : in) {
      auto* p = wasi_.get<PollableObject>(b);
      if (!p) return unknown_handle("pollable");
      ps.push_back(p->pollable.get());
    }
    return wasi_.waiter().wait(ps);
  }

 private:
  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_io_poll(component::Linker& linker, WasiP2& wasi) {
  return poll_::add_to_linker(linker, wasi.keep(std::make_unique<PollHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
