#include "canonical_abi/trap.h"

namespace wasmrun::canon {

void raise(TrapCode code, std::string message) { throw TrapError{Trap{code, std::move(message)}}; }

}  // namespace wasmrun::canon
