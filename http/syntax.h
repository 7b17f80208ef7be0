// Character classes and small helpers of HTTP syntax (RFC 9110 §5.6, RFC 9112), shared by the
// HTTP/1.1 parser, the header validation of HTTP/2 and the client.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wasmrun::http {

namespace detail {
constexpr std::array<bool, 256> make_tchar() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<uint8_t>(c)] = true;
  return t;
}
// field-value characters: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5).
constexpr std::array<bool, 256> make_field_value_char() {
  std::array<bool, 256> t{};
  for (int c = 0x21; c <= 0x7e; ++c) t[c] = true;
  for (int c = 0x80; c <= 0xff; ++c) t[c] = true;
  t[' '] = true;
  t['\t'] = true;
  return t;
}
// request-target characters: the visible ASCII characters RFC 3986 URIs are made of.
constexpr std::array<bool, 256> make_target_char() {
  std::array<bool, 256> t{};
  for (int c = 0x21; c <= 0x7e; ++c) t[c] = true;
  return t;
}
inline constexpr auto tchar_table = make_tchar();
inline constexpr auto field_value_table = make_field_value_char();
inline constexpr auto target_table = make_target_char();
}  // namespace detail

inline bool is_tchar(uint8_t c) { return detail::tchar_table[c]; }
inline bool is_field_value_char(uint8_t c) { return detail::field_value_table[c]; }
inline bool is_target_char(uint8_t c) { return detail::target_table[c]; }

inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(static_cast<uint8_t>(c))) return false;
  return true;
}

inline bool is_field_value(std::string_view s) {
  for (char c : s)
    if (!is_field_value_char(static_cast<uint8_t>(c))) return false;
  return true;
}

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Strips optional whitespace (SP / HTAB) from both ends.
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses 1*DIGIT as an unsigned decimal; nullopt on any other character or overflow past 2^63.
inline std::optional<uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// Calls f(element) for each non-empty element of a comma-separated list (RFC 9110 §5.6.1).
template <class F>
void for_each_list_element(std::string_view list, F&& f) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty()) f(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace wasmrun::http
