#include "cli/flag_parsing.h"

#include <cstdlib>

namespace wasmrun::cli {

std::optional<std::string> flag_value(Args args, size_t& i, std::string_view flag) {
  std::string_view a = args[i];
  if (a == flag && i + 1 < args.size()) return std::string(args[++i]);
  if (a.size() > flag.size() && a.starts_with(flag) && a[flag.size()] == '=') return std::string(a.substr(flag.size() + 1));
  return std::nullopt;
}

std::optional<std::string> option_list_value(Args args, size_t& i, std::string_view short_flag, std::string_view long_flag) {
  std::string_view a = args[i];
  if (a.size() > short_flag.size() && a.starts_with(short_flag)) return std::string(a.substr(short_flag.size()));
  if (auto v = flag_value(args, i, short_flag)) return v;
  return flag_value(args, i, long_flag);
}

std::optional<std::pair<std::string, std::string>> parse_dir(std::string_view value) {
  size_t sep = value.find("::");
  std::string host(sep == std::string_view::npos ? value : value.substr(0, sep));
  std::string guest(sep == std::string_view::npos ? value : value.substr(sep + 2));
  if (host.empty() || guest.empty()) return std::nullopt;
  return std::pair{std::move(host), std::move(guest)};
}

std::optional<std::optional<std::pair<std::string, std::string>>> parse_env(std::string_view value) {
  size_t eq = value.find('=');
  std::string name(value.substr(0, eq));
  if (name.empty()) return std::nullopt;
  if (eq != std::string_view::npos) return std::pair{name, std::string(value.substr(eq + 1))};
  if (const char* host_value = std::getenv(name.c_str())) return std::pair{name, std::string(host_value)};
  return std::optional<std::pair<std::string, std::string>>{};
}

}  // namespace wasmrun::cli
