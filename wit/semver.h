// Semantic versions (semver.org 2.0) as WIT package names carry them: `wasi:http@0.2.12`,
// `@since(version = 0.3.0-rc-2025-08-15)`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wasmrun::wit {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string pre;    // pre-release identifiers after `-`, dot-separated; empty when absent
  std::string build;  // build metadata after `+`; ignored by comparisons

  std::string to_string() const;
  // Precedence as semver §11 orders it (build metadata ignored).
  int compare(const Version& other) const;
  bool operator==(const Version& other) const { return compare(other) == 0; }
};

// Reads the longest version at the start of `text`; returns it and how many bytes it took, or
// nothing when `text` does not start with MAJOR.MINOR.PATCH. A `.` is only taken when an
// identifier character follows, so `@0.2.12.{x}` stops before `.{`.
struct ScannedVersion {
  Version version;
  size_t length = 0;
};
std::optional<ScannedVersion> scan_version(std::string_view text);

// The whole of `text` as a version, or nothing.
std::optional<Version> parse_version(std::string_view text);

}  // namespace wasmrun::wit
