// Reads a .wast script through wabt's wast2json (until our own text parser reads scripts).
#pragma once

#include <string>

#include "wasmrun/expected.h"
#include "text/wast_script.h"

namespace wasmrun::cli {

Expected<text::WastScript> load_with_wast2json(const std::string& path);

}  // namespace wasmrun::cli
