#include "wit/source.h"

#include <algorithm>

#include <fmt/format.h>

namespace wasmrun::wit {

std::string SourceFile::error_at(uint32_t offset, const std::string& message) const {
  size_t end = std::min<size_t>(offset, text.size());
  uint32_t line = 1, column = 1;
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xc0) != 0x80) {  // continuation bytes do not start a character
      ++column;
    }
  }
  return fmt::format("{}:{}:{}: {}", path, line, column, message);
}

}  // namespace wasmrun::wit
