// fd_readdir: directory entries serialised as dirent headers followed by names. A cookie is the
// index of the next entry in the listing read when the cookie was 0.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {

Filetype filetype_from_dirent(unsigned char type) {
  switch (type) {
    case DT_REG: return Filetype::RegularFile;
    case DT_DIR: return Filetype::Directory;
    case DT_LNK: return Filetype::SymbolicLink;
    case DT_CHR: return Filetype::CharacterDevice;
    case DT_BLK: return Filetype::BlockDevice;
    case DT_SOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;
  }
}

Errno read_entries(int dir_fd, std::vector<DirEntry>& out) {
  // A fresh descriptor of the same directory, so the listing starts at its beginning and the
  // guest's descriptor keeps its own state.
  int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_from_host(errno);
  DIR* dir = fdopendir(fd);
  if (!dir) {
    int e = errno;
    close(fd);
    return errno_from_host(e);
  }
  out.clear();
  errno = 0;
  while (dirent* e = readdir(dir)) {
    DirEntry entry{e->d_name, uint64_t(e->d_ino), filetype_from_dirent(e->d_type)};
    if (e->d_type == DT_UNKNOWN) {
      struct stat st{};
      if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) entry.type = filetype_from_mode(st.st_mode);
    }
    out.push_back(std::move(entry));
  }
  int e = errno;
  closedir(dir);
  return errno_from_host(e);
}

}  // namespace

Errno fd_readdir(Call& c, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie, uint32_t used_out) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdReaddir, d));
  if (d->type != Filetype::Directory) return Errno::NotDir;
  std::span<uint8_t> dst;
  WASI_TRY(c.mem.bytes(buf, buf_len, dst));
  if (cookie == 0 || d->entries.empty()) WASI_TRY(read_entries(d->host_fd, d->entries));

  size_t used = 0;
  for (uint64_t i = cookie; i < d->entries.size() && used < dst.size(); ++i) {
    const DirEntry& e = d->entries[i];
    uint8_t header[layout::kDirentSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = uint32_t(e.name.size());
    std::memcpy(header + 0, &next, 8);
    std::memcpy(header + 8, &e.inode, 8);
    std::memcpy(header + 16, &namlen, 4);
    header[20] = uint8_t(e.type);
    // The last entry may be cut short: a full buffer tells the guest to ask again.
    size_t n = std::min(sizeof header, dst.size() - used);
    std::memcpy(dst.data() + used, header, n);
    used += n;
    n = std::min(e.name.size(), dst.size() - used);
    std::memcpy(dst.data() + used, e.name.data(), n);
    used += n;
  }
  return c.mem.store<uint32_t>(used_out, uint32_t(used));
}

}  // namespace wasmrun::wasi::preview1
