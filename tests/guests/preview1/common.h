// Shared by the preview1 test guests: each check prints one line "label: RESULT", where RESULT is
// OK or the preview1 errno's name, so the outputs of two runtimes can be compared line by line.
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const char* const kErrnoNames[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY", "BADF",
    "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK",
    "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ",
    "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE",
    "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
    "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS",
    "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO",
    "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS",
    "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE"};

static const char* errname(__wasi_errno_t e) {
  return e < sizeof kErrnoNames / sizeof kErrnoNames[0] ? (e == 0 ? "OK" : kErrnoNames[e]) : "?";
}

// check("label", errno): prints "label: OK" or "label: NOENT".
static void check(const char* label, __wasi_errno_t e) { printf("%s: %s\n", label, errname(e)); }

// expect(condition, "label %d", ...): prints "label: OK" or "label: WRONG".
static void expect(int ok, const char* format, ...) {
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  printf(": %s\n", ok ? "OK" : "WRONG");
}

// The first preopened directory (fd 3 under both runtimes' conventions).
enum { kDir = 3 };

static __wasi_errno_t open_at(__wasi_fd_t dir, const char* path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                              __wasi_fdflags_t fdflags, __wasi_fd_t* fd) {
  return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, rights, fdflags, fd);
}

static const __wasi_rights_t kReadRights = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |
                                           __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR |
                                           __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_POLL_FD_READWRITE;
static const __wasi_rights_t kWriteRights = kReadRights | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |
                                            __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_ALLOCATE |
                                            __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
                                            __WASI_RIGHTS_FD_FILESTAT_SET_TIMES;

// For directories opened to work in: what the preopen passes on (as wasi-libc asks).
static __wasi_rights_t dir_rights(void) {
  __wasi_fdstat_t st;
  return __wasi_fd_fdstat_get(kDir, &st) == 0 ? st.fs_rights_inheriting : 0;
}

// Opens a directory for reading, as wasi-libc's opendir does: every right the parent passes on,
// less the write rights, as base rights; all of them as inheriting rights.
static __wasi_errno_t open_dir(__wasi_fd_t dir, const char* path, __wasi_fd_t* fd) {
  __wasi_rights_t all = dir_rights();
  __wasi_rights_t base = all & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_DATASYNC |
                                 __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
  return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, __WASI_OFLAGS_DIRECTORY, base, all, 0, fd);
}

static __wasi_errno_t write_all(__wasi_fd_t fd, const char* text, __wasi_size_t* written) {
  __wasi_ciovec_t iov = {(const uint8_t*)text, strlen(text)};
  return __wasi_fd_write(fd, &iov, 1, written);
}

static __wasi_errno_t read_some(__wasi_fd_t fd, char* buf, size_t cap, __wasi_size_t* got) {
  __wasi_iovec_t iov = {(uint8_t*)buf, cap - 1};
  __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, got);
  buf[e == 0 ? *got : 0] = 0;
  return e;
}
