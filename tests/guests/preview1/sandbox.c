// Every way out of a preopened directory that a guest could try, through every path function.
// The fixture (made by the test runner) beside the preopen "sandbox" holds "outside.txt"; inside:
//   file.txt, sub/f.txt, sub/up -> .., sub/upup -> ../.., escape_rel -> ../outside.txt,
//   escape_abs -> <absolute path of outside.txt>, escape_dir -> .., loop1 -> loop2 -> loop1,
//   inside_link -> sub/f.txt
// Each attempt prints its errno; the runner also checks that nothing outside changed.
#include "common.h"

static const char* const kEscapes[] = {
    "..",
    "../outside.txt",
    "/etc/passwd",
    "/",
    "sub/../../outside.txt",
    "sub/../sub/../../outside.txt",
    "./../outside.txt",
    "sub/upup/outside.txt",
    "sub/upup",
    "escape_rel",
    "escape_abs",
    "escape_dir/outside.txt",
    "escape_dir",
    "sub/up/../outside.txt",
    "sub//..//..//outside.txt",
};

static const char* const kInside[] = {
    "file.txt", "./file.txt", "sub/../file.txt", "sub/up/file.txt", "sub/./f.txt", "inside_link", "sub/", ".",
};

int main(void) {
  __wasi_fd_t fd = 0;
  __wasi_filestat_t st;
  char buf[128];
  __wasi_size_t n = 0;
  for (size_t i = 0; i < sizeof kInside / sizeof kInside[0]; ++i) {
    __wasi_errno_t e = open_at(kDir, kInside[i], 0, kReadRights, 0, &fd);
    printf("open inside %s: %s\n", kInside[i], errname(e));
    if (e == 0) __wasi_fd_close(fd);
  }
  for (size_t i = 0; i < sizeof kEscapes / sizeof kEscapes[0]; ++i) {
    const char* p = kEscapes[i];
    printf("[%s]\n", p);
    __wasi_errno_t e = open_at(kDir, p, 0, kReadRights, 0, &fd);
    check("  path_open follow", e);
    if (e == 0) {
      read_some(fd, buf, sizeof buf, &n);
      printf("  LEAKED: %s\n", buf);
      __wasi_fd_close(fd);
    }
    check("  path_filestat_get follow", __wasi_path_filestat_get(kDir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, p, &st));
    check("  path_open create", open_at(kDir, p, __WASI_OFLAGS_CREAT, kWriteRights, 0, &fd));
  }
  printf("[writes]\n");
  check("  path_open truncate ../outside.txt",
        open_at(kDir, "../outside.txt", __WASI_OFLAGS_TRUNC, kWriteRights, 0, &fd));
  check("  path_open truncate through escape_rel", open_at(kDir, "escape_rel", __WASI_OFLAGS_TRUNC, kWriteRights, 0, &fd));
  check("  path_create_directory ../made", __wasi_path_create_directory(kDir, "../made"));
  check("  path_create_directory escape_dir/made", __wasi_path_create_directory(kDir, "escape_dir/made"));
  check("  path_create_directory /tmp/made", __wasi_path_create_directory(kDir, "/tmp/made"));
  check("  path_unlink_file ../outside.txt", __wasi_path_unlink_file(kDir, "../outside.txt"));
  check("  path_unlink_file sub/upup/outside.txt", __wasi_path_unlink_file(kDir, "sub/upup/outside.txt"));
  check("  path_remove_directory ..", __wasi_path_remove_directory(kDir, ".."));
  check("  path_remove_directory ../sandbox", __wasi_path_remove_directory(kDir, "../sandbox"));
  check("  path_rename out", __wasi_path_rename(kDir, "file.txt", kDir, "../stolen.txt"));
  check("  path_rename in", __wasi_path_rename(kDir, "../outside.txt", kDir, "taken.txt"));
  check("  path_rename through a link", __wasi_path_rename(kDir, "file.txt", kDir, "escape_dir/stolen.txt"));
  check("  path_link out", __wasi_path_link(kDir, 0, "file.txt", kDir, "../linked.txt"));
  check("  path_link in", __wasi_path_link(kDir, 0, "../outside.txt", kDir, "linked.txt"));
  check("  path_link in following a link",
        __wasi_path_link(kDir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "escape_rel", kDir, "linked2.txt"));
  check("  path_symlink placed outside", __wasi_path_symlink("file.txt", kDir, "../planted"));
  check("  path_filestat_set_times ../outside.txt",
        __wasi_path_filestat_set_times(kDir, 0, "../outside.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  check("  path_filestat_set_times follow escape_rel",
        __wasi_path_filestat_set_times(kDir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "escape_rel", 0, 0,
                                       __WASI_FSTFLAGS_MTIM_NOW));

  printf("[links]\n");
  // A link pointing out may be created, and read, but never followed.
  check("  path_symlink to ../outside.txt", __wasi_path_symlink("../outside.txt", kDir, "made_link"));
  check("  path_open made_link", open_at(kDir, "made_link", 0, kReadRights, 0, &fd));
  check("  path_readlink escape_rel", __wasi_path_readlink(kDir, "escape_rel", (uint8_t*)buf, sizeof buf, &n));
  printf("  target [%.*s]\n", (int)n, buf);
  check("  path_readlink ../x", __wasi_path_readlink(kDir, "../x", (uint8_t*)buf, sizeof buf, &n));
  check("  path_filestat_get escape_rel nofollow", __wasi_path_filestat_get(kDir, 0, "escape_rel", &st));
  expect(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "  the link itself is inside");
  check("  path_open loop1", open_at(kDir, "loop1", 0, kReadRights, 0, &fd));
  check("  path_open loop1/x", open_at(kDir, "loop1/x", 0, kReadRights, 0, &fd));
  check("  path_unlink_file escape_rel (the link, not its target)", __wasi_path_unlink_file(kDir, "escape_rel"));

  printf("[descriptors]\n");
  // A directory opened inside keeps the same walls.
  __wasi_fd_t sub = 0;
  check("  path_open sub", open_dir(kDir, "sub", &sub));
  check("  sub: path_open ..", open_at(sub, "..", 0, kReadRights, 0, &fd));
  check("  sub: path_open ../file.txt", open_at(sub, "../file.txt", 0, kReadRights, 0, &fd));
  check("  sub: path_open up/file.txt", open_at(sub, "up/file.txt", 0, kReadRights, 0, &fd));
  check("  path_open on a non-directory fd", open_at(1, "x", 0, kReadRights, 0, &fd));
  check("  path_open on a closed fd", open_at(55, "x", 0, kReadRights, 0, &fd));
  return 0;
}
