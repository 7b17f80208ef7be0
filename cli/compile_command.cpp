// wasmrun compile [-O opt-level=N] FILE [-o OUT]
// Compiles a core module ahead of time into an artifact (default: FILE with extension .cwasm)
// that `run` and Module::deserialize load with no compilation, as `wasmtime compile` does.
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli/commands.h"
#include "cli/engine_flags.h"
#include "cli/load_binary.h"
#include "wasmrun/wasmrun.h"

namespace wasmrun::cli {

namespace {

// Written beside its final name and renamed, so no reader sees half an artifact.
Expected<void> write_file_atomically(const std::string& path, std::span<const uint8_t> bytes) {
  std::string temporary = path + ".tmp";
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (!f) return Error{fmt::format("{}: {}", temporary, std::strerror(errno))};
  bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  written = std::fclose(f) == 0 && written;
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(temporary.c_str());
    return Error{fmt::format("{}: {}", path, why)};
  }
  return {};
}

}  // namespace

int compile_command(Args args) {
  EngineFlags flags;
  std::string input, output;
  for (size_t i = 0; i < args.size(); ++i) {
    if (auto problem = flags.parse(args, i)) {
      if (!problem->empty()) return fail("compile: " + *problem);
    } else if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) {
      output = args[++i];
    } else if (args[i].starts_with("-")) {
      return fail(fmt::format("compile: unknown option '{}'", args[i]));
    } else if (input.empty()) {
      input = args[i];
    } else {
      return fail("compile: one input file at a time");
    }
  }
  if (input.empty()) return fail("usage: wasmrun compile [-O opt-level=N] FILE.wasm [-o FILE.cwasm]");
  if (output.empty()) output = std::filesystem::path(input).replace_extension(".cwasm").string();

  Config config = flags.config;  // an artifact is the output here: no code cache
  auto engine = Engine::create(config);
  if (!engine) return fail(engine.error().message);
  auto bytes = load_binary(input);
  if (!bytes) return fail(bytes.error().message);
  auto artifact = Module::precompile(*engine, *bytes);
  if (!artifact) return fail(fmt::format("{}: {}", input, artifact.error().message));
  if (auto ok = write_file_atomically(output, *artifact); !ok) return fail(ok.error().message);
  return 0;
}

}  // namespace wasmrun::cli
