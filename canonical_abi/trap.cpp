#include "canonical_abi/trap.h"

namespace wasmrun::component {

const char* to_string(TrapKind kind) {
  switch (kind) {
    case TrapKind::CoreTrap: return "core trap";
    case TrapKind::CannotEnter: return "cannot enter";
    case TrapKind::CannotLeave: return "cannot leave";
    case TrapKind::UnalignedPointer: return "unaligned pointer";
    case TrapKind::OutOfBounds: return "out of bounds";
    case TrapKind::ReallocOutOfBounds: return "realloc out of bounds";
    case TrapKind::ReallocUnaligned: return "realloc unaligned";
    case TrapKind::TooLong: return "too long";
    case TrapKind::InvalidChar: return "invalid char";
    case TrapKind::InvalidString: return "invalid string";
    case TrapKind::InvalidDiscriminant: return "invalid discriminant";
    case TrapKind::UnknownHandle: return "unknown handle";
    case TrapKind::WrongHandleType: return "wrong handle type";
    case TrapKind::HandleLent: return "handle lent";
    case TrapKind::BorrowsRemain: return "borrows remain";
    case TrapKind::TableFull: return "table full";
    case TrapKind::TypeMismatch: return "type mismatch";
  }
  return "trap";
}

}  // namespace wasmrun::component

namespace wasmrun::canon {

void raise(TrapKind kind, std::string message) { throw TrapError{Trap{kind, std::move(message)}}; }

}  // namespace wasmrun::canon
