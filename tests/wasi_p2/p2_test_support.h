// What the tests of the WASI 0.2 host share: a command component in component text, run with a
// WasiP2 through the public component API, and the imports of wasi:io/poll and the monotonic clock.
#pragma once

#include <cstdint>
#include <string>

#include "text/wat.h"
#include "wasi/p2/context.h"
#include "wasmrun/component/component.h"

namespace wasmrun::p2_test {

// Instantiates the component text with a WasiP2 of `config`, in a store with `limits`, and calls
// its run: whether it returned ok, or the error (a trap, an exit) it ended with.
inline Expected<bool> run_component(const std::string& wat, wasi::p2::WasiP2Config config = {},
                                    const StoreLimits& limits = {}) {
  auto created = Engine::create();
  if (!created) return created.error();
  Engine& engine = *created;
  auto bytes = text::parse_wat(wat, "test.wat");
  if (!bytes) return bytes.error();
  auto component = Component::from_binary(engine, *bytes);
  if (!component) return component.error();
  auto wasi = wasi::p2::WasiP2::create(std::move(config));
  if (!wasi) return wasi.error();
  component::Linker linker(engine);
  if (auto ok = (*wasi)->add_to_linker(linker); !ok) return ok.error();
  Store store(engine);
  store.set_limits(limits);
  auto instance = linker.instantiate(store, *component);
  if (!instance) return instance.error();
  using RunResult = component::Result<std::monostate, std::monostate>;
  auto run = instance->get_typed_func<RunResult()>("wasi:cli/run@0.2.0", "run");
  if (!run) return run.error();
  auto result = run->call();
  if (!result) return result.error();
  return result->is_ok();
}

// A command component: `imports` are its import declarations, `lowered` its canon lower lines,
// `with` the exports of the core module's import instance "", `module_body` the core module,
// whose "run" returns 0 for ok and 1 for err.
inline std::string command(const std::string& imports, const std::string& lowered, const std::string& with,
                           const std::string& module_body) {
  return "(component\n" + imports + "\n" + lowered + "\n(core module $m " + module_body +
         ")\n(core instance $i (instantiate $m (with \"\" (instance " + with +
         "))))\n(func $run (result (result)) (canon lift (core func $i \"run\")))\n"
         "(instance $r (export \"run\" (func $run)))\n(export \"wasi:cli/run@0.2.0\" (instance $r)))";
}

// A core memory of `pages` pages with a bump `realloc` (8-byte aligned) from `heap_start`,
// aliased as $memory and $realloc for the canon options of lowered functions: component text to
// follow the imports.
inline std::string memory_with_realloc(int pages, uint32_t heap_start) {
  return R"(
  (core module $memory-module
    (memory (export "memory") )" + std::to_string(pages) + R"()
    (global $next (mut i32) (i32.const )" + std::to_string(heap_start) + R"())
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))
)";
}

inline const std::string kPollImports = R"(
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow 0))))
    (export "[method]pollable.ready" (func (param "self" (borrow 0)) (result bool)))))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (alias outer 1 $pollable (type))
    (export "pollable" (type (eq 0)))
    (export "now" (func (result u64)))
    (export "subscribe-duration" (func (param "when" u64) (result (own 1))))))
)";
inline const std::string kPollLowered = R"(
  (core func $now (canon lower (func $clock "now")))
  (core func $subscribe (canon lower (func $clock "subscribe-duration")))
  (core func $block (canon lower (func $poll "[method]pollable.block")))
  (core func $ready (canon lower (func $poll "[method]pollable.ready")))
  (core func $drop (canon resource.drop $pollable))
)";
inline const std::string kPollWith = R"((export "now" (func $now)) (export "subscribe" (func $subscribe))
  (export "block" (func $block)) (export "ready" (func $ready)) (export "drop" (func $drop)))";
inline const std::string kPollModuleImports = R"(
  (import "" "now" (func $now (result i64)))
  (import "" "subscribe" (func $subscribe (param i64) (result i32)))
  (import "" "block" (func $block (param i32)))
  (import "" "ready" (func $ready (param i32) (result i32)))
  (import "" "drop" (func $drop (param i32)))
)";

}  // namespace wasmrun::p2_test
