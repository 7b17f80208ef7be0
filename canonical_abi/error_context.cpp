#include "canonical_abi/error_context.h"

#include <fmt/format.h>

#include "canonical_abi/transcode.h"

namespace wasmrun::canon {

namespace {

const std::shared_ptr<const std::string>& checked(Instance& inst, uint32_t index) {
  const ResourceHandle& h = inst.handles.get(index);
  if (!h.error_context) {
    raise(TrapCode::WrongHandleType,
          fmt::format("handle index {} used with the wrong type, expected an error-context but found {}", index,
                      h.type ? "a resource" : "an async handle"));
  }
  return h.error_context;
}

void check_may_leave(const Instance& inst) {
  if (!inst.may_leave) raise(TrapCode::CannotLeave, "cannot leave component instance");
}

uint32_t add(Instance& inst, std::shared_ptr<const std::string> message) {
  ResourceHandle h;
  h.error_context = std::move(message);
  return inst.handles.add(h);
}

}  // namespace

component::ErrorContextAny lift_error_context(Cx& cx, uint32_t index) { return {checked(cx.inst, index)}; }

uint32_t lower_error_context(Cx& cx, const component::ErrorContextAny& e) {
  // A host value made without a message stands for the empty one.
  return add(cx.inst, e.debug_message ? e.debug_message : std::make_shared<const std::string>());
}

TrapOr<uint32_t> error_context_new(Instance& inst, const CanonOptions& opts, uint32_t ptr, uint32_t tagged_code_units) {
  return catch_trap([&] {
    check_may_leave(inst);
    // The spec lets the host replace the message (host_defined_transformation); as Wasmtime,
    // we keep it as the guest wrote it.
    Cx cx(opts, inst);
    std::string message = load_string_from_range(cx, ptr, tagged_code_units, nullptr);
    return add(inst, std::make_shared<const std::string>(std::move(message)));
  });
}

TrapOr<void> error_context_debug_message(Instance& inst, const CanonOptions& opts, uint32_t index, uint32_t ptr) {
  return catch_trap([&] {
    check_may_leave(inst);
    std::shared_ptr<const std::string> message = checked(inst, index);
    Cx cx(opts, inst);
    // The message is kept as UTF-8 (the spec's host_defined_transformation may change it).
    GuestString s = store_string_into_range(cx, *message, StringOrigin{StringSource::Utf8, uint32_t(message->size())});
    cx.refresh_memory();
    // store_string writes the pointer and the length as two i32s at `ptr`.
    if (!cx.in_bounds(ptr, 8)) raise(TrapCode::OutOfBounds, "invalid debug message pointer: out of bounds");
    store_le<uint32_t>(cx.at(ptr), s.ptr);
    store_le<uint32_t>(cx.at(ptr + 4), s.tagged_code_units);
  });
}

TrapOr<void> error_context_drop(Instance& inst, uint32_t index) {
  return catch_trap([&] {
    check_may_leave(inst);
    checked(inst, index);
    inst.handles.remove(index);
  });
}

}  // namespace wasmrun::canon
