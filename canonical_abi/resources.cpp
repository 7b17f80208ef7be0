#include "canonical_abi/resources.h"

#include <fmt/format.h>

#include <optional>

namespace wasmrun::canon {

namespace {

ResourceHandle& checked(Instance& inst, uint32_t index, const ResourceType& type) {
  ResourceHandle& h = inst.handles.get(index);
  if (!h.type) {
    raise(TrapCode::WrongHandleType, fmt::format("handle index {} used with the wrong type, expected a resource but found {}",
                                                 index, h.error_context ? "an error-context" : "an async handle"));
  }
  if (h.type != &type) raise_wrong_type(index, type, *h.type);
  return h;
}

// Runs the destructor of `rep` for a drop by `caller` (null: the host). Crossing into the
// implementing instance is a call into it, so it must be allowed to enter.
void run_destructor(const ResourceType& type, uint32_t rep, Instance* caller) {
  if (!type.dtor) return;
  Instance* impl = type.impl;
  bool crossing = impl && impl != caller;
  if (crossing) {
    if (!may_enter_from(*impl, caller)) raise(TrapCode::CannotEnter, "cannot enter component instance");
    set_entered(*impl, caller, true);
  }
  // The destructor runs as a lifted call, in a task of its own (canon_resource_drop).
  std::optional<ImplicitThread> thread;
  if (impl) thread.emplace(*impl);
  TrapOr<void> done = type.dtor(rep);
  if (!done) raise(done.take_trap());  // leaves `impl` locked down, as a trapped call does
  if (crossing) set_entered(*impl, caller, false);
}

}  // namespace

uint32_t lift_own(Cx& cx, uint32_t index, const ResourceType& type) {
  ResourceHandle& h = checked(cx.inst, index, type);
  if (h.num_lends != 0) raise(TrapCode::HandleLent, "cannot remove owned resource while borrowed");
  if (!h.own) raise(TrapCode::WrongHandleType, "cannot lift own resource from a borrow");
  return cx.inst.handles.remove(index).rep;
}

uint32_t lift_borrow(Cx& cx, uint32_t index, const ResourceType& type) {
  ResourceHandle& h = checked(cx.inst, index, type);
  if (cx.lenders) {
    ++h.num_lends;
    cx.lenders->push_back(index);
  }
  return h.rep;
}

uint32_t lower_own(Cx& cx, uint32_t rep, const ResourceType& type) {
  return cx.inst.handles.add(ResourceHandle{&type, rep, true, 0, nullptr, {}, {}});
}

uint32_t lower_borrow(Cx& cx, uint32_t rep, const ResourceType& type) {
  // The implementation gets its own representation back, not a handle.
  if (&cx.inst == type.impl) return rep;
  uint32_t index = cx.inst.handles.add(ResourceHandle{&type, rep, false, 0, cx.borrow_scope, {}, {}});
  if (cx.borrow_scope) ++cx.borrow_scope->num_borrows;
  return index;
}

TrapOr<uint32_t> resource_new(Instance& inst, const ResourceType& type, uint32_t rep) {
  return catch_trap([&] {
    if (!inst.may_leave) raise(TrapCode::CannotLeave, "cannot leave component instance");
    return inst.handles.add(ResourceHandle{&type, rep, true, 0, nullptr, {}, {}});
  });
}

TrapOr<uint32_t> resource_rep(Instance& inst, const ResourceType& type, uint32_t index) {
  return catch_trap([&] { return checked(inst, index, type).rep; });
}

TrapOr<void> resource_drop(Instance& inst, const ResourceType& type, uint32_t index) {
  return catch_trap([&] {
    if (!inst.may_leave) raise(TrapCode::CannotLeave, "cannot leave component instance");
    ResourceHandle& h = checked(inst, index, type);
    if (h.num_lends != 0) raise(TrapCode::HandleLent, "cannot remove owned resource while borrowed");
    ResourceHandle removed = inst.handles.remove(index);
    if (removed.own) {
      run_destructor(type, removed.rep, &inst);
    } else if (removed.borrow_scope) {
      --removed.borrow_scope->num_borrows;
    }
  });
}

TrapOr<void> drop_host_resource(const component::ResourceAny& resource) {
  return catch_trap([&] {
    if (!resource.own) raise(TrapCode::WrongHandleType, "cannot drop a borrowed resource");
    run_destructor(*resource.type, resource.rep, nullptr);
  });
}

}  // namespace wasmrun::canon
