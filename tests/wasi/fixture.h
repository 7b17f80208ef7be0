// A temporary directory tree for the WASI tests, removed when the fixture goes out of scope:
//   top/outside.txt, top/box/{file.txt, sub/f.txt, sub/up -> .., escape -> ../outside.txt,
//   abs -> /etc/passwd, loop -> loop, dirlink -> sub}
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

struct TreeFixture {
  std::filesystem::path top;
  std::filesystem::path box;
  int box_fd = -1;

  TreeFixture() {
    char pattern[] = "/tmp/wasmrun-wasi-test-XXXXXX";
    top = mkdtemp(pattern);
    box = top / "box";
    std::filesystem::create_directories(box / "sub");
    std::ofstream(top / "outside.txt") << "outside";
    std::ofstream(box / "file.txt") << "inside";
    std::ofstream(box / "sub" / "f.txt") << "sub file";
    std::filesystem::create_symlink("..", box / "sub" / "up");
    std::filesystem::create_symlink("../outside.txt", box / "escape");
    std::filesystem::create_symlink("/etc/passwd", box / "abs");
    std::filesystem::create_symlink("loop", box / "loop");
    std::filesystem::create_symlink("sub", box / "dirlink");
    box_fd = open(box.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  ~TreeFixture() {
    close(box_fd);
    std::filesystem::remove_all(top);
  }
};
