#include "wasi/p2/sockets_names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string_view>

namespace wasmrun::wasi::p2::sockets {

namespace {

std::optional<net::IpAddress> parse_ipv6(const std::string& text) {
  in6_addr a{};
  if (::inet_pton(AF_INET6, text.c_str(), &a) != 1) return std::nullopt;
  HostAddress h;
  auto* s = reinterpret_cast<sockaddr_in6*>(&h.storage);
  s->sin6_family = AF_INET6;
  s->sin6_addr = a;
  return ip_of(*from_host(h));
}

// A URL host that ends in a number is an IPv4 address (WHATWG URL "ends in a number checker"):
// 1 to 4 parts in decimal, octal (0...) or hexadecimal (0x...), the last filling what is left,
// which is what inet_aton reads; a trailing dot is allowed.
bool ends_in_number(const std::string& host) {
  std::string h = host.ends_with('.') ? host.substr(0, host.size() - 1) : host;
  std::string last = h.substr(h.rfind('.') == std::string::npos ? 0 : h.rfind('.') + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), [](unsigned char c) { return std::isdigit(c); })) return true;
  return (last.starts_with("0x") || last.starts_with("0X")) &&
         std::all_of(last.begin() + 2, last.end(), [](unsigned char c) { return std::isxdigit(c); });
}

// The code points of UTF-8 text (a component string is valid UTF-8); none when it is not.
std::optional<std::u32string> code_points(std::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + size_t(extra) >= text.size()) return std::nullopt;
    char32_t c = extra == 0 ? b : char32_t(b & (0x3f >> extra));
    for (int k = 1; k <= extra; ++k) {
      auto cont = static_cast<unsigned char>(text[i + size_t(k)]);
      if ((cont >> 6) != 2) return std::nullopt;
      c = (c << 6) | (cont & 0x3f);
    }
    out.push_back(c);
    i += size_t(extra) + 1;
  }
  return out;
}

// Punycode (RFC 3492 section 6.3) of a label with non-ASCII characters, with its "xn--" prefix.
std::optional<std::string> punycode_label(const std::u32string& label) {
  constexpr uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
  auto digit = [](uint32_t d) { return char(d < 26 ? 'a' + d : '0' + (d - 26)); };
  auto adapt = [&](uint64_t delta, uint64_t points, bool first) {
    delta = first ? delta / damp : delta / 2;
    delta += delta / points;
    uint32_t k = 0;
    while (delta > ((base - tmin) * tmax) / 2) {
      delta /= base - tmin;
      k += base;
    }
    return uint32_t(k + (base - tmin + 1) * delta / (delta + skew));
  };
  std::string out;
  for (char32_t c : label)
    if (c < 0x80) out.push_back(char(c));
  size_t basic = out.size(), handled = basic;
  if (basic > 0) out.push_back('-');
  uint32_t n = 0x80, bias = 72;
  uint64_t delta = 0;
  while (handled < label.size()) {
    char32_t m = 0x10FFFF + 1;
    for (char32_t c : label)
      if (c >= n && c < m) m = c;
    delta += uint64_t(m - n) * (handled + 1);
    if (delta > UINT32_MAX) return std::nullopt;
    n = uint32_t(m);
    for (char32_t c : label) {
      if (c < n) ++delta;
      if (c != n) continue;
      uint64_t q = delta;
      for (uint32_t k = base;; k += base) {
        uint32_t t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
        if (q < t) break;
        out.push_back(digit(uint32_t(t + (q - t) % (base - t))));
        q = (q - t) / (base - t);
      }
      out.push_back(digit(uint32_t(q)));
      bias = adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  return "xn--" + out;
}

// A domain name for DNS (see parse_name).
std::optional<std::string> ascii_domain(const std::string& name) {
  std::string out;
  size_t start = 0;
  for (;;) {
    size_t dot = name.find('.', start);
    std::string label = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    for (char& c : label)
      if (static_cast<unsigned char>(c) < 0x80) c = char(std::tolower(static_cast<unsigned char>(c)));
    bool ascii = std::all_of(label.begin(), label.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) {
      out += label;
    } else {
      auto points = code_points(label);
      if (!points) return std::nullopt;
      auto encoded = punycode_label(*points);
      if (!encoded) return std::nullopt;
      out += *encoded;
    }
    if (dot == std::string::npos) return out;
    out.push_back('.');
    start = dot + 1;
  }
}

}  // namespace

ParsedName parse_name(const std::string& name) {
  ParsedName p;
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    p.address = parse_ipv6(name.substr(1, name.size() - 2));
    p.valid = p.address.has_value();
    return p;
  }
  if (auto v6 = parse_ipv6(name)) {
    p.address = v6;
    p.valid = true;
    return p;
  }
  if (name.empty()) return p;
  // The forbidden domain code points of the URL standard.
  static const std::string forbidden = " #%/:<>?@[\\]^|";
  for (unsigned char c : name)
    if (c < 0x21 || c == 0x7f || forbidden.find(char(c)) != std::string::npos) return p;
  auto ascii = ascii_domain(name);
  if (!ascii) return p;
  std::string lower = std::move(*ascii);
  if (ends_in_number(lower)) {
    std::string text = lower.ends_with('.') ? lower.substr(0, lower.size() - 1) : lower;
    in_addr a{};
    if (::inet_aton(text.c_str(), &a) == 0) return p;
    const uint8_t* b = reinterpret_cast<const uint8_t*>(&a);
    p.address = net::IpAddress::ipv4({b[0], b[1], b[2], b[3]});
    p.valid = true;
    return p;
  }
  p.domain = std::move(lower);
  p.valid = true;
  return p;
}

}  // namespace wasmrun::wasi::p2::sockets
