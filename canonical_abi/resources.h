// Resource handles across the canonical ABI (CanonicalABI.md lift_own, lift_borrow, lower_own,
// lower_borrow) and the resource built-ins (`canon resource.new`, `resource.rep`,
// `resource.drop`).
#pragma once

#include "canonical_abi/context.h"
#include "wasmrun/component/val.h"

namespace wasmrun::canon {

// Raise TrapError; used by lifting and lowering.
uint32_t lift_own(Cx& cx, uint32_t index, const ResourceType& type);
uint32_t lift_borrow(Cx& cx, uint32_t index, const ResourceType& type);
uint32_t lower_own(Cx& cx, uint32_t rep, const ResourceType& type);
uint32_t lower_borrow(Cx& cx, uint32_t rep, const ResourceType& type);

// The built-ins, called by core code of `inst` (the instance whose table is used).
TrapOr<uint32_t> resource_new(Instance& inst, const ResourceType& type, uint32_t rep);
TrapOr<uint32_t> resource_rep(Instance& inst, const ResourceType& type, uint32_t index);
// Drops handle `index`: an own handle runs the type's destructor (entering the implementing
// instance, which must not be on the stack); a borrow ends its loan to the current call.
TrapOr<void> resource_drop(Instance& inst, const ResourceType& type, uint32_t index);

// The host drops an own handle it holds (a ResourceAny lifted out of a component): runs the
// destructor as resource.drop would for the host.
TrapOr<void> drop_host_resource(const component::ResourceAny& resource);

}  // namespace wasmrun::canon
