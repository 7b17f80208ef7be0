#include "support/file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace wasmrun {

Expected<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes,
                                         const std::function<bool(std::span<const uint8_t>)>& plausible_start) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{path + ": " + std::strerror(errno)};
  auto too_large = [&] {
    std::fclose(f);
    return Error{path + ": larger than the limit of " + std::to_string(max_bytes) + " bytes"};
  };
  std::vector<uint8_t> bytes;
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_large();
    bytes.reserve(static_cast<size_t>(st.st_size));
  }
  uint8_t buffer[1 << 16];
  size_t n;
  bool first = true;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
    if (bytes.size() + n > max_bytes) return too_large();
    bytes.insert(bytes.end(), buffer, buffer + n);
    if (first && plausible_start && !plausible_start(bytes)) break;
    first = false;
  }
  bool failed = std::ferror(f);
  int saved_errno = errno;
  std::fclose(f);
  if (failed) return Error{path + ": " + std::strerror(saved_errno)};
  return bytes;
}

}  // namespace wasmrun
