#include "wit/semver.h"

#include <vector>

namespace wasmrun::wit {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// A numeric field without leading zeros (semver §2). Advances `pos`.
std::optional<uint64_t> scan_number(std::string_view text, size_t& pos) {
  size_t start = pos;
  uint64_t value = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + uint64_t(text[pos] - '0');
    ++pos;
  }
  if (pos == start || (text[start] == '0' && pos - start > 1)) return std::nullopt;
  return value;
}

// Dot-separated identifiers of [0-9A-Za-z-]; numeric pre-release identifiers have no leading
// zero (semver §9). Returns false when none is there.
bool scan_identifiers(std::string_view text, size_t& pos, bool numeric_rule, std::string& out) {
  size_t start = pos;
  for (;;) {
    size_t id_start = pos;
    bool all_digits = true;
    while (pos < text.size() && is_ident_char(text[pos])) {
      all_digits = all_digits && is_digit(text[pos]);
      ++pos;
    }
    if (pos == id_start) return false;
    if (numeric_rule && all_digits && pos - id_start > 1 && text[id_start] == '0') return false;
    if (pos + 1 < text.size() && text[pos] == '.' && is_ident_char(text[pos + 1])) {
      ++pos;
      continue;
    }
    break;
  }
  out.assign(text.substr(start, pos - start));
  return true;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// Pre-release precedence (semver §11.4): numeric identifiers numerically and below alphanumeric
// ones, others in ASCII order, a shorter list first when all else is equal.
int compare_pre(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  auto pa = split_dots(a), pb = split_dots(b);
  for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
    bool na = all_digits(pa[i]), nb = all_digits(pb[i]);
    if (na && nb) {
      if (pa[i].size() != pb[i].size()) return pa[i].size() < pb[i].size() ? -1 : 1;
    } else if (na != nb) {
      return na ? -1 : 1;
    }
    int c = pa[i].compare(pb[i]);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return pa.size() == pb.size() ? 0 : (pa.size() < pb.size() ? -1 : 1);
}

}  // namespace

std::string Version::to_string() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!pre.empty()) s += "-" + pre;
  if (!build.empty()) s += "+" + build;
  return s;
}

int Version::compare(const Version& other) const {
  if (major != other.major) return major < other.major ? -1 : 1;
  if (minor != other.minor) return minor < other.minor ? -1 : 1;
  if (patch != other.patch) return patch < other.patch ? -1 : 1;
  return compare_pre(pre, other.pre);
}

std::optional<ScannedVersion> scan_version(std::string_view text) {
  ScannedVersion out;
  size_t pos = 0;
  auto major = scan_number(text, pos);
  if (!major || pos >= text.size() || text[pos] != '.') return std::nullopt;
  ++pos;
  auto minor = scan_number(text, pos);
  if (!minor || pos >= text.size() || text[pos] != '.') return std::nullopt;
  ++pos;
  auto patch = scan_number(text, pos);
  if (!patch) return std::nullopt;
  out.version.major = *major;
  out.version.minor = *minor;
  out.version.patch = *patch;
  if (pos < text.size() && text[pos] == '-') {
    size_t p = pos + 1;
    if (!scan_identifiers(text, p, true, out.version.pre)) return std::nullopt;
    pos = p;
  }
  if (pos < text.size() && text[pos] == '+') {
    size_t p = pos + 1;
    if (!scan_identifiers(text, p, false, out.version.build)) return std::nullopt;
    pos = p;
  }
  out.length = pos;
  return out;
}

std::optional<Version> parse_version(std::string_view text) {
  auto scanned = scan_version(text);
  if (!scanned || scanned->length != text.size()) return std::nullopt;
  return scanned->version;
}

}  // namespace wasmrun::wit
