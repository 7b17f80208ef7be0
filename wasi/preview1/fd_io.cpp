// Reading, writing, seeking, syncing and closing descriptors. Guest iovecs are translated into
// host iovecs that point straight into linear memory, so data is never copied twice.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <vector>

#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {

// At most IOV_MAX buffers go to one system call; a guest passing more gets a short transfer,
// which preview1 allows.
Errno host_iovecs(const GuestMemory& mem, uint32_t iovs, uint32_t iovs_len, std::vector<iovec>& out) {
  uint32_t count = std::min<uint32_t>(iovs_len, IOV_MAX);
  if (!mem.contains(iovs, uint64_t(iovs_len) * layout::kIovecSize)) return Errno::Fault;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    WASI_TRY(mem.load(iovs + i * layout::kIovecSize, buf));
    WASI_TRY(mem.load(iovs + i * layout::kIovecSize + 4, len));
    std::span<uint8_t> bytes;
    WASI_TRY(mem.bytes(buf, len, bytes));
    out.push_back({bytes.data(), bytes.size()});
  }
  return Errno::Success;
}

template <class Io>
Errno transfer(Call& c, uint32_t fd, Rights rights, uint32_t iovs, uint32_t iovs_len, uint32_t out, Io io) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, rights, d));
  if (d->type == Filetype::Directory) return Errno::IsDir;
  std::vector<iovec> v;
  WASI_TRY(host_iovecs(c.mem, iovs, iovs_len, v));
  ssize_t n;
  do n = io(d->host_fd, v.data(), int(v.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_from_host(errno);
  return c.mem.store<uint32_t>(out, uint32_t(n));
}

}  // namespace

Errno fd_read(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t out) {
  return transfer(c, fd, right::kFdRead, iovs, iovs_len, out, [](int h, iovec* v, int n) { return readv(h, v, n); });
}

Errno fd_write(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t out) {
  return transfer(c, fd, right::kFdWrite, iovs, iovs_len, out, [](int h, iovec* v, int n) { return writev(h, v, n); });
}

Errno fd_pread(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t out) {
  if (offset > uint64_t(INT64_MAX)) return Errno::Inval;
  return transfer(c, fd, right::kFdRead | right::kFdSeek, iovs, iovs_len, out,
                  [offset](int h, iovec* v, int n) { return preadv(h, v, n, off_t(offset)); });
}

Errno fd_pwrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t out) {
  if (offset > uint64_t(INT64_MAX)) return Errno::Inval;
  return transfer(c, fd, right::kFdWrite | right::kFdSeek, iovs, iovs_len, out,
                  [offset](int h, iovec* v, int n) { return pwritev(h, v, n, off_t(offset)); });
}

Errno fd_seek(Call& c, uint32_t fd, uint64_t delta, uint32_t whence, uint32_t out) {
  int host_whence;
  switch (Whence(whence)) {
    case Whence::Set: host_whence = SEEK_SET; break;
    case Whence::Cur: host_whence = SEEK_CUR; break;
    case Whence::End: host_whence = SEEK_END; break;
    default: return Errno::Inval;
  }
  Rights needed = (Whence(whence) == Whence::Cur && delta == 0) ? right::kFdTell : right::kFdSeek;
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, needed, d));
  if (d->type == Filetype::Directory) return Errno::BadF;
  off_t position = lseek(d->host_fd, off_t(int64_t(delta)), host_whence);
  if (position < 0) return errno_from_host(errno);
  return c.mem.store<uint64_t>(out, uint64_t(position));
}

Errno fd_tell(Call& c, uint32_t fd, uint32_t out) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdTell, d));
  if (d->type == Filetype::Directory) return Errno::BadF;
  off_t position = lseek(d->host_fd, 0, SEEK_CUR);
  if (position < 0) return errno_from_host(errno);
  return c.mem.store<uint64_t>(out, uint64_t(position));
}

Errno fd_close(Call& c, uint32_t fd) { return c.ctx.fds().close(fd); }

Errno fd_renumber(Call& c, uint32_t from, uint32_t to) { return c.ctx.fds().renumber(from, to); }

Errno fd_sync(Call& c, uint32_t fd) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdSync, d));
  return fsync(d->host_fd) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_datasync(Call& c, uint32_t fd) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdDatasync, d));
  return fdatasync(d->host_fd) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_advise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (advice >= std::size(kAdvice) || offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX)) return Errno::Inval;
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdAdvise, d));
  if (d->type == Filetype::Directory) return Errno::BadF;
  return errno_from_host(posix_fadvise(d->host_fd, off_t(offset), off_t(len), kAdvice[advice]));
}

Errno fd_allocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len) {
  if (offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX) - offset) return Errno::Inval;
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdAllocate, d));
  if (d->type == Filetype::Directory) return Errno::BadF;
  return errno_from_host(posix_fallocate(d->host_fd, off_t(offset), off_t(len)));
}

}  // namespace wasmrun::wasi::preview1
