// Preopens and the path_* functions inside the preopened directory, plus fd_readdir.
#include <stdlib.h>

#include "common.h"

static int compare(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

// Lists a directory through fd_readdir with a small buffer (so several calls and cookies are
// needed), sorted, without "." and "..".
static void list(__wasi_fd_t dir, const char* label) {
  static char names[64][64];
  char* sorted[64];
  size_t count = 0;
  uint8_t buf[64];
  __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
  for (;;) {
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(dir, buf, sizeof buf, cookie, &used);
    if (e) {
      check("fd_readdir", e);
      return;
    }
    size_t at = 0;
    int progressed = 0;
    while (at + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + at, sizeof d);
      if (at + sizeof d + d.d_namlen > used) break;  // cut short: ask again from this cookie
      char name[64] = {0};
      memcpy(name, buf + at + sizeof d, d.d_namlen < 63 ? d.d_namlen : 63);
      if (strcmp(name, ".") && strcmp(name, "..") && count < 64) {
        const char* type = d.d_type == __WASI_FILETYPE_DIRECTORY      ? "dir"
                           : d.d_type == __WASI_FILETYPE_REGULAR_FILE ? "file"
                           : d.d_type == __WASI_FILETYPE_SYMBOLIC_LINK ? "symlink"
                                                                      : "other";
        snprintf(names[count], sizeof names[count], "%s (%s)", name, type);
        sorted[count] = names[count];
        ++count;
      }
      cookie = d.d_next;
      at += sizeof d + d.d_namlen;
      progressed = 1;
    }
    if (used < sizeof buf) break;
    if (!progressed) {
      printf("fd_readdir: an entry does not fit in %zu bytes\n", sizeof buf);
      return;
    }
  }
  qsort(sorted, count, sizeof sorted[0], compare);
  printf("%s:", label);
  for (size_t i = 0; i < count; ++i) printf(" %s", sorted[i]);
  printf("\n");
}

int main(void) {
  // Every preopen, by fd_prestat_get and fd_prestat_dir_name.
  for (__wasi_fd_t fd = 3; fd < 10; ++fd) {
    __wasi_prestat_t pre;
    __wasi_errno_t e = __wasi_fd_prestat_get(fd, &pre);
    if (e) {
      printf("fd_prestat_get %u: %s\n", (unsigned)fd, errname(e));
      break;
    }
    char name[256] = {0};
    check("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(fd, (uint8_t*)name, pre.u.dir.pr_name_len));
    printf("preopen %u: tag %u [%s]\n", (unsigned)fd, (unsigned)pre.tag, name);
  }

  list(kDir, "initial");
  check("path_create_directory", __wasi_path_create_directory(kDir, "newdir"));
  check("path_create_directory again", __wasi_path_create_directory(kDir, "newdir"));
  check("path_create_directory nested", __wasi_path_create_directory(kDir, "newdir/inner"));
  check("path_create_directory under a file", __wasi_path_create_directory(kDir, "file.txt/x"));
  __wasi_fd_t fd = 0;
  __wasi_size_t n = 0;
  check("path_open create in newdir", open_at(kDir, "newdir/a.txt", __WASI_OFLAGS_CREAT, kWriteRights, 0, &fd));
  check("fd_write", write_all(fd, "abc", &n));
  check("fd_close", __wasi_fd_close(fd));
  check("path_open exclusive on an existing file",
        open_at(kDir, "newdir/a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, kWriteRights, 0, &fd));
  check("path_open missing", open_at(kDir, "missing.txt", 0, kReadRights, 0, &fd));
  check("path_open directory flag on a file", open_at(kDir, "file.txt", __WASI_OFLAGS_DIRECTORY, kReadRights, 0, &fd));

  __wasi_fd_t sub = 0;
  check("path_open a directory", open_dir(kDir, "newdir", &sub));
  list(sub, "newdir");
  check("fd_readdir on stdout", __wasi_fd_readdir(1, (uint8_t*)&n, 0, 0, &n));
  __wasi_filestat_t st;
  check("path_filestat_get via the subdirectory fd", __wasi_path_filestat_get(sub, 0, "a.txt", &st));
  expect(st.size == 3 && st.filetype == __WASI_FILETYPE_REGULAR_FILE, "a.txt is a 3-byte file");
  check("path_filestat_get a directory", __wasi_path_filestat_get(kDir, 0, "newdir", &st));
  expect(st.filetype == __WASI_FILETYPE_DIRECTORY, "newdir is a directory");
  check("path_filestat_get missing", __wasi_path_filestat_get(kDir, 0, "nothing", &st));
  check("path_filestat_set_times",
        __wasi_path_filestat_set_times(kDir, 0, "file.txt", 0, 3000000000ull, __WASI_FSTFLAGS_MTIM));
  check("path_filestat_get times", __wasi_path_filestat_get(kDir, 0, "file.txt", &st));
  expect(st.mtim == 3000000000ull, "mtime set by path");

  check("path_rename", __wasi_path_rename(kDir, "newdir/a.txt", kDir, "b.txt"));
  check("path_rename missing", __wasi_path_rename(kDir, "newdir/a.txt", kDir, "c.txt"));
  check("path_rename across fds", __wasi_path_rename(kDir, "b.txt", sub, "c.txt"));
  list(kDir, "after renames");
  list(sub, "newdir after renames");

  check("path_symlink", __wasi_path_symlink("file.txt", kDir, "link.txt"));
  char target[64] = {0};
  check("path_readlink", __wasi_path_readlink(kDir, "link.txt", (uint8_t*)target, sizeof target - 1, &n));
  printf("link target [%.*s]\n", (int)n, target);
  check("path_readlink short buffer", __wasi_path_readlink(kDir, "link.txt", (uint8_t*)target, 4, &n));
  printf("truncated target [%.*s]\n", (int)n, target);
  check("path_readlink on a file", __wasi_path_readlink(kDir, "file.txt", (uint8_t*)target, sizeof target, &n));
  check("path_filestat_get link nofollow", __wasi_path_filestat_get(kDir, 0, "link.txt", &st));
  expect(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "without follow: the link itself");
  check("path_filestat_get link follow",
        __wasi_path_filestat_get(kDir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link.txt", &st));
  expect(st.filetype == __WASI_FILETYPE_REGULAR_FILE, "with follow: the file");
  check("path_open link nofollow", __wasi_path_open(kDir, 0, "link.txt", 0, kReadRights, 0, 0, &fd));
  check("path_link", __wasi_path_link(kDir, 0, "file.txt", kDir, "hard.txt"));
  check("path_filestat_get hard link", __wasi_path_filestat_get(kDir, 0, "hard.txt", &st));
  expect(st.nlink == 2, "two links");
  check("path_link onto an existing name", __wasi_path_link(kDir, 0, "file.txt", kDir, "hard.txt"));

  check("path_remove_directory not empty", __wasi_path_remove_directory(kDir, "newdir"));
  check("path_remove_directory a file", __wasi_path_remove_directory(kDir, "file.txt"));
  check("path_unlink_file a directory", __wasi_path_unlink_file(kDir, "newdir/inner"));
  check("path_remove_directory inner", __wasi_path_remove_directory(kDir, "newdir/inner"));
  check("path_unlink_file", __wasi_path_unlink_file(sub, "c.txt"));
  check("path_unlink_file missing", __wasi_path_unlink_file(sub, "c.txt"));
  check("fd_close the subdirectory", __wasi_fd_close(sub));
  check("path_remove_directory", __wasi_path_remove_directory(kDir, "newdir"));
  check("path_unlink_file link", __wasi_path_unlink_file(kDir, "link.txt"));
  check("path_unlink_file hard link", __wasi_path_unlink_file(kDir, "hard.txt"));
  list(kDir, "final");
  return 0;
}
