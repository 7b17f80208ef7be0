// path_open: open a file or directory beneath a directory descriptor (see sandbox_path.h).
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "wasi/preview1/host_functions.h"
#include "wasi/preview1/sandbox_path.h"

namespace wasmrun::wasi::preview1 {

Errno path_open(Call& c, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len, uint32_t oflags,
                uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out) {
  Rights needed = right::kPathOpen;
  if (oflags & oflag::kCreat) needed |= right::kPathCreateFile;
  if (oflags & oflag::kTrunc) needed |= right::kPathFilestatSetSize;
  if (oflags & ~uint32_t(oflag::kCreat | oflag::kDirectory | oflag::kExcl | oflag::kTrunc)) return Errno::Inval;
  Descriptor* dir;
  ResolvedPath r;
  WASI_TRY(resolve_guest_path(c, fd, needed, path, path_len, dirflags & lookupflag::kSymlinkFollow, r, &dir));

  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  if (oflags & oflag::kCreat) flags |= O_CREAT;
  if (oflags & oflag::kDirectory) flags |= O_DIRECTORY;
  if (oflags & oflag::kExcl) flags |= O_EXCL;
  if (oflags & oflag::kTrunc) flags |= O_TRUNC;
  bool read = rights_base & (right::kFdRead | right::kFdReaddir);
  bool write = rights_base & (right::kFdWrite | right::kFdAllocate | right::kFdFilestatSetSize);
  if (oflags & oflag::kDirectory) write = false;
  flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (fdflags & fdflag::kAppend) flags |= O_APPEND;
  if (fdflags & fdflag::kDsync) flags |= O_DSYNC;
  if (fdflags & fdflag::kSync) flags |= O_SYNC;
  if (fdflags & fdflag::kRsync) flags |= O_RSYNC;
  if (fdflags & fdflag::kNonblock) flags |= O_NONBLOCK;

  int host = openat(r.parent, r.syscall_name().c_str(), flags, 0666);
  if (host < 0 && errno == EISDIR && write && !(oflags & (oflag::kCreat | oflag::kTrunc))) {
    // Rights asking for writing on a directory: open it for reading, as a directory needs.
    host = openat(r.parent, r.syscall_name().c_str(), (flags & ~(O_WRONLY | O_RDWR)) | O_RDONLY, 0666);
  }
  if (host < 0) return errno_from_host(errno);
  Descriptor d;
  d.owned.reset(host);
  d.host_fd = host;
  struct stat st{};
  if (fstat(host, &st) != 0) return errno_from_host(errno);
  d.type = filetype_from_mode(st.st_mode);
  d.base = rights_base & dir->inheriting & max_base_rights(d.type);
  d.inheriting = rights_inheriting & dir->inheriting & max_inheriting_rights(d.type);
  uint32_t new_fd = 0;
  WASI_TRY(c.ctx.fds().insert(std::move(d), new_fd));
  if (Errno e = c.mem.store<uint32_t>(fd_out, new_fd); e != Errno::Success) {
    (void)c.ctx.fds().close(new_fd);
    return e;
  }
  return Errno::Success;
}

}  // namespace wasmrun::wasi::preview1
