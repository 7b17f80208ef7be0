// The preview1 functions, one C++ function each, with the parameters of the wasm import (i32 as
// uint32_t, i64 as uint64_t) after the context and the caller's memory. Each returns the errno the
// guest sees. proc_exit is not here: it ends the computation, which api/wasi.cpp's binding does
// through Caller::exit.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <cstdint>

#include "wasi/preview1/context.h"
#include "wasi/preview1/guest_memory.h"

namespace wasmrun::wasi::preview1 {

struct Call {
  Context& ctx;
  GuestMemory mem;
};

// args_env.cpp
Errno args_get(Call& c, uint32_t argv, uint32_t argv_buf);
Errno args_sizes_get(Call& c, uint32_t argc_out, uint32_t size_out);
Errno environ_get(Call& c, uint32_t environ, uint32_t environ_buf);
Errno environ_sizes_get(Call& c, uint32_t count_out, uint32_t size_out);

// clock_random.cpp
Errno clock_res_get(Call& c, uint32_t id, uint32_t out);
Errno clock_time_get(Call& c, uint32_t id, uint64_t precision, uint32_t out);
Errno random_get(Call& c, uint32_t buf, uint32_t len);
Errno sched_yield(Call& c);
Errno proc_raise(Call& c, uint32_t signal);

// fd_io.cpp
Errno fd_read(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out);
Errno fd_pread(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nread_out);
Errno fd_write(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out);
Errno fd_pwrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nwritten_out);
Errno fd_seek(Call& c, uint32_t fd, uint64_t delta, uint32_t whence, uint32_t offset_out);
Errno fd_tell(Call& c, uint32_t fd, uint32_t offset_out);
Errno fd_close(Call& c, uint32_t fd);
Errno fd_renumber(Call& c, uint32_t from, uint32_t to);
Errno fd_sync(Call& c, uint32_t fd);
Errno fd_datasync(Call& c, uint32_t fd);
Errno fd_advise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
Errno fd_allocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len);

// fd_stat.cpp
Errno fd_fdstat_get(Call& c, uint32_t fd, uint32_t out);
Errno fd_fdstat_set_flags(Call& c, uint32_t fd, uint32_t flags);
Errno fd_fdstat_set_rights(Call& c, uint32_t fd, uint64_t base, uint64_t inheriting);
Errno fd_filestat_get(Call& c, uint32_t fd, uint32_t out);
Errno fd_filestat_set_size(Call& c, uint32_t fd, uint64_t size);
Errno fd_filestat_set_times(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t flags);
Errno fd_prestat_get(Call& c, uint32_t fd, uint32_t out);
Errno fd_prestat_dir_name(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);

// fd_readdir.cpp
Errno fd_readdir(Call& c, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie, uint32_t used_out);

// path_open.cpp
Errno path_open(Call& c, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len, uint32_t oflags,
                uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out);

// path_ops.cpp
Errno path_create_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_remove_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_unlink_file(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_rename(Call& c, uint32_t fd, uint32_t old_path, uint32_t old_len, uint32_t new_fd, uint32_t new_path,
                  uint32_t new_len);
Errno path_link(Call& c, uint32_t old_fd, uint32_t old_flags, uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                uint32_t new_path, uint32_t new_len);
Errno path_symlink(Call& c, uint32_t old_path, uint32_t old_len, uint32_t fd, uint32_t new_path, uint32_t new_len);
Errno path_readlink(Call& c, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf, uint32_t buf_len,
                    uint32_t used_out);
Errno path_filestat_get(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint32_t out);
Errno path_filestat_set_times(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint64_t atim,
                              uint64_t mtim, uint32_t fst_flags);

// poll.cpp
Errno poll_oneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubscriptions, uint32_t nevents_out);

// sockets.cpp: no sockets are ever handed to a guest, so these report why they cannot work.
Errno sock_accept(Call& c, uint32_t fd, uint32_t flags, uint32_t fd_out);
Errno sock_recv(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t flags, uint32_t len_out,
                uint32_t flags_out);
Errno sock_send(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t flags, uint32_t len_out);
Errno sock_shutdown(Call& c, uint32_t fd, uint32_t how);

// Shared by the files above.
struct ResolvedPath;
// Resolves a guest path (ptr, len) beneath the directory `fd`, which must hold `rights`.
Errno resolve_guest_path(Call& c, uint32_t fd, Rights rights, uint32_t path, uint32_t path_len, bool follow,
                         ResolvedPath& out, Descriptor** dir_out);
Errno write_filestat(const GuestMemory& mem, uint32_t out, const struct stat& st);
// The timespec pair for futimens/utimensat from preview1's times and fstflags; Inval when a time
// is both given and "now".
Errno times_from_flags(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec (&times)[2]);

}  // namespace wasmrun::wasi::preview1
