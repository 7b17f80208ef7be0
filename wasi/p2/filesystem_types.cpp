// wasi:filesystem/types: descriptors over host fds. Every path is resolved beneath the
// descriptor's directory with preview1's resolve_path (wasi/preview1/sandbox_path.h), so the
// sandbox rules are preview1's: no absolute paths, no climbing above the directory, symbolic
// links followed within it; an escape is `not-permitted` (WASI 0.2 has no not-capable; Wasmtime
// says the same). Directories carry read and mutate-directory from their preopen, as Wasmtime's
// DirPerms: without mutate-directory nothing beneath can be created, changed or removed.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "wasi/p2/context.h"
#include "wasi/preview1/sandbox_path.h"
#include "wit/wasi_filesystem.h"
#include "wit/wasi_filesystem_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace fs = bindings::wasi::filesystem::types;
using fs::ErrorCode;
using preview1::Errno;
template <class T>
using FsResult = component::Result<T, ErrorCode>;
using Unit = std::monostate;

ErrorCode code_of_host(int e) {
  switch (e) {
    case EACCES: return ErrorCode::Access;
    case EAGAIN: return ErrorCode::WouldBlock;
    case EALREADY: return ErrorCode::Already;
    case EBADF: return ErrorCode::BadDescriptor;
    case EBUSY: return ErrorCode::Busy;
    case EDEADLK: return ErrorCode::Deadlock;
    case EDQUOT: return ErrorCode::Quota;
    case EEXIST: return ErrorCode::Exist;
    case EFBIG: return ErrorCode::FileTooLarge;
    case EILSEQ: return ErrorCode::IllegalByteSequence;
    case EINPROGRESS: return ErrorCode::InProgress;
    case EINTR: return ErrorCode::Interrupted;
    case EINVAL: return ErrorCode::Invalid;
    case EISDIR: return ErrorCode::IsDirectory;
    case ELOOP: return ErrorCode::Loop;
    case EMLINK: return ErrorCode::TooManyLinks;
    case EMSGSIZE: return ErrorCode::MessageSize;
    case ENAMETOOLONG: return ErrorCode::NameTooLong;
    case ENODEV: return ErrorCode::NoDevice;
    case ENOENT: return ErrorCode::NoEntry;
    case ENOLCK: return ErrorCode::NoLock;
    case ENOMEM: return ErrorCode::InsufficientMemory;
    case ENOSPC: return ErrorCode::InsufficientSpace;
    case ENOTDIR: return ErrorCode::NotDirectory;
    case ENOTEMPTY: return ErrorCode::NotEmpty;
    case ENOTRECOVERABLE: return ErrorCode::NotRecoverable;
    case ENOTSUP: return ErrorCode::Unsupported;
    case ENOTTY: return ErrorCode::NoTty;
    case ENXIO: return ErrorCode::NoSuchDevice;
    case EOVERFLOW: return ErrorCode::Overflow;
    case EPERM: return ErrorCode::NotPermitted;
    case EPIPE: return ErrorCode::Pipe;
    case EROFS: return ErrorCode::ReadOnly;
    case ESPIPE: return ErrorCode::InvalidSeek;
    case ETXTBSY: return ErrorCode::TextFileBusy;
    case EXDEV: return ErrorCode::CrossDevice;
    default: return ErrorCode::Io;
  }
}

// resolve_path's failures: its own (NotCapable for an escape, Loop, NameTooLong) or a host errno.
ErrorCode code_of(Errno e) {
  switch (e) {
    case Errno::NotCapable: return ErrorCode::NotPermitted;
    case Errno::Acces: return ErrorCode::Access;
    case Errno::BadF: return ErrorCode::BadDescriptor;
    case Errno::Exist: return ErrorCode::Exist;
    case Errno::Inval: return ErrorCode::Invalid;
    case Errno::IlSeq: return ErrorCode::IllegalByteSequence;
    case Errno::IsDir: return ErrorCode::IsDirectory;
    case Errno::Loop: return ErrorCode::Loop;
    case Errno::NameTooLong: return ErrorCode::NameTooLong;
    case Errno::NoEnt: return ErrorCode::NoEntry;
    case Errno::NoMem: return ErrorCode::InsufficientMemory;
    case Errno::NotDir: return ErrorCode::NotDirectory;
    case Errno::Perm: return ErrorCode::NotPermitted;
    default: return ErrorCode::Io;
  }
}

fs::DescriptorType type_of(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFBLK: return fs::DescriptorType::BlockDevice;
    case S_IFCHR: return fs::DescriptorType::CharacterDevice;
    case S_IFDIR: return fs::DescriptorType::Directory;
    case S_IFIFO: return fs::DescriptorType::Fifo;
    case S_IFLNK: return fs::DescriptorType::SymbolicLink;
    case S_IFREG: return fs::DescriptorType::RegularFile;
    case S_IFSOCK: return fs::DescriptorType::Socket;
    default: return fs::DescriptorType::Unknown;
  }
}

fs::Datetime datetime(const timespec& ts) { return {uint64_t(ts.tv_sec), uint32_t(ts.tv_nsec)}; }

fs::DescriptorStat stat_of(const struct stat& st) {
  return fs::DescriptorStat{type_of(st.st_mode), uint64_t(st.st_nlink), uint64_t(st.st_size), datetime(st.st_atim),
                            datetime(st.st_mtim), datetime(st.st_ctim)};
}

// Wasmtime hashes (device, inode); any stable, distinct-per-object pair does.
fs::MetadataHashValue hash_of(const struct stat& st) {
  uint64_t dev = uint64_t(st.st_dev) * 0x9E3779B97F4A7C15ull;
  return fs::MetadataHashValue{uint64_t(st.st_ino) ^ dev, uint64_t(st.st_dev)};
}

timespec timespec_of(const fs::NewTimestamp& t) {
  switch (t.which()) {
    case fs::NewTimestamp::Case::NoChange: return {0, UTIME_OMIT};
    case fs::NewTimestamp::Case::Now: return {0, UTIME_NOW};
    case fs::NewTimestamp::Case::Timestamp: {
      const auto& d = std::get<2>(t.v);
      return {time_t(d.seconds), long(d.nanoseconds)};
    }
  }
  return {0, UTIME_OMIT};
}

class FilesystemHost final : public fs::Host {
 public:
  explicit FilesystemHost(WasiP2& wasi) : wasi_(wasi) {}

  TrapOr<void> descriptor_drop(Resource<fs::Descriptor> self) override {
    wasi_.remove<DescriptorObject>(self);
    return {};
  }
  TrapOr<void> directory_entry_stream_drop(Resource<fs::DirectoryEntryStream> self) override {
    wasi_.remove<DirectoryEntryStreamObject>(self);
    return {};
  }

  TrapOr<FsResult<Resource<fs::InputStream>>> descriptor_read_via_stream(Borrow<fs::Descriptor> self,
                                                                         fs::Filesize offset) override {
    using R = FsResult<Resource<fs::InputStream>>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!(d->flags & fs::DescriptorFlags::read)) return R::err(ErrorCode::BadDescriptor);
    if (d->directory) return R::err(ErrorCode::IsDirectory);
    auto r = wasi_.push<fs::InputStream>(InputStreamObject{fd_input_stream({d->fd->get(), d->fd, offset})});
    if (!r) return r.take_trap();
    return R::ok(*r);
  }
  TrapOr<FsResult<Resource<fs::OutputStream>>> descriptor_write_via_stream(Borrow<fs::Descriptor> self,
                                                                           fs::Filesize offset) override {
    return output(self, offset, false);
  }
  TrapOr<FsResult<Resource<fs::OutputStream>>> descriptor_append_via_stream(Borrow<fs::Descriptor> self) override {
    return output(self, 0, true);
  }
  TrapOr<FsResult<Unit>> descriptor_advise(Borrow<fs::Descriptor> self, fs::Filesize offset, fs::Filesize length,
                                           fs::Advice advice) override {
    static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                      POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    int e = posix_fadvise(d->fd->get(), off_t(offset), off_t(length), kAdvice[uint32_t(advice) % 6]);
    return e ? FsResult<Unit>::err(code_of_host(e)) : FsResult<Unit>::ok({});
  }
  TrapOr<FsResult<Unit>> descriptor_sync_data(Borrow<fs::Descriptor> self) override {
    return unit(self, [](int fd) { return fdatasync(fd); });
  }
  TrapOr<FsResult<Unit>> descriptor_sync(Borrow<fs::Descriptor> self) override {
    return unit(self, [](int fd) { return fsync(fd); });
  }
  TrapOr<FsResult<fs::DescriptorFlags>> descriptor_get_flags(Borrow<fs::Descriptor> self) override {
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    return FsResult<fs::DescriptorFlags>::ok(fs::DescriptorFlags(d->flags));
  }
  TrapOr<FsResult<fs::DescriptorType>> descriptor_get_type(Borrow<fs::Descriptor> self) override {
    auto st = stat(self);
    if (!st) return st.take_trap();
    if (!st->is_ok()) return FsResult<fs::DescriptorType>::err(st->error());
    return FsResult<fs::DescriptorType>::ok(type_of(st->value().st_mode));
  }
  TrapOr<FsResult<Unit>> descriptor_set_size(Borrow<fs::Descriptor> self, fs::Filesize size) override {
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!(d->flags & fs::DescriptorFlags::write)) return FsResult<Unit>::err(ErrorCode::BadDescriptor);
    return unit(self, [size](int fd) { return ftruncate(fd, off_t(size)); });
  }
  TrapOr<FsResult<Unit>> descriptor_set_times(Borrow<fs::Descriptor> self, fs::NewTimestamp atime,
                                              fs::NewTimestamp mtime) override {
    timespec times[2] = {timespec_of(atime), timespec_of(mtime)};
    return unit(self, [&](int fd) { return futimens(fd, times); });
  }
  TrapOr<FsResult<std::tuple<std::vector<uint8_t>, bool>>> descriptor_read(Borrow<fs::Descriptor> self,
                                                                           fs::Filesize length,
                                                                           fs::Filesize offset) override {
    using R = FsResult<std::tuple<std::vector<uint8_t>, bool>>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!(d->flags & fs::DescriptorFlags::read)) return R::err(ErrorCode::BadDescriptor);
    std::vector<uint8_t> buf(std::min<uint64_t>(length, 1 << 20));
    ssize_t n;
    do n = pread(d->fd->get(), buf.data(), buf.size(), off_t(offset));
    while (n < 0 && errno == EINTR);
    if (n < 0) return R::err(code_of_host(errno));
    buf.resize(size_t(n));
    bool end = n == 0 && length > 0;
    return R::ok({std::move(buf), end});
  }
  TrapOr<FsResult<fs::Filesize>> descriptor_write(Borrow<fs::Descriptor> self, std::vector<uint8_t> buffer,
                                                  fs::Filesize offset) override {
    using R = FsResult<fs::Filesize>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!(d->flags & fs::DescriptorFlags::write)) return R::err(ErrorCode::BadDescriptor);
    ssize_t n;
    do n = pwrite(d->fd->get(), buffer.data(), buffer.size(), off_t(offset));
    while (n < 0 && errno == EINTR);
    if (n < 0) return R::err(code_of_host(errno));
    return R::ok(uint64_t(n));
  }
  TrapOr<FsResult<Resource<fs::DirectoryEntryStream>>> descriptor_read_directory(Borrow<fs::Descriptor> self) override {
    using R = FsResult<Resource<fs::DirectoryEntryStream>>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!d->directory) return R::err(ErrorCode::NotDirectory);
    int fd = openat(d->fd->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return R::err(code_of_host(errno));
    DIR* dir = fdopendir(fd);
    if (!dir) {
      close(fd);
      return R::err(code_of_host(errno));
    }
    DirectoryEntryStreamObject entries;
    errno = 0;
    while (dirent* e = readdir(dir)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;  // the WIT: not listed
      struct stat st {};
      mode_t mode = DTTOIF(e->d_type);
      if (e->d_type == DT_UNKNOWN && fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) mode = st.st_mode;
      entries.entries.emplace_back(std::move(name), uint8_t(type_of(mode)));
    }
    int e = errno;
    closedir(dir);
    if (e) return R::err(code_of_host(e));
    auto r = wasi_.push<fs::DirectoryEntryStream>(std::move(entries));
    if (!r) return r.take_trap();
    return R::ok(*r);
  }
  TrapOr<FsResult<Unit>> descriptor_create_directory_at(Borrow<fs::Descriptor> self, std::string path) override {
    return at(self, path, false, true, [](const preview1::ResolvedPath& r) {
      return mkdirat(r.parent, r.syscall_name().c_str(), 0777);
    });
  }
  TrapOr<FsResult<fs::DescriptorStat>> descriptor_stat(Borrow<fs::Descriptor> self) override {
    auto st = stat(self);
    if (!st) return st.take_trap();
    if (!st->is_ok()) return FsResult<fs::DescriptorStat>::err(st->error());
    return FsResult<fs::DescriptorStat>::ok(stat_of(st->value()));
  }
  TrapOr<FsResult<fs::DescriptorStat>> descriptor_stat_at(Borrow<fs::Descriptor> self, fs::PathFlags path_flags,
                                                          std::string path) override {
    auto st = stat_at(self, path_flags, path);
    if (!st) return st.take_trap();
    if (!st->is_ok()) return FsResult<fs::DescriptorStat>::err(st->error());
    return FsResult<fs::DescriptorStat>::ok(stat_of(st->value()));
  }
  TrapOr<FsResult<Unit>> descriptor_set_times_at(Borrow<fs::Descriptor> self, fs::PathFlags path_flags,
                                                 std::string path, fs::NewTimestamp atime,
                                                 fs::NewTimestamp mtime) override {
    timespec times[2] = {timespec_of(atime), timespec_of(mtime)};
    bool follow = path_flags.has(fs::PathFlags::symlink_follow);
    return at(self, path, follow, false, [&](const preview1::ResolvedPath& r) {
      return utimensat(r.parent, r.syscall_name().c_str(), times, follow ? 0 : AT_SYMLINK_NOFOLLOW);
    });
  }
  TrapOr<FsResult<Unit>> descriptor_link_at(Borrow<fs::Descriptor> self, fs::PathFlags old_flags, std::string old_path,
                                            Borrow<fs::Descriptor> new_descriptor, std::string new_path) override {
    bool follow = old_flags.has(fs::PathFlags::symlink_follow);
    return two_paths(self, old_path, follow, new_descriptor, new_path,
                     [follow](const preview1::ResolvedPath& from, const preview1::ResolvedPath& to) {
                       return linkat(from.parent, from.syscall_name().c_str(), to.parent, to.syscall_name().c_str(),
                                     follow ? AT_SYMLINK_FOLLOW : 0);
                     });
  }
  TrapOr<FsResult<Resource<fs::Descriptor>>> descriptor_open_at(Borrow<fs::Descriptor> self, fs::PathFlags path_flags,
                                                                std::string path, fs::OpenFlags open_flags,
                                                                fs::DescriptorFlags flags) override {
    using R = FsResult<Resource<fs::Descriptor>>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!d->directory) return R::err(ErrorCode::NotDirectory);
    // No more rights than the parent (Wasmtime: not-permitted).
    bool write = flags.has(fs::DescriptorFlags::write);
    if ((write || flags.has(fs::DescriptorFlags::mutate_directory)) &&
        !(d->flags & fs::DescriptorFlags::mutate_directory))
      return R::err(ErrorCode::NotPermitted);
    bool creating = open_flags.has(fs::OpenFlags::create) || open_flags.has(fs::OpenFlags::truncate);
    if (creating && !(d->flags & fs::DescriptorFlags::mutate_directory)) return R::err(ErrorCode::NotPermitted);
    bool follow = path_flags.has(fs::PathFlags::symlink_follow);
    preview1::ResolvedPath r;
    if (Errno e = preview1::resolve_path(d->fd->get(), path, follow, r); e != Errno::Success) return R::err(code_of(e));
    int oflags = O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
    if (open_flags.has(fs::OpenFlags::create)) oflags |= O_CREAT;
    if (open_flags.has(fs::OpenFlags::directory)) oflags |= O_DIRECTORY;
    if (open_flags.has(fs::OpenFlags::exclusive)) oflags |= O_EXCL;
    if (open_flags.has(fs::OpenFlags::truncate)) oflags |= O_TRUNC;
    if (flags.has(fs::DescriptorFlags::file_integrity_sync)) oflags |= O_SYNC;
    if (flags.has(fs::DescriptorFlags::data_integrity_sync)) oflags |= O_DSYNC;
    if (flags.has(fs::DescriptorFlags::requested_write_sync)) oflags |= O_RSYNC;
    bool read = flags.has(fs::DescriptorFlags::read);
    oflags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
    int fd = openat(r.parent, r.syscall_name().c_str(), oflags, 0666);
    // A directory cannot be opened for writing; opened read-only it is one.
    if (fd < 0 && errno == EISDIR && write) return R::err(ErrorCode::IsDirectory);
    if (fd < 0 && (errno == ELOOP || errno == EMLINK) && !follow) return R::err(ErrorCode::Loop);
    if (fd < 0) return R::err(code_of_host(errno));
    auto owned = std::make_shared<preview1::UniqueFd>(fd);
    struct stat st {};
    if (fstat(fd, &st) != 0) return R::err(code_of_host(errno));
    // A directory has its parent's permissions whatever the flags ask (Wasmtime's DirPerms are
    // inherited); a file the read/write it was opened with.
    bool directory = S_ISDIR(st.st_mode);
    DescriptorObject child{owned, directory, directory ? d->flags : flags.bits};
    auto handle = wasi_.push<fs::Descriptor>(std::move(child));
    if (!handle) return handle.take_trap();
    return R::ok(*handle);
  }
  TrapOr<FsResult<std::string>> descriptor_readlink_at(Borrow<fs::Descriptor> self, std::string path) override {
    using R = FsResult<std::string>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    preview1::ResolvedPath r;
    if (Errno e = preview1::resolve_path(d->fd->get(), path, false, r); e != Errno::Success) return R::err(code_of(e));
    std::string target(PATH_MAX, '\0');
    ssize_t n = readlinkat(r.parent, r.name.c_str(), target.data(), target.size());
    if (n < 0) return R::err(code_of_host(errno));
    target.resize(size_t(n));
    return R::ok(std::move(target));
  }
  TrapOr<FsResult<Unit>> descriptor_remove_directory_at(Borrow<fs::Descriptor> self, std::string path) override {
    return at(self, path, false, true, [](const preview1::ResolvedPath& r) {
      return unlinkat(r.parent, r.name.c_str(), AT_REMOVEDIR);
    });
  }
  TrapOr<FsResult<Unit>> descriptor_rename_at(Borrow<fs::Descriptor> self, std::string old_path,
                                              Borrow<fs::Descriptor> new_descriptor, std::string new_path) override {
    return two_paths(self, old_path, false, new_descriptor, new_path,
                     [](const preview1::ResolvedPath& from, const preview1::ResolvedPath& to) {
                       return renameat(from.parent, from.syscall_name().c_str(), to.parent, to.syscall_name().c_str());
                     });
  }
  TrapOr<FsResult<Unit>> descriptor_symlink_at(Borrow<fs::Descriptor> self, std::string old_path,
                                               std::string new_path) override {
    // An absolute target would point outside the sandbox (Wasmtime: not-permitted).
    if (old_path.starts_with("/")) return FsResult<Unit>::err(ErrorCode::NotPermitted);
    return at(self, new_path, false, true, [&](const preview1::ResolvedPath& r) {
      return symlinkat(old_path.c_str(), r.parent, r.syscall_name().c_str());
    });
  }
  TrapOr<FsResult<Unit>> descriptor_unlink_file_at(Borrow<fs::Descriptor> self, std::string path) override {
    return at(self, path, false, true, [](const preview1::ResolvedPath& r) {
      if (r.trailing_slash) {
        errno = ENOTDIR;
        return -1;
      }
      return unlinkat(r.parent, r.name.c_str(), 0);
    });
  }
  TrapOr<bool> descriptor_is_same_object(Borrow<fs::Descriptor> self, Borrow<fs::Descriptor> other) override {
    auto a = stat(self), b = stat(other);
    if (!a) return a.take_trap();
    if (!b) return b.take_trap();
    if (!a->is_ok() || !b->is_ok()) return false;
    return a->value().st_dev == b->value().st_dev && a->value().st_ino == b->value().st_ino;
  }
  TrapOr<FsResult<fs::MetadataHashValue>> descriptor_metadata_hash(Borrow<fs::Descriptor> self) override {
    auto st = stat(self);
    if (!st) return st.take_trap();
    if (!st->is_ok()) return FsResult<fs::MetadataHashValue>::err(st->error());
    return FsResult<fs::MetadataHashValue>::ok(hash_of(st->value()));
  }
  TrapOr<FsResult<fs::MetadataHashValue>> descriptor_metadata_hash_at(Borrow<fs::Descriptor> self,
                                                                      fs::PathFlags path_flags,
                                                                      std::string path) override {
    auto st = stat_at(self, path_flags, path);
    if (!st) return st.take_trap();
    if (!st->is_ok()) return FsResult<fs::MetadataHashValue>::err(st->error());
    return FsResult<fs::MetadataHashValue>::ok(hash_of(st->value()));
  }
  TrapOr<FsResult<std::optional<fs::DirectoryEntry>>> directory_entry_stream_read_directory_entry(
      Borrow<fs::DirectoryEntryStream> self) override {
    using R = FsResult<std::optional<fs::DirectoryEntry>>;
    auto* s = wasi_.get<DirectoryEntryStreamObject>(self);
    if (!s) return unknown_handle("directory-entry-stream");
    if (s->next == s->entries.size()) return R::ok(std::nullopt);
    auto& [name, type] = s->entries[s->next++];
    return R::ok(fs::DirectoryEntry{fs::DescriptorType(type), std::move(name)});
  }
  TrapOr<std::optional<ErrorCode>> filesystem_error_code(Borrow<fs::Error> err) override {
    auto* e = wasi_.get<ErrorObject>(err);
    if (!e) return unknown_handle("error");
    if (!e->host_errno) return std::optional<ErrorCode>();
    return std::optional<ErrorCode>(code_of_host(e->host_errno));
  }

 private:
  TrapOr<FsResult<Resource<fs::OutputStream>>> output(Borrow<fs::Descriptor> self, uint64_t offset, bool append) {
    using R = FsResult<Resource<fs::OutputStream>>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!(d->flags & fs::DescriptorFlags::write)) return R::err(ErrorCode::BadDescriptor);
    if (d->directory) return R::err(ErrorCode::IsDirectory);
    FdStreamTarget target{d->fd->get(), d->fd, offset};
    if (append) {
      // An O_APPEND duplicate: writes go to the end whatever else writes to the file.
      int fd = open(("/proc/self/fd/" + std::to_string(d->fd->get())).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
      if (fd < 0) return R::err(code_of_host(errno));
      target = {fd, std::make_shared<preview1::UniqueFd>(fd), std::nullopt, true};
    }
    auto r = wasi_.push<fs::OutputStream>(OutputStreamObject{fd_output_stream(std::move(target))});
    if (!r) return r.take_trap();
    return R::ok(*r);
  }

  template <class F>
  TrapOr<FsResult<Unit>> unit(Borrow<fs::Descriptor> self, F f) {
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (f(d->fd->get()) != 0) return FsResult<Unit>::err(code_of_host(errno));
    return FsResult<Unit>::ok({});
  }

  TrapOr<FsResult<struct stat>> stat(Borrow<fs::Descriptor> self) {
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    struct stat st {};
    if (fstat(d->fd->get(), &st) != 0) return FsResult<struct stat>::err(code_of_host(errno));
    return FsResult<struct stat>::ok(st);
  }

  TrapOr<FsResult<struct stat>> stat_at(Borrow<fs::Descriptor> self, fs::PathFlags path_flags, const std::string& path) {
    using R = FsResult<struct stat>;
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    bool follow = path_flags.has(fs::PathFlags::symlink_follow);
    preview1::ResolvedPath r;
    if (Errno e = preview1::resolve_path(d->fd->get(), path, follow, r); e != Errno::Success) return R::err(code_of(e));
    struct stat st {};
    if (fstatat(r.parent, r.syscall_name().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return R::err(code_of_host(errno));
    return R::ok(st);
  }

  // A call on one path beneath the descriptor; `mutates` needs mutate-directory.
  template <class F>
  TrapOr<FsResult<Unit>> at(Borrow<fs::Descriptor> self, const std::string& path, bool follow, bool mutates, F f) {
    auto* d = wasi_.get<DescriptorObject>(self);
    if (!d) return unknown_handle("descriptor");
    if (!d->directory) return FsResult<Unit>::err(ErrorCode::NotDirectory);
    if (mutates && !(d->flags & fs::DescriptorFlags::mutate_directory)) return FsResult<Unit>::err(ErrorCode::NotPermitted);
    preview1::ResolvedPath r;
    if (Errno e = preview1::resolve_path(d->fd->get(), path, follow, r); e != Errno::Success)
      return FsResult<Unit>::err(code_of(e));
    if (f(r) != 0) return FsResult<Unit>::err(code_of_host(errno));
    return FsResult<Unit>::ok({});
  }

  template <class F>
  TrapOr<FsResult<Unit>> two_paths(Borrow<fs::Descriptor> self, const std::string& old_path, bool follow,
                                   Borrow<fs::Descriptor> other, const std::string& new_path, F f) {
    auto* from = wasi_.get<DescriptorObject>(self);
    auto* to = wasi_.get<DescriptorObject>(other);
    if (!from || !to) return unknown_handle("descriptor");
    if (!(from->flags & to->flags & fs::DescriptorFlags::mutate_directory))
      return FsResult<Unit>::err(ErrorCode::NotPermitted);
    preview1::ResolvedPath a, b;
    if (Errno e = preview1::resolve_path(from->fd->get(), old_path, follow, a); e != Errno::Success)
      return FsResult<Unit>::err(code_of(e));
    if (Errno e = preview1::resolve_path(to->fd->get(), new_path, false, b); e != Errno::Success)
      return FsResult<Unit>::err(code_of(e));
    if (f(a, b) != 0) return FsResult<Unit>::err(code_of_host(errno));
    return FsResult<Unit>::ok({});
  }

  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_filesystem_types(component::Linker& linker, WasiP2& wasi) {
  return fs::add_to_linker(linker, wasi.keep(std::make_unique<FilesystemHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
