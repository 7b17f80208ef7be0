// Resolving a guest path relative to a directory descriptor without ever leaving it. The path is
// walked one component at a time from the directory's host fd: every intermediate directory is
// opened with openat(O_NOFOLLOW | O_DIRECTORY), ".." pops back to a directory already opened on
// the way (never opens the host's ".."), and symbolic links are read with readlinkat and spliced
// into the remaining path. A path or a link that would climb above the starting directory, an
// absolute path and an absolute link target all fail with NotCapable; more than kMaxSymlinks
// expansions fail with Loop. No string prefix check is involved, so no spelling can escape.
#pragma once

#include <string>
#include <string_view>

#include "wasi/preview1/types.h"
#include "wasi/preview1/unique_fd.h"

namespace wasmrun::wasi::preview1 {

constexpr int kMaxSymlinks = 40;
constexpr size_t kMaxPathBytes = 4096;

struct ResolvedPath {
  UniqueFd parent_owned;  // set when the parent is a directory opened during the walk
  int parent = -1;        // the directory holding the final component (for *at system calls)
  std::string name;       // the final component: never empty or "..", "." for the directory itself
  bool trailing_slash = false;  // the path ended with "/": it must name a directory

  // `name` as the final argument of a system call; a trailing slash is kept so the kernel
  // applies its directory checks.
  std::string syscall_name() const { return trailing_slash && name != "." ? name + "/" : name; }
};

// Resolves `path` beneath the directory `base_fd`. With `follow_final` (or a trailing slash) a
// symbolic link in the final position is followed too; otherwise it is left for the caller to
// act on (stat it, unlink it, open it with O_NOFOLLOW).
Errno resolve_path(int base_fd, std::string_view path, bool follow_final, ResolvedPath& out);

}  // namespace wasmrun::wasi::preview1
