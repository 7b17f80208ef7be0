#include "cli/engine_flags.h"

#include "cli/flag_parsing.h"

#include <fmt/format.h>

namespace wasmrun::cli {

std::optional<std::string> EngineFlags::parse(Args args, size_t& i) {
  std::string_view a = args[i];
  auto value = [&](std::string_view flag) -> std::optional<std::string> {
    if (auto v = flag_value(args, i, flag)) return v;
    if (flag == "-O" && a.starts_with("-O") && a.size() > 2) return std::string(a.substr(2));
    return std::nullopt;
  };
  if (a == "--lazy" || a == "--no-lazy") {
    config.lazy = a == "--lazy";
    return "";
  }
  if (a == "--no-cache") {
    cache = false;
    return "";
  }
  if (auto dir = value("--cache-dir")) {
    if (dir->empty()) return "--cache-dir wants a directory";
    cache_dir = *dir;
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
