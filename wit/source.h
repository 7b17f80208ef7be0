// A WIT source file held in memory, and how a byte offset in it reads in a message.
#pragma once

#include <cstdint>
#include <string>

namespace wasmrun::wit {

struct SourceFile {
  std::string path;  // as messages show it
  std::string text;

  // "path:line:column: message", line and column 1-based, the column counted in Unicode characters.
  std::string error_at(uint32_t offset, const std::string& message) const;
};

}  // namespace wasmrun::wit
