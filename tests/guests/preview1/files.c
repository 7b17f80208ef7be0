// The fd_* functions on a regular file in the preopened directory.
#include "common.h"

int main(void) {
  __wasi_fd_t fd = 0;
  __wasi_size_t n = 0;
  __wasi_filesize_t pos = 0;
  char buf[256];
  check("path_open create", open_at(kDir, "data.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, kWriteRights, 0, &fd));
  check("fd_write", write_all(fd, "hello, world\n", &n));
  expect(n == 13, "wrote 13 bytes");
  check("fd_tell", __wasi_fd_tell(fd, &pos));
  expect(pos == 13, "position 13 after the write");
  check("fd_seek set", __wasi_fd_seek(fd, 7, __WASI_WHENCE_SET, &pos));
  check("fd_read", read_some(fd, buf, sizeof buf, &n));
  printf("read [%s]\n", buf);
  check("fd_seek cur", __wasi_fd_seek(fd, -6, __WASI_WHENCE_CUR, &pos));
  expect(pos == 7, "seek back to 7");
  check("fd_seek end", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos));
  expect(pos == 13, "end at 13");
  check("fd_seek before the start", __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos));
  check("fd_seek bad whence", __wasi_fd_seek(fd, 0, 7, &pos));

  __wasi_iovec_t iov = {(uint8_t*)buf, 5};
  check("fd_pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  buf[n] = 0;
  printf("pread [%s]\n", buf);
  __wasi_ciovec_t ciov = {(const uint8_t*)"HELLO", 5};
  check("fd_pwrite", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  check("fd_tell after pwrite", __wasi_fd_tell(fd, &pos));
  expect(pos == 13, "pwrite leaves the position alone");
  // Scattered read: two buffers.
  char a[4], b[20];
  __wasi_iovec_t two[2] = {{(uint8_t*)a, 3}, {(uint8_t*)b, 19}};
  check("fd_seek to 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  check("fd_read scattered", __wasi_fd_read(fd, two, 2, &n));
  a[3] = 0;
  b[n > 3 ? n - 3 : 0] = 0;
  printf("scattered [%s] [%s]\n", a, b);
  check("fd_read at the end", __wasi_fd_read(fd, two, 2, &n));
  expect(n == 0, "end of file reads 0 bytes");

  check("fd_sync", __wasi_fd_sync(fd));
  check("fd_datasync", __wasi_fd_datasync(fd));
  check("fd_advise", __wasi_fd_advise(fd, 0, 13, __WASI_ADVICE_SEQUENTIAL));
  check("fd_allocate", __wasi_fd_allocate(fd, 0, 100));

  __wasi_filestat_t st;
  check("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
  expect(st.filetype == __WASI_FILETYPE_REGULAR_FILE, "a regular file");
  expect(st.size == 100, "size 100 after fd_allocate (is %llu)", (unsigned long long)st.size);
  expect(st.nlink == 1, "one link");
  check("fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 5));
  check("fd_filestat_get again", __wasi_fd_filestat_get(fd, &st));
  expect(st.size == 5, "size 5 after truncation");
  check("fd_filestat_set_times",
        __wasi_fd_filestat_set_times(fd, 1000000000ull, 2000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  check("fd_filestat_get times", __wasi_fd_filestat_get(fd, &st));
  expect(st.mtim == 2000000000ull && st.atim == 1000000000ull, "times were set");
  check("fd_filestat_set_times now", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  check("fd_filestat_set_times both", __wasi_fd_filestat_set_times(fd, 1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));

  __wasi_fdstat_t fst;
  check("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fst));
  expect(fst.fs_filetype == __WASI_FILETYPE_REGULAR_FILE, "fdstat says regular file");
  printf("fdstat flags %u\n", (unsigned)fst.fs_flags);
  expect((fst.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0, "can write");
  check("fd_fdstat_set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  check("fd_fdstat_get after append", __wasi_fd_fdstat_get(fd, &fst));
  printf("fdstat flags after setting append %u\n", (unsigned)fst.fs_flags);
  check("fd_seek to 0 again", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  check("fd_write appends", write_all(fd, "!", &n));
  check("fd_filestat_get after append", __wasi_fd_filestat_get(fd, &st));
  expect(st.size == 6, "append wrote at the end");

  // Renumber onto another open descriptor: the old number closes.
  __wasi_fd_t other = 0;
  check("path_open second", open_at(kDir, "data.txt", 0, kReadRights, 0, &other));
  check("fd_renumber", __wasi_fd_renumber(fd, other));
  check("fd_tell on the old number", __wasi_fd_tell(fd, &pos));
  check("fd_tell on the new number", __wasi_fd_tell(other, &pos));
  check("fd_renumber onto a closed fd", __wasi_fd_renumber(other, 99));
  check("fd_renumber from a closed fd", __wasi_fd_renumber(98, other));

  // Rights: dropping the write right makes writing not capable, and rights never come back.
  check("fd_fdstat_set_rights drop write", __wasi_fd_fdstat_set_rights(other, kReadRights, 0));
  check("fd_write without the right", write_all(other, "x", &n));
  check("fd_fdstat_set_rights regain", __wasi_fd_fdstat_set_rights(other, kWriteRights, 0));
  check("fd_close", __wasi_fd_close(other));
  check("fd_close twice", __wasi_fd_close(other));
  check("fd_read on a closed fd", read_some(other, buf, sizeof buf, &n));

  // A file opened only for reading.
  check("path_open read-only", open_at(kDir, "data.txt", 0, kReadRights, 0, &fd));
  check("fd_write on a read-only fd", write_all(fd, "x", &n));
  check("fd_read on a read-only fd", read_some(fd, buf, sizeof buf, &n));
  printf("content [%s]\n", buf);
  check("fd_close read-only", __wasi_fd_close(fd));

  // libc on top of the same calls.
  FILE* f = fopen("/sandbox/libc.txt", "w+");
  expect(f != NULL, "fopen w+");
  fprintf(f, "line %d\n", 42);
  rewind(f);
  int value = 0;
  expect(fscanf(f, "line %d", &value) == 1 && value == 42, "fscanf reads back");
  fclose(f);
  return 0;
}
