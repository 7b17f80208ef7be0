#pragma once

namespace wasmrun {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace wasmrun
