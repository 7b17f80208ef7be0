#include <doctest/doctest.h>

#include "tests/wasi/fixture.h"
#include "wasi/preview1/sandbox_path.h"

using namespace wasmrun::wasi::preview1;

namespace {
Errno resolve(const TreeFixture& t, const char* path, bool follow, ResolvedPath* out = nullptr) {
  ResolvedPath r;
  Errno e = resolve_path(t.box_fd, path, follow, r);
  if (out) *out = std::move(r);
  return e;
}
}  // namespace

TEST_CASE("paths inside the directory resolve to (parent, name)") {
  TreeFixture t;
  ResolvedPath r;
  REQUIRE(resolve(t, "file.txt", false, &r) == Errno::Success);
  CHECK(r.parent == t.box_fd);
  CHECK(r.name == "file.txt");
  REQUIRE(resolve(t, "sub/f.txt", false, &r) == Errno::Success);
  CHECK(r.parent != t.box_fd);
  CHECK(r.name == "f.txt");
  REQUIRE(resolve(t, "sub/../file.txt", false, &r) == Errno::Success);
  CHECK(r.parent == t.box_fd);
  REQUIRE(resolve(t, "sub/up/file.txt", false, &r) == Errno::Success);
  CHECK(r.name == "file.txt");
  REQUIRE(resolve(t, ".", false, &r) == Errno::Success);
  CHECK(r.name == ".");
  REQUIRE(resolve(t, "sub/..", false, &r) == Errno::Success);
  CHECK(r.name == ".");
  CHECK(r.parent == t.box_fd);
  REQUIRE(resolve(t, "a//b///c", false, &r) == Errno::NoEnt);
}

TEST_CASE("a final link is followed only when asked") {
  TreeFixture t;
  ResolvedPath r;
  REQUIRE(resolve(t, "dirlink", false, &r) == Errno::Success);
  CHECK(r.name == "dirlink");
  REQUIRE(resolve(t, "dirlink", true, &r) == Errno::Success);
  CHECK(r.name == "sub");  // the link's target, in the same directory
  REQUIRE(resolve(t, "dirlink/", false, &r) == Errno::Success);  // a trailing slash follows
  CHECK(r.name == "sub");
  CHECK(r.trailing_slash);
  REQUIRE(resolve(t, "escape", false, &r) == Errno::Success);  // the link itself is inside
  CHECK(r.name == "escape");
}

TEST_CASE("every escape is NotCapable") {
  TreeFixture t;
  for (const char* path : {"..", "../outside.txt", "/etc/passwd", "/", "sub/../..", "sub/../../outside.txt",
                           "./..", "sub/up/..", "sub/up/../outside.txt"})
    CHECK_MESSAGE(resolve(t, path, false) == Errno::NotCapable, path);
  for (const char* path : {"escape", "abs", "sub/up/escape"})
    CHECK_MESSAGE(resolve(t, path, true) == Errno::NotCapable, path);
  CHECK(resolve(t, "escape/x", false) == Errno::NotCapable);  // an intermediate link always follows
}

TEST_CASE("bad paths") {
  TreeFixture t;
  CHECK(resolve(t, "", false) == Errno::NoEnt);
  CHECK(resolve(t, "loop", true) == Errno::Loop);
  CHECK(resolve(t, "loop/x", false) == Errno::Loop);
  CHECK(resolve(t, "file.txt/x", false) == Errno::NotDir);
  CHECK(resolve(t, "missing/x", false) == Errno::NoEnt);
  std::string with_nul("a\0b", 3);
  ResolvedPath r;
  CHECK(resolve_path(t.box_fd, with_nul, false, r) == Errno::Inval);
  CHECK(resolve_path(t.box_fd, std::string(kMaxPathBytes + 1, 'a'), false, r) == Errno::NameTooLong);
  // Deep but legal: a chain of ".." that stays inside.
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "sub/../";
  CHECK(resolve_path(t.box_fd, deep + "file.txt", false, r) == Errno::Success);
}
