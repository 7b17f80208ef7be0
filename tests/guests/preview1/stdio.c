// Inherited stdio: copies stdin to stdout in upper case, reports on stderr, and checks that the
// three descriptors are streams with the expected rights.
#include <ctype.h>

#include "common.h"

int main(void) {
  char buf[4096];
  size_t total = 0;
  for (;;) {
    __wasi_size_t got = 0;
    __wasi_errno_t e = read_some(0, buf, sizeof buf, &got);
    if (e != 0) {
      check("fd_read stdin", e);
      return 1;
    }
    if (got == 0) break;
    for (size_t i = 0; i < got; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
    __wasi_size_t written = 0;
    fflush(stdout);
    __wasi_ciovec_t iov = {(const uint8_t*)buf, got};
    (void)__wasi_fd_write(1, &iov, 1, &written);
    total += got;
  }
  fprintf(stderr, "copied %zu bytes\n", total);
  for (__wasi_fd_t fd = 0; fd < 3; ++fd) {
    __wasi_fdstat_t st;
    __wasi_errno_t e = __wasi_fd_fdstat_get(fd, &st);
    printf("fd_fdstat_get %u: %s\n", (unsigned)fd, errname(e));
    __wasi_rights_t want = fd == 0 ? __WASI_RIGHTS_FD_READ : __WASI_RIGHTS_FD_WRITE;
    expect((st.fs_rights_base & want) != 0, "fd %u has its read/write right", (unsigned)fd);
    expect(st.fs_filetype != __WASI_FILETYPE_DIRECTORY, "fd %u is not a directory", (unsigned)fd);
    __wasi_prestat_t pre;
    printf("fd_prestat_get %u: %s\n", (unsigned)fd, errname(__wasi_fd_prestat_get(fd, &pre)));
  }
  // Writing several buffers at once (a gathered write).
  __wasi_ciovec_t parts[3] = {{(const uint8_t*)"one ", 4}, {(const uint8_t*)"two ", 4}, {(const uint8_t*)"three\n", 6}};
  __wasi_size_t written = 0;
  fflush(stdout);
  check("fd_write gathered", __wasi_fd_write(1, parts, 3, &written));
  expect(written == 14, "gathered write wrote 14 bytes");
  check("fd_write to stdin", write_all(0, "x", &written));
  check("fd_write to a closed fd", write_all(77, "x", &written));
  return 0;
}
