// wasi:io/streams on the stdio of wasi:cli (wasi/p2/io_streams.cpp over fd streams) as a guest
// calls it: check-write's grant and the trap past it, blocking-write-and-flush's 4096-byte limit,
// write-zeroes, blocking-read of piped stdin to its end, and blocking-splice. The stdio fds of
// the context are a pipe and a temporary file the test reads back.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/wasi_p2/p2_test_support.h"

using namespace wasmrun;
using namespace wasmrun::p2_test;

namespace {

// The imports of wasi:io/error, wasi:io/streams (the functions used here) and wasi:cli's stdin
// and stdout, lowered into a core instance "" with a memory and realloc of their own.
const std::string kImports = R"(
  (import "wasi:io/error@0.2.0" (instance $error-if (export "error" (type (sub resource)))))
  (alias export $error-if "error" (type $error))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (alias outer 1 $error (type $outer-error))
    (export "error" (type $err (eq $outer-error)))
    (export "input-stream" (type $in (sub resource)))
    (export "output-stream" (type $out (sub resource)))
    (type $variant (variant (case "last-operation-failed" (own $err)) (case "closed")))
    (export "stream-error" (type $se (eq $variant)))
    (export "[method]output-stream.check-write"
      (func (param "self" (borrow $out)) (result (result u64 (error $se)))))
    (export "[method]output-stream.write"
      (func (param "self" (borrow $out)) (param "contents" (list u8)) (result (result (error $se)))))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $out)) (param "contents" (list u8)) (result (result (error $se)))))
    (export "[method]output-stream.write-zeroes"
      (func (param "self" (borrow $out)) (param "len" u64) (result (result (error $se)))))
    (export "[method]input-stream.blocking-read"
      (func (param "self" (borrow $in)) (param "len" u64) (result (result (list u8) (error $se)))))
    (export "[method]output-stream.blocking-splice"
      (func (param "self" (borrow $out)) (param "src" (borrow $in)) (param "len" u64) (result (result u64 (error $se)))))))
  (alias export $streams "input-stream" (type $input))
  (alias export $streams "output-stream" (type $output))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $output (type))
    (export "output-stream" (type (eq 0)))
    (export "get-stdout" (func (result (own 1))))))
  (import "wasi:cli/stdin@0.2.0" (instance $stdin
    (alias outer 1 $input (type))
    (export "input-stream" (type (eq 0)))
    (export "get-stdin" (func (result (own 1))))))
)" + p2_test::memory_with_realloc(40, 0x200000);
const std::string kLowered = R"(
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $get-stdin (canon lower (func $stdin "get-stdin")))
  (core func $check-write (canon lower (func $streams "[method]output-stream.check-write") (memory $memory)))
  (core func $write (canon lower (func $streams "[method]output-stream.write") (memory $memory)))
  (core func $blocking-write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
    (memory $memory)))
  (core func $write-zeroes (canon lower (func $streams "[method]output-stream.write-zeroes") (memory $memory)))
  (core func $blocking-read (canon lower (func $streams "[method]input-stream.blocking-read") (memory $memory)
    (realloc $realloc)))
  (core func $blocking-splice (canon lower (func $streams "[method]output-stream.blocking-splice") (memory $memory)))
)";
const std::string kWith = R"((export "memory" (memory $memory))
  (export "get-stdout" (func $get-stdout)) (export "get-stdin" (func $get-stdin))
  (export "check-write" (func $check-write)) (export "write" (func $write))
  (export "blocking-write" (func $blocking-write)) (export "write-zeroes" (func $write-zeroes))
  (export "blocking-read" (func $blocking-read)) (export "blocking-splice" (func $blocking-splice)))";
// The core module's imports; results are written at 0x100 (result<u64, stream-error>: the case
// at 0x100, the u64 or the stream-error at 0x108; result<_, stream-error> and
// result<list<u8>, stream-error>: the case at 0x100, the payload at 0x104).
const std::string kModuleImports = R"(
  (import "" "memory" (memory 1))
  (import "" "get-stdout" (func $get-stdout (result i32)))
  (import "" "get-stdin" (func $get-stdin (result i32)))
  (import "" "check-write" (func $check-write (param i32 i32)))
  (import "" "write" (func $write (param i32 i32 i32 i32)))
  (import "" "blocking-write" (func $blocking-write (param i32 i32 i32 i32)))
  (import "" "write-zeroes" (func $write-zeroes (param i32 i64 i32)))
  (import "" "blocking-read" (func $blocking-read (param i32 i64 i32)))
  (import "" "blocking-splice" (func $blocking-splice (param i32 i32 i64 i32)))
  (data (i32.const 0) "hello, streams")
)";

std::string streams_command(const std::string& run_body) {
  return command(kImports, kLowered, kWith, kModuleImports + "(func (export \"run\") (result i32) " + run_body + ")");
}

// A temporary file as the guest's stdout; its content afterwards.
struct CapturedStdout {
  FILE* file = std::tmpfile();
  ~CapturedStdout() { std::fclose(file); }
  int fd() const { return fileno(file); }
  std::string content() const {
    std::string out;
    char buf[4096];
    for (off_t at = 0;;) {
      ssize_t n = pread(fd(), buf, sizeof buf, at);
      if (n <= 0) return out;
      out.append(buf, size_t(n));
      at += n;
    }
  }
};

// A pipe holding `text`, its write end closed: the guest's stdin reads `text`, then its end.
int piped(const std::string& text) {
  int p[2];
  REQUIRE(pipe(p) == 0);
  REQUIRE(write(p[1], text.data(), text.size()) == ssize_t(text.size()));
  close(p[1]);
  return p[0];
}

Expected<bool> run_with_stdio(const std::string& body, int stdin_fd, int stdout_fd) {
  wasi::p2::WasiP2Config config;
  config.stdin_fd = stdin_fd;
  config.stdout_fd = stdout_fd;
  return run_component(streams_command(body), config);
}

}  // namespace

TEST_CASE("stdout: check-write grants bytes, write sends them to the host fd") {
  CapturedStdout out;
  // run: s = get-stdout(); check-write(s) is ok and at least 14; write(s, "hello, streams") is ok.
  auto ok = run_with_stdio(R"((local $s i32)
      (local.set $s (call $get-stdout))
      (call $check-write (local.get $s) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100)) (then (return (i32.const 1))))
      (if (i64.lt_u (i64.load (i32.const 0x108)) (i64.const 14)) (then (return (i32.const 1))))
      (call $write (local.get $s) (i32.const 0) (i32.const 14) (i32.const 0x100))
      (i32.load8_u (i32.const 0x100)))",
                           0, out.fd());
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
  CHECK(out.content() == "hello, streams");
}

TEST_CASE("stdout: a write of more than check-write granted traps, and nothing is written") {
  CapturedStdout out;
  // The fd stream grants 1 MiB: write 1 MiB + 1 bytes from address 0.
  auto trapped = run_with_stdio(R"((local $s i32)
      (local.set $s (call $get-stdout))
      (call $write (local.get $s) (i32.const 0) (i32.const 0x100001) (i32.const 0x100))
      (i32.const 0))",
                                0, out.fd());
  REQUIRE_FALSE(trapped);
  CHECK(trapped.error().kind == ErrorKind::Trap);
  CHECK_MESSAGE(trapped.error().message.find("write: more than check-write permitted") != std::string::npos,
                trapped.error().message);
  CHECK(out.content().empty());
}

TEST_CASE("stdout: blocking-write-and-flush takes at most 4096 bytes; more traps") {
  CapturedStdout out;
  auto ok = run_with_stdio(R"((local $s i32)
      (local.set $s (call $get-stdout))
      (call $blocking-write (local.get $s) (i32.const 0x1000) (i32.const 4096) (i32.const 0x100))
      (i32.load8_u (i32.const 0x100)))",
                           0, out.fd());
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
  CHECK(out.content() == std::string(4096, '\0'));

  CapturedStdout more;
  auto trapped = run_with_stdio(R"((call $blocking-write (call $get-stdout) (i32.const 0x1000) (i32.const 4097)
        (i32.const 0x100))
      (i32.const 0))",
                                0, more.fd());
  REQUIRE_FALSE(trapped);
  CHECK_MESSAGE(trapped.error().message.find("blocking-write-and-flush: more than 4096 bytes") != std::string::npos,
                trapped.error().message);
  CHECK(more.content().empty());
}

TEST_CASE("stdout: write-zeroes writes zeroes; past the grant it traps before making them") {
  CapturedStdout out;
  auto ok = run_with_stdio(R"((call $write-zeroes (call $get-stdout) (i64.const 3) (i32.const 0x100))
      (i32.load8_u (i32.const 0x100)))",
                           0, out.fd());
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
  CHECK(out.content() == std::string(3, '\0'));

  // 2^62 zeroes: a trap, not an allocation of 4 EiB.
  auto trapped = run_with_stdio(R"((call $write-zeroes (call $get-stdout) (i64.const 0x4000000000000000)
        (i32.const 0x100))
      (i32.const 0))",
                                0, out.fd());
  REQUIRE_FALSE(trapped);
  CHECK_MESSAGE(trapped.error().message.find("write-zeroes: more than check-write permitted") != std::string::npos,
                trapped.error().message);
}

TEST_CASE("stdin: blocking-read returns what was piped in, then closed") {
  int in = piped("abc");
  // run: r = blocking-read(stdin, 100): ok, 3 bytes "abc"; again: err(closed).
  auto ok = run_with_stdio(R"((local $s i32)
      (local.set $s (call $get-stdin))
      (call $blocking-read (local.get $s) (i64.const 100) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100)) (then (return (i32.const 1))))
      (if (i32.ne (i32.load (i32.const 0x108)) (i32.const 3)) (then (return (i32.const 1))))
      (if (i32.ne (i32.and (i32.load (i32.load (i32.const 0x104))) (i32.const 0xffffff)) (i32.const 0x636261))
        (then (return (i32.const 1))))
      (call $blocking-read (local.get $s) (i64.const 100) (i32.const 0x100))
      (if (i32.ne (i32.load8_u (i32.const 0x100)) (i32.const 1)) (then (return (i32.const 1))))
      (i32.ne (i32.load8_u (i32.const 0x104)) (i32.const 1)))",
                           in, 1);
  close(in);
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
}

TEST_CASE("blocking-splice moves stdin's bytes to stdout") {
  int in = piped("spliced");
  CapturedStdout out;
  auto ok = run_with_stdio(R"((call $blocking-splice (call $get-stdout) (call $get-stdin) (i64.const 100) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100)) (then (return (i32.const 1))))
      (i64.ne (i64.load (i32.const 0x108)) (i64.const 7)))",
                           in, out.fd());
  close(in);
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
  CHECK(out.content() == "spliced");
}
