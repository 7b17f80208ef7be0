// Import and export names of components (component Explainer "Import and Export Definitions"):
// kebab-case labels, `[constructor]`/`[method]`/`[static]` annotations, interface names with
// semver versions, dependency, URL and hash names; strong uniqueness; and the semver-compatible
// matching Wasmtime applies when a host satisfies a versioned import.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wasmrun/expected.h"

namespace wasmrun::component {

struct ExternName {
  enum class Kind : uint8_t { Label, Constructor, Method, Static, Interface, Dependency, Url, Hash };
  Kind kind = Kind::Label;
  std::string text;      // the whole name
  std::string resource;  // Constructor, Method, Static: the resource label
  std::string label;     // Label: itself; Method, Static: the function label
  std::string version;   // Interface: the semver after '@', if any
  std::string unversioned;  // Interface: the name without its version
};

// Parses an import (`importname`) or export (`exportname`) name; errors name the rule broken
// ("`Foo` is not in kebab case", "`x` is not a valid extern name", ...).
Expected<ExternName> parse_extern_name(std::string_view name, bool import);

// Whether `s` is a kebab-case label (`fragment ('-' fragment)*`).
bool is_kebab(std::string_view s);

// Checks a semantic version (semver.org 2.0.0): major.minor.patch, pre-release, build.
Expected<void> check_semver(std::string_view v);

// The key under which two names clash unless strongly unique (case-insensitive labels).
std::string uniqueness_key(const ExternName& n);
// A second key a name also clashes with: `l` against `[method]l.l` and back (Explainer
// "Name uniqueness").
std::optional<std::string> clash_key(const ExternName& n);

// Wasmtime's semver-compatible import matching: a provider of `a:b/c@1.2.3` satisfies an import
// of `a:b/c@1.2.0` (same major > 0; or same minor when major is 0 and minor > 0; else exact).
bool semver_compatible(std::string_view provided_version, std::string_view wanted_version);
// The part of a version that must match for semver_compatible: "1", "0.2", or the whole version.
std::string semver_compat_key(std::string_view version);

}  // namespace wasmrun::component
