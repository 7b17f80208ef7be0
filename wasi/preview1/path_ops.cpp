// The path_* functions other than path_open: each resolves its path(s) beneath a directory
// descriptor (sandbox_path.h) and then acts on (parent fd, final name) with an *at system call
// that never follows a final symbolic link.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/preview1/host_functions.h"
#include "wasi/preview1/sandbox_path.h"

namespace wasmrun::wasi::preview1 {

Errno resolve_guest_path(Call& c, uint32_t fd, Rights rights, uint32_t path, uint32_t path_len, bool follow,
                         ResolvedPath& out, Descriptor** dir_out) {
  Descriptor* dir;
  WASI_TRY(c.ctx.fds().get(fd, rights, dir));
  if (dir->type != Filetype::Directory) return Errno::NotDir;
  std::string_view guest_path;
  WASI_TRY(c.mem.string(path, path_len, guest_path));
  WASI_TRY(resolve_path(dir->host_fd, guest_path, follow, out));
  if (dir_out) *dir_out = dir;
  return Errno::Success;
}

namespace {
Errno result(int status) { return status == 0 ? Errno::Success : errno_from_host(errno); }
}  // namespace

Errno path_create_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathCreateDirectory, path, path_len, false, r, nullptr));
  return result(mkdirat(r.parent, r.syscall_name().c_str(), 0777));
}

Errno path_remove_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathRemoveDirectory, path, path_len, false, r, nullptr));
  return result(unlinkat(r.parent, r.syscall_name().c_str(), AT_REMOVEDIR));
}

Errno path_unlink_file(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathUnlinkFile, path, path_len, false, r, nullptr));
  return result(unlinkat(r.parent, r.syscall_name().c_str(), 0));
}

Errno path_rename(Call& c, uint32_t fd, uint32_t old_path, uint32_t old_len, uint32_t new_fd, uint32_t new_path,
                  uint32_t new_len) {
  ResolvedPath from, to;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathRenameSource, old_path, old_len, false, from, nullptr));
  WASI_TRY(resolve_guest_path(c, new_fd, right::kPathRenameTarget, new_path, new_len, false, to, nullptr));
  return result(renameat(from.parent, from.syscall_name().c_str(), to.parent, to.syscall_name().c_str()));
}

Errno path_link(Call& c, uint32_t old_fd, uint32_t old_flags, uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                uint32_t new_path, uint32_t new_len) {
  ResolvedPath from, to;
  WASI_TRY(resolve_guest_path(c, old_fd, right::kPathLinkSource, old_path, old_len,
                              old_flags & lookupflag::kSymlinkFollow, from, nullptr));
  WASI_TRY(resolve_guest_path(c, new_fd, right::kPathLinkTarget, new_path, new_len, false, to, nullptr));
  return result(linkat(from.parent, from.syscall_name().c_str(), to.parent, to.syscall_name().c_str(), 0));
}

Errno path_symlink(Call& c, uint32_t old_path, uint32_t old_len, uint32_t fd, uint32_t new_path, uint32_t new_len) {
  std::string_view target;
  WASI_TRY(c.mem.string(old_path, old_len, target));
  if (target.find('\0') != std::string_view::npos) return Errno::Inval;
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathSymlink, new_path, new_len, false, r, nullptr));
  // The target is stored as given: following it later goes through resolve_path, which refuses
  // absolute targets and climbs out of the directory.
  return result(symlinkat(std::string(target).c_str(), r.parent, r.syscall_name().c_str()));
}

Errno path_readlink(Call& c, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf, uint32_t buf_len,
                    uint32_t used_out) {
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathReadlink, path, path_len, false, r, nullptr));
  std::span<uint8_t> dst;
  WASI_TRY(c.mem.bytes(buf, buf_len, dst));
  char target[kMaxPathBytes];
  ssize_t n = readlinkat(r.parent, r.syscall_name().c_str(), target, sizeof target);
  if (n < 0) return errno_from_host(errno);
  size_t copied = std::min(size_t(n), dst.size());  // truncated like POSIX readlink
  std::memcpy(dst.data(), target, copied);
  return c.mem.store<uint32_t>(used_out, uint32_t(copied));
}

Errno path_filestat_get(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint32_t out) {
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathFilestatGet, path, path_len, flags & lookupflag::kSymlinkFollow, r,
                              nullptr));
  struct stat st{};
  if (fstatat(r.parent, r.syscall_name().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno_from_host(errno);
  return write_filestat(c.mem, out, st);
}

Errno path_filestat_set_times(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint64_t atim,
                              uint64_t mtim, uint32_t fst_flags) {
  struct timespec times[2];
  WASI_TRY(times_from_flags(atim, mtim, fst_flags, times));
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, right::kPathFilestatSetTimes, path, path_len,
                              flags & lookupflag::kSymlinkFollow, r, nullptr));
  return result(utimensat(r.parent, r.syscall_name().c_str(), times, AT_SYMLINK_NOFOLLOW));
}

}  // namespace wasmrun::wasi::preview1
