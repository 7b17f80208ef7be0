#include "runtime/validate/extern_names.h"

#include <fmt/format.h>

namespace wasmrun::component {
namespace {

bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

// fragment: [a-z][0-9a-z]* | [A-Z][0-9A-Z]* | [0-9] followed by all-lower or all-upper
// alphanumerics; the first fragment may not start with a digit. `words` (namespaces and
// packages) allow lowercase fragments only.
bool is_label(std::string_view s, bool lowercase_only) {
  if (s.empty()) return false;
  bool first = true;
  size_t i = 0;
  while (true) {
    size_t end = s.find('-', i);
    std::string_view f = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (f.empty()) return false;
    char c0 = f[0];
    if (first && digit(c0)) return false;
    bool has_lower = false, has_upper = false;
    for (char c : f) {
      if (lower(c)) has_lower = true;
      else if (upper(c)) has_upper = true;
      else if (!digit(c)) return false;
    }
    if (has_lower && has_upper) return false;
    if (lowercase_only && has_upper) return false;
    if (end == std::string_view::npos) return true;
    i = end + 1;
    first = false;
  }
}

Error not_kebab(std::string_view s) { return Error{fmt::format("`{}` is not in kebab case", s)}; }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (upper(c)) c = char(c - 'A' + 'a');
  return out;
}

Expected<void> check_identifiers(std::string_view s, bool numeric_rules) {
  size_t i = 0;
  while (true) {
    size_t end = s.find('.', i);
    std::string_view id = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (id.empty()) return Error{"empty identifier segment"};
    bool numeric = true;
    for (char c : id) {
      if (!(lower(c) || upper(c) || digit(c) || c == '-')) return Error{fmt::format("unexpected character '{}'", c)};
      if (!digit(c)) numeric = false;
    }
    if (numeric_rules && numeric && id.size() > 1 && id[0] == '0') return Error{"invalid leading zero"};
    if (end == std::string_view::npos) return {};
    i = end + 1;
  }
}

// `prefix=<...>` with nothing but brackets around the contents, then `,integrity=<...>`
// optionally (depname, urlname, hashname).
bool bracketed(std::string_view s, std::string_view prefix, bool allow_integrity) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  size_t close = s.find('>');
  if (close == std::string_view::npos) return false;
  std::string_view inside = s.substr(0, close);
  if (inside.find('<') != std::string_view::npos) return false;
  s.remove_prefix(close + 1);
  if (s.empty()) return true;
  if (!allow_integrity || s[0] != ',') return false;
  return bracketed(s.substr(1), "integrity=<", false);
}

Expected<ExternName> parse_interface(std::string_view name, ExternName n) {
  std::string_view s = name;
  size_t colon = s.find(':');
  // Namespaces and packages are lowercase words.
  auto check_words = [&](std::string_view w) -> std::optional<Error> {
    if (is_label(w, true)) return std::nullopt;
    return not_kebab(w);
  };
  std::string_view ns = s.substr(0, colon);
  if (auto e = check_words(ns)) return *e;
  s.remove_prefix(colon + 1);
  size_t end = s.find_first_of("/@:");
  std::string_view pkg = s.substr(0, end);
  if (auto e = check_words(pkg)) return *e;
  if (end == std::string_view::npos || s[end] != '/') return Error{"expected `/` after package name"};
  s.remove_prefix(end + 1);
  end = s.find_first_of("/@");
  std::string_view iface = s.substr(0, end);
  if (!is_label(iface, false)) return not_kebab(iface);
  s.remove_prefix(iface.size());
  if (!s.empty() && s[0] == '/') return Error{fmt::format("trailing characters found: `{}`", s)};
  n.unversioned = std::string(name.substr(0, name.size() - s.size()));
  if (!s.empty()) {
    s.remove_prefix(1);  // '@'
    if (auto v = check_semver(s); !v) return v.error();
    n.version = std::string(s);
  }
  n.kind = ExternName::Kind::Interface;
  return n;
}

}  // namespace

bool is_kebab(std::string_view s) { return is_label(s, false); }

Expected<void> check_semver(std::string_view v) {
  if (v.empty()) return Error{"empty string, expected a semver version"};
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    if (i >= v.size()) return Error{"unexpected end of input while parsing version"};
    if (!digit(v[i])) return Error{fmt::format("unexpected character '{}' while parsing major version number", v[i])};
    size_t start = i;
    while (i < v.size() && digit(v[i])) ++i;
    if (i - start > 1 && v[start] == '0') return Error{"invalid leading zero in version number"};
    if (part < 2) {
      if (i >= v.size()) return Error{"unexpected end of input while parsing version"};
      if (v[i] != '.') return Error{fmt::format("unexpected character '{}' after version number", v[i])};
      ++i;
    }
  }
  if (i == v.size()) return {};
  std::string_view rest = v.substr(i);
  std::string_view pre, build;
  if (rest[0] == '-') {
    size_t plus = rest.find('+');
    pre = rest.substr(1, plus == std::string_view::npos ? std::string_view::npos : plus - 1);
    if (auto r = check_identifiers(pre, true); !r) return r;
    if (plus == std::string_view::npos) return {};
    rest.remove_prefix(plus);
  }
  if (rest[0] != '+') return Error{fmt::format("unexpected character '{}' after patch version number", rest[0])};
  build = rest.substr(1);
  return check_identifiers(build, false);
}

Expected<ExternName> parse_extern_name(std::string_view name, bool import) {
  ExternName n;
  n.text = std::string(name);
  auto annotated = [&](std::string_view prefix, ExternName::Kind kind) -> std::optional<Expected<ExternName>> {
    if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
    std::string_view rest = name.substr(prefix.size());
    n.kind = kind;
    if (kind == ExternName::Kind::Constructor) {
      if (!is_kebab(rest)) return Expected<ExternName>(not_kebab(rest));
      n.resource = std::string(rest);
      return Expected<ExternName>(n);
    }
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return Expected<ExternName>(Error{fmt::format("failed to find `.` character in `{}`", rest)});
    std::string_view resource = rest.substr(0, dot), func = rest.substr(dot + 1);
    if (!is_kebab(resource)) return Expected<ExternName>(not_kebab(resource));
    if (!is_kebab(func)) return Expected<ExternName>(not_kebab(func));
    n.resource = std::string(resource);
    n.label = std::string(func);
    return Expected<ExternName>(n);
  };
  if (auto r = annotated("[constructor]", ExternName::Kind::Constructor)) return *r;
  if (auto r = annotated("[method]", ExternName::Kind::Method)) return *r;
  if (auto r = annotated("[static]", ExternName::Kind::Static)) return *r;
  if (name.find(':') != std::string_view::npos && name.find('=') == std::string_view::npos)
    return parse_interface(name, n);
  if (import) {
    if (bracketed(name, "unlocked-dep=<", false) || bracketed(name, "locked-dep=<", true)) {
      n.kind = ExternName::Kind::Dependency;
      return n;
    }
    if (bracketed(name, "url=<", true)) {
      n.kind = ExternName::Kind::Url;
      return n;
    }
    if (bracketed(name, "integrity=<", false)) {
      n.kind = ExternName::Kind::Hash;
      return n;
    }
  }
  if (!is_kebab(name)) return not_kebab(name);
  n.label = std::string(name);
  return n;
}

std::string uniqueness_key(const ExternName& n) {
  switch (n.kind) {
    case ExternName::Kind::Label: return lowered(n.label);
    case ExternName::Kind::Constructor: return "[constructor]" + lowered(n.resource);
    case ExternName::Kind::Method:
    case ExternName::Kind::Static: return lowered(n.resource) + "." + lowered(n.label);
    default: return n.text;
  }
}

std::optional<std::string> clash_key(const ExternName& n) {
  switch (n.kind) {
    case ExternName::Kind::Label: return lowered(n.label) + "." + lowered(n.label);
    case ExternName::Kind::Method:
    case ExternName::Kind::Static:
      if (lowered(n.resource) == lowered(n.label)) return lowered(n.label);
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::string semver_compat_key(std::string_view version) {
  if (version.find_first_of("-+") != std::string_view::npos) return std::string(version);
  size_t dot1 = version.find('.');
  if (dot1 == std::string_view::npos) return std::string(version);
  std::string_view major = version.substr(0, dot1);
  if (major != "0") return std::string(major);
  size_t dot2 = version.find('.', dot1 + 1);
  std::string_view minor = version.substr(dot1 + 1, dot2 - dot1 - 1);
  if (minor != "0") return std::string(version.substr(0, dot2));
  return std::string(version);
}

bool semver_compatible(std::string_view provided, std::string_view wanted) {
  return semver_compat_key(provided) == semver_compat_key(wanted);
}

}  // namespace wasmrun::component
