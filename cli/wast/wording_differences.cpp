#include "cli/wast/wording_differences.h"

namespace wasmrun::cli {
namespace {

// Each entry was seen in the Wasm 2.0 suite (`wasmrun wast --strict-messages` lists every use).
constexpr WordingDifference kDifferences[] = {
    {"i32 constant out of range", "integer too large",
     "a text memory or table limit above 2^32-1 parses (the 3.0 syntax has 64-bit limits) and "
     "encodes as a wider LEB128, which the decoder rejects as a 32-bit integer"},
    {"i32 constant", "integer too large",
     "a text memarg offset above 2^32-1 parses (memory64 offsets) and the decoder rejects its LEB128"},
    {"unexpected end of section or function", "length out of bounds",
     "a truncated body: a length read from the cut bytes reaches past the section, which we report first"},
    {"length out of bounds", "unexpected end of section or function",
     "a truncated section: we meet its end before the length check the reference interpreter makes"},
    {"integer representation too long", "unexpected end of section or function",
     "an over-long LEB128 that is also cut by the section's end: we report the end first"},
    {"section size mismatch", "unexpected end of section or function",
     "a function body without its `end` at the end of the code section: we report the body's end"},
};

}  // namespace

std::span<const WordingDifference> wording_differences() { return kDifferences; }

const WordingDifference* find_wording_difference(std::string_view expected, std::string_view actual) {
  for (const WordingDifference& d : kDifferences)
    if (expected == d.spec && actual.find(d.ours) != std::string_view::npos) return &d;
  return nullptr;
}

}  // namespace wasmrun::cli
