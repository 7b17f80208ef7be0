// Where our decoder's or validator's message for a malformed or invalid module is worded
// differently from the reference interpreter's, which the spec scripts quote. The runner accepts
// a message that differs from the script's only through an entry here; anything else fails.
// Trap messages have no such table: they must match as the spec writes them.
#pragma once

#include <span>
#include <string_view>

namespace wasmrun::cli {

struct WordingDifference {
  std::string_view spec;  // the script's expected text
  std::string_view ours;  // what our message contains instead
  std::string_view why;
};

std::span<const WordingDifference> wording_differences();

// The entry that lets `actual` stand for `expected`, or null.
const WordingDifference* find_wording_difference(std::string_view expected, std::string_view actual);

}  // namespace wasmrun::cli
