#include "cli/wasi_flags.h"

#include <fmt/format.h>

#include <charconv>

namespace wasmrun::cli {

namespace {

std::optional<bool> parse_bool(std::string_view value) {
  if (value == "y" || value == "yes" || value == "true") return true;
  if (value == "n" || value == "no" || value == "false") return false;
  return std::nullopt;
}

}  // namespace

Expected<void> WasiFlags::parse(std::string_view spec) {
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    if (name == "max-resources") {
      std::string_view number = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      uint32_t n = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
      if (number.empty() || ec != std::errc() || end != number.data() + number.size() || n == 0)
        return Error{fmt::format("-S max-resources: '{}' is not a count from 1 to {}", number, UINT32_MAX)};
      max_resources = n;
      continue;
    }
    std::optional<bool> value = eq == std::string_view::npos ? std::optional<bool>(true) : parse_bool(item.substr(eq + 1));
    // `common` is Wasmtime's older name for `cli`.
    std::optional<bool>* target = name == "inherit-network"          ? &inherit_network
                                  : name == "allow-ip-name-lookup"   ? &allow_ip_name_lookup
                                  : name == "tcp"                    ? &tcp
                                  : name == "udp"                    ? &udp
                                  : name == "cli" || name == "common" ? &cli
                                                                      : nullptr;
    if (!target)
      return Error{fmt::format("-S: unknown option '{}' (wasmrun has cli, inherit-network, allow-ip-name-lookup, tcp, "
                               "udp, max-resources)",
                               name)};
    if (!value) return Error{fmt::format("-S {}: '{}' is not y, yes, true, n, no or false", name, item.substr(eq + 1))};
    *target = value;
  }
  return {};
}

wasi::p2::WasiP2Config::Sockets WasiFlags::sockets() const {
  wasi::p2::WasiP2Config::Sockets s;
  if (inherit_network.value_or(false)) s.inherit_network = s.tcp = s.udp = true;
  s.ip_name_lookup = allow_ip_name_lookup.value_or(false);
  if (tcp) s.tcp = *tcp;
  if (udp) s.udp = *udp;
  return s;
}

}  // namespace wasmrun::cli
