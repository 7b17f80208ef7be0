// Descriptor and file status: fdstat, filestat, prestat, and changing flags, rights, size, times.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {
uint64_t nanoseconds(const timespec& t) { return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec); }
}  // namespace

Errno write_filestat(const GuestMemory& mem, uint32_t out, const struct stat& st) {
  if (!mem.contains(out, layout::kFilestatSize)) return Errno::Fault;
  std::span<uint8_t> zero;
  WASI_TRY(mem.bytes(out, layout::kFilestatSize, zero));
  std::memset(zero.data(), 0, zero.size());
  WASI_TRY(mem.store<uint64_t>(out + 0, uint64_t(st.st_dev)));
  WASI_TRY(mem.store<uint64_t>(out + 8, uint64_t(st.st_ino)));
  WASI_TRY(mem.store<uint8_t>(out + 16, uint8_t(filetype_from_mode(st.st_mode))));
  WASI_TRY(mem.store<uint64_t>(out + 24, uint64_t(st.st_nlink)));
  WASI_TRY(mem.store<uint64_t>(out + 32, uint64_t(st.st_size)));
  WASI_TRY(mem.store<uint64_t>(out + 40, nanoseconds(st.st_atim)));
  WASI_TRY(mem.store<uint64_t>(out + 48, nanoseconds(st.st_mtim)));
  return mem.store<uint64_t>(out + 56, nanoseconds(st.st_ctim));
}

Errno times_from_flags(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec (&times)[2]) {
  if (flags & ~uint32_t(fstflag::kAtim | fstflag::kAtimNow | fstflag::kMtim | fstflag::kMtimNow)) return Errno::Inval;
  if ((flags & fstflag::kAtim) && (flags & fstflag::kAtimNow)) return Errno::Inval;
  if ((flags & fstflag::kMtim) && (flags & fstflag::kMtimNow)) return Errno::Inval;
  auto one = [](uint64_t ns, bool given, bool now) {
    timespec t{};
    if (given) {
      t.tv_sec = time_t(ns / 1'000'000'000u);
      t.tv_nsec = long(ns % 1'000'000'000u);
    } else {
      t.tv_nsec = now ? UTIME_NOW : UTIME_OMIT;
    }
    return t;
  };
  times[0] = one(atim, flags & fstflag::kAtim, flags & fstflag::kAtimNow);
  times[1] = one(mtim, flags & fstflag::kMtim, flags & fstflag::kMtimNow);
  return Errno::Success;
}

Errno fd_fdstat_get(Call& c, uint32_t fd, uint32_t out) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, 0, d));
  int host_flags = fcntl(d->host_fd, F_GETFL);
  if (host_flags < 0) return errno_from_host(errno);
  uint16_t flags = 0;
  if (host_flags & O_APPEND) flags |= fdflag::kAppend;
  if (host_flags & O_NONBLOCK) flags |= fdflag::kNonblock;
  if ((host_flags & O_SYNC) == O_SYNC) flags |= fdflag::kSync | fdflag::kRsync;
  else if (host_flags & O_DSYNC) flags |= fdflag::kDsync;
  if (!c.mem.contains(out, layout::kFdstatSize)) return Errno::Fault;
  WASI_TRY(c.mem.store<uint8_t>(out + 0, uint8_t(d->type)));
  WASI_TRY(c.mem.store<uint8_t>(out + 1, 0));
  WASI_TRY(c.mem.store<uint16_t>(out + 2, flags));
  WASI_TRY(c.mem.store<uint32_t>(out + 4, 0));
  WASI_TRY(c.mem.store<uint64_t>(out + 8, d->base));
  return c.mem.store<uint64_t>(out + 16, d->inheriting);
}

Errno fd_fdstat_set_flags(Call& c, uint32_t fd, uint32_t flags) {
  if (flags & ~uint32_t(fdflag::kAppend | fdflag::kDsync | fdflag::kNonblock | fdflag::kRsync | fdflag::kSync))
    return Errno::Inval;
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdFdstatSetFlags, d));
  // Linux changes only O_APPEND and O_NONBLOCK after open; the sync flags cannot be set later.
  if (flags & (fdflag::kDsync | fdflag::kRsync | fdflag::kSync)) return Errno::NotSup;
  int host_flags = fcntl(d->host_fd, F_GETFL);
  if (host_flags < 0) return errno_from_host(errno);
  host_flags &= ~(O_APPEND | O_NONBLOCK);
  if (flags & fdflag::kAppend) host_flags |= O_APPEND;
  if (flags & fdflag::kNonblock) host_flags |= O_NONBLOCK;
  return fcntl(d->host_fd, F_SETFL, host_flags) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_fdstat_set_rights(Call& c, uint32_t fd, uint64_t base, uint64_t inheriting) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, 0, d));
  // Rights can only be dropped, never regained.
  if ((base & ~d->base) || (inheriting & ~d->inheriting)) return Errno::NotCapable;
  d->base = base;
  d->inheriting = inheriting;
  return Errno::Success;
}

Errno fd_filestat_get(Call& c, uint32_t fd, uint32_t out) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdFilestatGet, d));
  struct stat st{};
  if (fstat(d->host_fd, &st) != 0) return errno_from_host(errno);
  return write_filestat(c.mem, out, st);
}

Errno fd_filestat_set_size(Call& c, uint32_t fd, uint64_t size) {
  if (size > uint64_t(INT64_MAX)) return Errno::Inval;
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdFilestatSetSize, d));
  return ftruncate(d->host_fd, off_t(size)) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_filestat_set_times(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t flags) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, right::kFdFilestatSetTimes, d));
  struct timespec times[2];
  WASI_TRY(times_from_flags(atim, mtim, flags, times));
  return futimens(d->host_fd, times) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_prestat_get(Call& c, uint32_t fd, uint32_t out) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, 0, d));
  if (!d->preopen) return Errno::BadF;
  if (!c.mem.contains(out, layout::kPrestatSize)) return Errno::Fault;
  WASI_TRY(c.mem.store<uint32_t>(out, kPreopentypeDir));  // the tag byte and its padding
  return c.mem.store<uint32_t>(out + 4, uint32_t(d->preopen->size()));
}

Errno fd_prestat_dir_name(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, 0, d));
  if (!d->preopen) return Errno::BadF;
  if (path_len < d->preopen->size()) return Errno::NameTooLong;
  std::span<uint8_t> dst;
  WASI_TRY(c.mem.bytes(path, d->preopen->size(), dst));
  std::memcpy(dst.data(), d->preopen->data(), dst.size());
  return Errno::Success;
}

}  // namespace wasmrun::wasi::preview1
