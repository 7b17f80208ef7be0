// The WASI 0.2 host (wasi/p2) through the public component API: small components written in
// component text import its interfaces at 0.2.0 (matched semver-compatibly against 0.2.12) and
// call them from wasi:cli/run's run, whose result tells what they saw.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/wasi_p2/p2_test_support.h"

using namespace wasmrun;
using namespace wasmrun::p2_test;


TEST_CASE("a pollable on a duration is not ready at first and blocks until the duration has passed") {
  // run: p = subscribe-duration(30 ms); err unless !ready(p); block(p); ok when now advanced
  // by at least 30 ms and ready(p).
  std::string module = kPollModuleImports + R"(
    (func (export "run") (result i32) (local $p i32) (local $start i64)
      (local.set $start (call $now))
      (local.set $p (call $subscribe (i64.const 30000000)))
      (if (call $ready (local.get $p)) (then (return (i32.const 1))))
      (call $block (local.get $p))
      (if (i64.lt_u (i64.sub (call $now) (local.get $start)) (i64.const 30000000)) (then (return (i32.const 1))))
      (if (i32.eqz (call $ready (local.get $p))) (then (return (i32.const 1))))
      (call $drop (local.get $p))
      (i32.const 0)))";
  auto ok = run_component(command(kPollImports, kPollLowered, kPollWith, module));
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
}

TEST_CASE("a pollable handle the guest dropped is gone: using it again traps") {
  std::string module = kPollModuleImports + R"(
    (func (export "run") (result i32) (local $p i32)
      (local.set $p (call $subscribe (i64.const 0)))
      (call $drop (local.get $p))
      (call $block (local.get $p))
      (i32.const 0)))";
  auto ok = run_component(command(kPollImports, kPollLowered, kPollWith, module));
  REQUIRE_FALSE(ok);
  CHECK(ok.error().kind == ErrorKind::Trap);
}

TEST_CASE("wasi:cli/exit: exit-with-code reaches the caller as an exit status, exit(err) as 1") {
  std::string imports = R"(
    (import "wasi:cli/exit@0.2.0" (instance $exit
      (export "exit" (func (param "status" (result))))
      (export "exit-with-code" (func (param "status-code" u8))))))";
  std::string lowered = R"((core func $exit (canon lower (func $exit "exit")))
    (core func $ewc (canon lower (func $exit "exit-with-code"))))";
  std::string with = R"((export "exit" (func $exit)) (export "ewc" (func $ewc)))";
  auto module = [](const std::string& body) {
    return R"((import "" "exit" (func $exit (param i32))) (import "" "ewc" (func $ewc (param i32)))
      (func (export "run") (result i32) )" + body + ")";
  };
  auto code = run_component(command(imports, lowered, with, module("(call $ewc (i32.const 42)) (i32.const 0)")));
  REQUIRE_FALSE(code);
  CHECK(code.error().exit_status() == std::optional<uint32_t>(42));
  auto err = run_component(command(imports, lowered, with, module("(call $exit (i32.const 1)) (i32.const 0)")));
  REQUIRE_FALSE(err);
  CHECK(err.error().exit_status() == std::optional<uint32_t>(1));
  auto ok = run_component(command(imports, lowered, with, module("(call $exit (i32.const 0)) (i32.const 1)")));
  REQUIRE_FALSE(ok);
  CHECK(ok.error().exit_status() == std::optional<uint32_t>(0));
}

TEST_CASE("wasi:random: two 64-bit draws differ; insecure-seed is the same each call") {
  std::string imports = R"(
    (import "wasi:random/random@0.2.0" (instance $random (export "get-random-u64" (func (result u64)))))
    (import "wasi:random/insecure@0.2.3" (instance $insecure (export "get-insecure-random-u64" (func (result u64))))))";
  std::string lowered = R"((core func $r (canon lower (func $random "get-random-u64")))
    (core func $ir (canon lower (func $insecure "get-insecure-random-u64"))))";
  std::string with = R"((export "r" (func $r)) (export "ir" (func $ir)))";
  std::string module = R"((import "" "r" (func $r (result i64))) (import "" "ir" (func $ir (result i64)))
    (func (export "run") (result i32)
      (if (i64.eq (call $r) (call $r)) (then (return (i32.const 1))))
      (if (i64.eq (call $ir) (call $ir)) (then (return (i32.const 1))))
      (i32.const 0)))";
  auto ok = run_component(command(imports, lowered, with, module));
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(*ok);
}

TEST_CASE("a preopen that is not a directory is refused when the context is created") {
  wasi::p2::WasiP2Config config;
  config.preopens.emplace_back("/nonexistent-wasmrun-dir", "/x");
  auto wasi = wasi::p2::WasiP2::create(config);
  REQUIRE_FALSE(wasi);
  CHECK(wasi.error().message.find("/nonexistent-wasmrun-dir") != std::string::npos);
}
