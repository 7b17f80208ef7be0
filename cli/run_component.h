// `wasmrun run` of a component: run as a wasi:cli/command (cli/run_component.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cli/run_limits.h"
#include "cli/wasi_flags.h"
#include "wasmrun/wasmrun.h"

namespace wasmrun::cli {

// Whether a binary is a component: its preamble's layer field (bytes 6-7) is 1, a core module's 0.
bool is_component_binary(std::span<const uint8_t> bytes);

// Instantiates the component with the WASI 0.2 host (wasi/p2) and calls its
// `wasi:cli/run@0.2.x#run`; returns the exit status as `wasmtime run` does: exit(ok) or run
// returning ok → 0, exit(err) or run returning err → 1, exit-with-code(n) → n, a trap → 1 after
// "error: wasm trap: ...". `flags` are the -S options (what wasi:sockets may do). With `invoke`
// (`--invoke 'NAME(ARGS)'`, cli/invoke_component.h) it calls that export instead and prints its
// result.
int run_component(Engine& engine, std::span<const uint8_t> bytes, const std::string& path, const WasiConfig& wasi,
                  const WasiFlags& flags, const RunLimits& limits, std::string_view invoke = {});

}  // namespace wasmrun::cli
