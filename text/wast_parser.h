// Reads a WAST script (spec interpreter script syntax, plus `module definition`/`instance`,
// `either`, `assert_exception`, and components with component values) into a WastScript.
#pragma once

#include <string>
#include <string_view>

#include "wasmrun/expected.h"
#include "text/wast_script.h"

namespace wasmrun::text {

// A module or component that fails to parse does not end the script: its command records the
// error in text_error (that is how `assert_malformed` on `module quote` passes). Errors in the
// script's own syntax fail the whole script.
Expected<WastScript> parse_wast(std::string_view source, const std::string& file_name);

}  // namespace wasmrun::text
