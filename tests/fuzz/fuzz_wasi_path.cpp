// libFuzzer target: resolve arbitrary guest paths beneath a directory holding links that point
// out of it (tests/wasi/fixture.h). Whatever the path, a successful resolution must land inside
// the directory, with a final name that is a single component other than "..".
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/wasi/fixture.h"
#include "wasi/preview1/sandbox_path.h"

using namespace wasmrun::wasi::preview1;

namespace {
std::string fd_path(int fd) {
  char buf[4096];
  ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, size_t(n)) : std::string();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static TreeFixture tree;
  static const std::string root = fd_path(tree.box_fd);
  if (size == 0) return 0;
  bool follow = data[0] & 1;
  std::string_view path(reinterpret_cast<const char*>(data + 1), size - 1);
  ResolvedPath r;
  if (resolve_path(tree.box_fd, path, follow, r) != Errno::Success) return 0;
  std::string parent = fd_path(r.parent);
  bool inside = parent == root || parent.starts_with(root + "/");
  bool name_ok = !r.name.empty() && r.name != ".." && r.name.find('/') == std::string::npos;
  if (!inside || !name_ok) __builtin_trap();
  return 0;
}
