// Resource limits of a component run: the WASI host's table of objects (WasiP2Config::
// max_resources, `run -S max-resources`) and each component instance's handle table
// (StoreLimits::max_resource_handles). Exhausting either is a clean trap, not unbounded memory.
#include <doctest/doctest.h>

#include <string>

#include "tests/wasi_p2/p2_test_support.h"

using namespace wasmrun;
using namespace wasmrun::p2_test;

namespace {

// run: subscribes `count` pollables and keeps them all (no drop), then ok.
std::string hoarder(int count) {
  std::string module = kPollModuleImports + R"(
    (func (export "run") (result i32) (local $n i32)
      (loop $more
        (drop (call $subscribe (i64.const 1000000000)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $n) (i32.const )" +
                       std::to_string(count) + R"())))
      (i32.const 0)))";
  return command(kPollImports, kPollLowered, kPollWith, module);
}

}  // namespace

TEST_CASE("the WASI host's table holds at most max_resources objects; one more traps") {
  wasi::p2::WasiP2Config config;
  config.max_resources = 8;
  auto full = run_component(hoarder(8), config);
  REQUIRE_MESSAGE(full, (full ? "" : full.error().message));
  CHECK(*full);

  config = {};
  config.max_resources = 8;
  auto over = run_component(hoarder(9), config);
  REQUIRE_FALSE(over);
  CHECK(over.error().kind == ErrorKind::Trap);
  CHECK_MESSAGE(over.error().message.find("resource table is full (8 entries)") != std::string::npos,
                over.error().message);
}

TEST_CASE("a component instance's handle table holds at most max_resource_handles; one more traps") {
  StoreLimits limits;
  limits.max_resource_handles = 5;
  auto full = run_component(hoarder(5), {}, limits);
  REQUIRE_MESSAGE(full, (full ? "" : full.error().message));
  CHECK(*full);

  auto over = run_component(hoarder(6), {}, limits);
  REQUIRE_FALSE(over);
  CHECK(over.error().kind == ErrorKind::Trap);
  CHECK_MESSAGE(over.error().message.find("cannot allocate another handle: the table holds its maximum of 5 handles") !=
                    std::string::npos,
                over.error().message);
}

TEST_CASE("without limits, a guest that keeps every handle is stopped by the defaults, not by memory") {
  // 2^20 - 1 handles fill the instance's table before the host's (2^20): a trap after about a
  // million pollables, a few tens of MB of host memory.
  auto over = run_component(hoarder(1 << 20));
  REQUIRE_FALSE(over);
  CHECK(over.error().kind == ErrorKind::Trap);
  CHECK_MESSAGE(over.error().message.find("cannot allocate another handle") != std::string::npos,
                over.error().message);
}
