#include "cli/engine_flags.h"

#include <fmt/format.h>

namespace wasmrun::cli {

std::optional<std::string> EngineFlags::parse(Args args, size_t& i) {
  std::string_view a = args[i];
  auto value = [&](std::string_view flag) -> std::optional<std::string> {
    if (a == flag && i + 1 < args.size()) return std::string(args[++i]);
    if (a.starts_with(std::string(flag) + "=")) return std::string(a.substr(flag.size() + 1));
    if (flag == "-O" && a.starts_with("-O") && a.size() > 2) return std::string(a.substr(2));
    return std::nullopt;
  };
  if (a == "--no-cache") {
    cache = false;
    return "";
  }
  if (auto dir = value("--cache-dir")) {
    if (dir->empty()) return "--cache-dir wants a directory";
    cache_dir = *dir;
    cache = true;
    return "";
  }
  if (auto o = value("-O")) {
    // wasmtime's form: -O opt-level=N (and a comma-separated list of such settings).
    if (!o->starts_with("opt-level=") || o->size() != 11 || (*o)[10] < '0' || (*o)[10] > '3')
      return fmt::format("-O wants opt-level=0, 1, 2 or 3, not '{}'", *o);
    config.opt_level = (*o)[10] - '0';
    return "";
  }
  return std::nullopt;
}

Config EngineFlags::resolved() const {
  Config c = config;
  c.cache_dir = cache ? cache_dir : "";
  return c;
}

}  // namespace wasmrun::cli
