// The typed canonical ABI (DESIGN §8): C++ types map to component types at compile time, and
// values lift and lower directly between C++ objects and flat values or linear memory.
//   typed_values.h      ComponentTraits of scalars, strings, lists, options, results, tuples,
//                       resources
//   typed_user_types.h  RecordTraits, VariantTraits, EnumTraits, FlagsTraits for the
//                       embedder's own types
//   typed_call.h        signature_matches, typed_canon_lift, TypedLower
#pragma once

#include "canonical_abi/typed_call.h"
#include "canonical_abi/typed_user_types.h"
#include "canonical_abi/typed_values.h"
