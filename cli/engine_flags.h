// The engine options that `run` and `compile` share, spelled as in wasmtime where it has them:
// -O opt-level=N, --cache-dir DIR, --no-cache.
#pragma once

#include <optional>
#include <string>

#include "cli/commands.h"
#include "wasmrun/engine.h"

namespace wasmrun::cli {

struct EngineFlags {
  Config config;
  bool cache = true;
  std::string cache_dir = default_cache_dir();

  // Reads the flag at args[i] (and its value, advancing i): nothing when it is not an engine
  // flag, else an error message or an empty string.
  std::optional<std::string> parse(Args args, size_t& i);
  // The engine's configuration: the code cache is on unless --no-cache (or there is no home).
  Config resolved() const;
};

}  // namespace wasmrun::cli
