#include "canonical_abi/context.h"

#include <fmt/format.h>

namespace wasmrun::canon {

namespace {

const char* content_out_of_bounds(Cx::What what, bool host_peer) {
  switch (what) {
    case Cx::What::String:
      return host_peer ? "string pointer/length out of bounds of memory" : "string content out-of-bounds";
    case Cx::What::List:
      return host_peer ? "list pointer/length out of bounds of memory" : "list content out-of-bounds";
    case Cx::What::Value: break;
  }
  return "pointer out of bounds of memory";
}

}  // namespace

uint32_t Cx::reallocate(uint32_t old_ptr, uint32_t old_size, uint32_t alignment, uint32_t new_size, What what) {
  if (!opts.realloc) raise(TrapCode::HostError, "no realloc function to allocate a value in");
  // The caller of realloc may not call out of its instance meanwhile (LiftLowerContext.reallocate).
  inst.may_leave = false;
  TrapOr<uint32_t> result = opts.realloc(old_ptr, old_size, alignment, new_size);
  inst.may_leave = true;
  if (!result) raise(result.take_trap());
  uint32_t ptr = *result;
  refresh_memory();
  if (ptr != align_to(ptr, alignment)) {
    raise(TrapCode::ReallocUnaligned, host_peer ? "realloc return: result not aligned" : "unaligned pointer");
  }
  if (!in_bounds(ptr, new_size)) {
    raise(TrapCode::ReallocOutOfBounds,
          host_peer ? "realloc return: beyond end of memory" : content_out_of_bounds(what, false));
  }
  return ptr;
}

void Cx::check_pointer(uint64_t ptr, uint32_t alignment, uint64_t length, What what) {
  if (ptr != align_to(uint32_t(ptr), alignment)) {
    if (host_peer && what == What::String) {
      raise(TrapCode::UnalignedPointer, fmt::format("string pointer not aligned to {}", alignment));
    }
    if (host_peer && what == What::List) {
      raise(TrapCode::UnalignedPointer, fmt::format("list pointer not aligned to {}", alignment));
    }
    raise(TrapCode::UnalignedPointer, "unaligned pointer");
  }
  if (!in_bounds(ptr, length)) raise(TrapCode::OutOfBounds, content_out_of_bounds(what, host_peer));
}

}  // namespace wasmrun::canon
