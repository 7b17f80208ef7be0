// wasi:filesystem (wasi/p2/filesystem_types.cpp, filesystem_preopens.cpp) as a guest calls it,
// in a fresh temporary directory preopened as "/sandbox": a file created, written and read back
// (and seen by the host), and the sandbox's refusals as preview1 has them (wasi/preview1/
// sandbox_path.h) with Wasmtime's error codes: climbing above the preopen, an absolute path, a
// symbolic link out of it, with nothing created outside.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/wasi_p2/p2_test_support.h"

using namespace wasmrun;
using namespace wasmrun::p2_test;
namespace stdfs = std::filesystem;

namespace {

// wasi:filesystem/types (the functions used here, the types they need named) and preopens.
const std::string kImports = R"(
  (import "wasi:filesystem/types@0.2.0" (instance $types
    (export "descriptor" (type $descriptor (sub resource)))
    (type $error-code' (enum "access" "would-block" "already" "bad-descriptor" "busy" "deadlock" "quota" "exist"
      "file-too-large" "illegal-byte-sequence" "in-progress" "interrupted" "invalid" "io" "is-directory" "loop"
      "too-many-links" "message-size" "name-too-long" "no-device" "no-entry" "no-lock" "insufficient-memory"
      "insufficient-space" "not-directory" "not-empty" "not-recoverable" "unsupported" "no-tty" "no-such-device"
      "overflow" "not-permitted" "pipe" "read-only" "invalid-seek" "text-file-busy" "cross-device"))
    (export "error-code" (type $error-code (eq $error-code')))
    (type $path-flags' (flags "symlink-follow"))
    (export "path-flags" (type $path-flags (eq $path-flags')))
    (type $open-flags' (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $open-flags (eq $open-flags')))
    (type $descriptor-flags' (flags "read" "write" "file-integrity-sync" "data-integrity-sync" "requested-write-sync"
      "mutate-directory"))
    (export "descriptor-flags" (type $descriptor-flags (eq $descriptor-flags')))
    (export "[method]descriptor.open-at" (func (param "self" (borrow $descriptor)) (param "path-flags" $path-flags)
      (param "path" string) (param "open-flags" $open-flags) (param "flags" $descriptor-flags)
      (result (result (own $descriptor) (error $error-code)))))
    (export "[method]descriptor.write" (func (param "self" (borrow $descriptor)) (param "buffer" (list u8))
      (param "offset" u64) (result (result u64 (error $error-code)))))
    (export "[method]descriptor.read" (func (param "self" (borrow $descriptor)) (param "length" u64)
      (param "offset" u64) (result (result (tuple (list u8) bool) (error $error-code)))))))
  (alias export $types "descriptor" (type $descriptor))
  (import "wasi:filesystem/preopens@0.2.0" (instance $preopens
    (alias outer 1 $descriptor (type $d))
    (export "descriptor" (type $descriptor (eq $d)))
    (export "get-directories" (func (result (list (tuple (own $descriptor) string)))))))
)" + p2_test::memory_with_realloc(1, 0x8000);
const std::string kLowered = R"(
  (core func $get-directories (canon lower (func $preopens "get-directories") (memory $memory) (realloc $realloc)
    string-encoding=utf8))
  (core func $open-at (canon lower (func $types "[method]descriptor.open-at") (memory $memory) string-encoding=utf8))
  (core func $write (canon lower (func $types "[method]descriptor.write") (memory $memory)))
  (core func $read (canon lower (func $types "[method]descriptor.read") (memory $memory) (realloc $realloc)))
)";
const std::string kWith = R"((export "memory" (memory $memory)) (export "get-directories" (func $get-directories))
  (export "open-at" (func $open-at)) (export "write" (func $write)) (export "read" (func $read)))";
// Results at 0x100: result<own<descriptor>, error-code>: the case at 0x100, the handle or the
// error code at 0x104; result<u64, error-code>: the u64 at 0x108; result<tuple<list<u8>, bool>,
// error-code>: the list at 0x104 (pointer) and 0x108 (length), the bool at 0x10c.
// $preopen: the first preopen's descriptor (get-directories writes its list at 0x200).
const std::string kModule = R"(
  (import "" "memory" (memory 1))
  (import "" "get-directories" (func $get-directories (param i32)))
  (import "" "open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
  (import "" "write" (func $write (param i32 i32 i32 i64 i32)))
  (import "" "read" (func $read (param i32 i64 i64 i32)))
  (func $preopen (result i32)
    (call $get-directories (i32.const 0x200))
    (i32.load (i32.load (i32.const 0x200))))
  ;; open-at(dir, path-flags, path at `path` of `len` bytes, open-flags, descriptor-flags): the
  ;; result's case (0 ok, 1 err); the handle or error code at 0x104.
  (func $open (param $dir i32) (param $path-flags i32) (param $path i32) (param $len i32) (param $open-flags i32)
      (param $flags i32) (result i32)
    (call $open-at (local.get $dir) (local.get $path-flags) (local.get $path) (local.get $len) (local.get $open-flags)
      (local.get $flags) (i32.const 0x100))
    (i32.load8_u (i32.const 0x100)))
  (data (i32.const 0x1000) "note.txt")
  (data (i32.const 0x1010) "written by the guest")
  (data (i32.const 0x1030) "../escaped.txt")
  (data (i32.const 0x1040) "/etc/hostname")
  (data (i32.const 0x1050) "out/escaped.txt")
  (data (i32.const 0x1060) "sub/../note.txt")
  (data (i32.const 0x1070) "sub/note.txt")
)";

struct Sandbox {
  stdfs::path root = stdfs::temp_directory_path() / ("wasmrun-p2-fs-" + std::to_string(getpid()));
  stdfs::path box = root / "box";
  Sandbox() {
    stdfs::remove_all(root);
    stdfs::create_directories(box / "sub");
    stdfs::create_directories(root / "outside");
  }
  ~Sandbox() { stdfs::remove_all(root); }

  Expected<bool> run(const std::string& run_body) const {
    wasi::p2::WasiP2Config config;
    config.preopens.emplace_back(box.string(), "/sandbox");
    return run_component(command(kImports, kLowered, kWith, kModule + "(func (export \"run\") (result i32) " +
                                                                       run_body + ")"),
                         config);
  }
};

std::string read_file(const stdfs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Flags: descriptor-flags read = 1, write = 2, mutate-directory = 32; open-flags create = 1;
// path-flags symlink-follow = 1. Error codes: no-entry = 20, not-permitted = 31.
const std::string kOpenForWriting = "(call $open (call $preopen) (i32.const 0) (i32.const 0x1000) (i32.const 8) "
                                    "(i32.const 1) (i32.const 3))";

}  // namespace

TEST_CASE("wasi:filesystem: a file created in the preopen is written, read back, and there on the host") {
  Sandbox s;
  // run: f = open-at(preopen, "note.txt", create, read|write); write(f, "written by the guest", 0)
  // returns 20; read(f, 100, 8) returns "by the guest", not yet the end; read(f, 100, 20) returns
// nothing and the end.
  auto ok = s.run(R"((local $f i32)
      (if )" + kOpenForWriting + R"( (then (return (i32.const 1))))
      (local.set $f (i32.load (i32.const 0x104)))
      (call $write (local.get $f) (i32.const 0x1010) (i32.const 20) (i64.const 0) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100)) (then (return (i32.const 1))))
      (if (i64.ne (i64.load (i32.const 0x108)) (i64.const 20)) (then (return (i32.const 1))))
      (call $read (local.get $f) (i64.const 100) (i64.const 8) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100)) (then (return (i32.const 1))))
      (if (i32.ne (i32.load (i32.const 0x108)) (i32.const 12)) (then (return (i32.const 1))))
      (if (i64.ne (i64.load (i32.load (i32.const 0x104))) (i64.const 0x6720656874207962)) (then (return (i32.const 1))))
      (if (i32.load8_u (i32.const 0x10c)) (then (return (i32.const 1))))
      (call $read (local.get $f) (i64.const 100) (i64.const 20) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100)) (then (return (i32.const 1))))
      (if (i32.load (i32.const 0x108)) (then (return (i32.const 1))))
      (i32.ne (i32.load8_u (i32.const 0x10c)) (i32.const 1)))");
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
  CHECK(read_file(s.box / "note.txt") == "written by the guest");
}

TEST_CASE("wasi:filesystem: `..` above the preopen and absolute paths are not-permitted; nothing is created") {
  Sandbox s;
  auto refused = [&](const std::string& path_at, int len) {
    // run: open-at(preopen, PATH, create, read|write) is err(not-permitted).
    auto ok = s.run("(if (i32.eqz (call $open (call $preopen) (i32.const 0) (i32.const " + path_at + ") (i32.const " +
                    std::to_string(len) + R"() (i32.const 1) (i32.const 3))) (then (return (i32.const 1))))
      (i32.ne (i32.load8_u (i32.const 0x104)) (i32.const 31)))");
    INFO(path_at);
    REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
    CHECK(*ok);
  };
  refused("0x1030", 14);  // ../escaped.txt
  refused("0x1040", 13);  // /etc/hostname
  CHECK_FALSE(stdfs::exists(s.root / "escaped.txt"));
}

TEST_CASE("wasi:filesystem: a symbolic link out of the preopen is not followed out") {
  Sandbox s;
  stdfs::create_directory_symlink(s.root / "outside", s.box / "out");
  // run: open-at(preopen, symlink-follow, "out/escaped.txt", create, read|write) is
  // err(not-permitted), as is the same without symlink-follow.
  auto ok = s.run(R"(
      (if (i32.eqz (call $open (call $preopen) (i32.const 1) (i32.const 0x1050) (i32.const 15) (i32.const 1)
        (i32.const 3))) (then (return (i32.const 1))))
      (if (i32.ne (i32.load8_u (i32.const 0x104)) (i32.const 31)) (then (return (i32.const 1))))
      (if (i32.eqz (call $open (call $preopen) (i32.const 0) (i32.const 0x1050) (i32.const 15) (i32.const 1)
        (i32.const 3))) (then (return (i32.const 1))))
      (i32.ne (i32.load8_u (i32.const 0x104)) (i32.const 31)))");
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
  CHECK_FALSE(stdfs::exists(s.root / "outside" / "escaped.txt"));
}

TEST_CASE("wasi:filesystem: `..` that stays inside the preopen resolves; a missing file is no-entry") {
  Sandbox s;
  {
    std::ofstream(s.box / "note.txt") << "x";
  }
  // run: open-at(preopen, "sub/../note.txt", no flags, read) is ok; open-at(preopen,
  // "sub/note.txt", read) is no-entry (the file is in the preopen, not in sub/).
  auto ok = s.run(R"(
      (if (call $open (call $preopen) (i32.const 0) (i32.const 0x1060) (i32.const 15) (i32.const 0) (i32.const 1))
        (then (return (i32.const 1))))
      (if (i32.eqz (call $open (call $preopen) (i32.const 0) (i32.const 0x1070) (i32.const 12) (i32.const 0)
        (i32.const 1))) (then (return (i32.const 1))))
      (i32.ne (i32.load8_u (i32.const 0x104)) (i32.const 20)))");
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
}
