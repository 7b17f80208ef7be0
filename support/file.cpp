#include "support/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace wasmrun {

Expected<std::vector<uint8_t>> read_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{path + ": " + std::strerror(errno)};
  std::vector<uint8_t> bytes;
  uint8_t buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
  bool failed = std::ferror(f);
  int saved_errno = errno;
  std::fclose(f);
  if (failed) return Error{path + ": " + std::strerror(saved_errno)};
  return bytes;
}

}  // namespace wasmrun
