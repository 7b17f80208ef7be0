// The component-model-async surface: stream and future types, async function types, the 🔀 and
// 🧵 built-ins and the async/callback options, decoded, validated and instantiated; the
// built-ins' may_leave traps, the ones that need no scheduler, and the AsyncUnsupported trap of
// those that do.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "jit/llvm_code_generator.h"
#include "runtime/decode/component_decoder.h"
#include "runtime/vm/component_instance.h"
#include "text/wat.h"
#include "wat_bytes.h"

using namespace wasmrun;
using namespace wasmrun::component;
using wasmrun::test::encode;

namespace {

std::string error_of(std::string_view wat, ComponentDecodeOptions options = {}) {
  auto r = decode_component(encode(wat), options);
  return r.component ? "" : r.error.message;
}

bool valid(std::string_view wat) {
  auto r = decode_component(encode(wat));
  INFO(r.error.message);
  return r.component != nullptr;
}

// A component whose core module imports one built-in as "" "f" with the given core signature.
std::string with_builtin(std::string_view canon, std::string_view core_sig, std::string_view prelude = "") {
  return std::string("(component (core module $mem (memory (export \"m\") 1)"
                     " (func (export \"realloc\") (param i32 i32 i32 i32) (result i32) i32.const 0))"
                     " (core instance $mem (instantiate $mem))") +
         std::string(prelude) + " (core func $f (canon " + std::string(canon) + "))" +
         " (core module $m (import \"\" \"f\" (func " + std::string(core_sig) + ")))" +
         " (core instance (instantiate $m (with \"\" (instance (export \"f\" (func $f)))))))";
}

}  // namespace

TEST_CASE("async surface: stream and future types") {
  CHECK(valid("(component (type (stream u8)) (type (stream)) (type (future string)) (type (future)))"));
  CHECK(error_of("(component (type (stream char)))").starts_with("`stream<char>` is not valid at this time"));
  CHECK(error_of("(component (type $R (resource (rep i32))) (type (future (borrow $R))))")
            .starts_with("the payload of a future cannot contain a `borrow`"));
  CHECK(valid("(component (type $R (resource (rep i32))) (type (future (own $R))))"));
  ComponentDecodeOptions no_async;
  no_async.async = false;
  auto r = decode_component(encode("(component (type (stream u8)))"), no_async);
  CHECK(r.unsupported);
  CHECK_FALSE(r.component);
}

TEST_CASE("async surface: async function types are their own types") {
  CHECK(valid("(component (type (func async (param \"a\" u32) (result string))))"));
  // An async function does not satisfy an import of a sync one, nor the reverse.
  std::string err = error_of(R"((component
    (component $c (import "f" (func)))
    (import "g" (func $g async))
    (instance (instantiate $c (with "f" (func $g))))))");
  CHECK(err.find("expected sync function, found async function") != std::string::npos);
}

TEST_CASE("async surface: the binary format of the built-ins") {
  // thread.yield (0x0c) with a `cancel?` byte of 2.
  const std::vector<uint8_t> bad_flag = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x08, 0x03, 0x01, 0x0c, 0x02};
  auto r = decode_component(bad_flag);
  CHECK(r.malformed);
  CHECK(r.error.message.starts_with("invalid boolean value"));
  // 0x07 is not allocated (there is no `resource.drop async`).
  const std::vector<uint8_t> unallocated = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x08, 0x02, 0x01, 0x07};
  r = decode_component(unallocated);
  CHECK(r.malformed);
  CHECK(r.error.message.starts_with("invalid leading byte (0x7) for canonical function"));
  // thread.spawn-ref (0x40) belongs to shared-everything threads: reported unsupported.
  const std::vector<uint8_t> spawn = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x08, 0x04, 0x01, 0x40, 0x00, 0x00};
  r = decode_component(spawn);
  CHECK(r.unsupported);
}

TEST_CASE("async surface: each built-in's core function type") {
  CHECK(valid(with_builtin("task.return (result u32)", "(param i32)")));
  CHECK(valid(with_builtin("task.return", "")));
  CHECK(valid(with_builtin("task.cancel", "")));
  CHECK(valid(with_builtin("context.get i32 1", "(result i32)")));
  CHECK(valid(with_builtin("context.set i32 0", "(param i32)")));
  CHECK(valid(with_builtin("backpressure.inc", "")));
  CHECK(valid(with_builtin("thread.yield cancellable", "(result i32)")));
  CHECK(valid(with_builtin("thread.index", "(result i32)")));
  CHECK(valid(with_builtin("thread.resume-later", "(param i32)")));
  CHECK(valid(with_builtin("thread.suspend-then-promote", "(param i32) (result i32)")));
  CHECK(valid(with_builtin("waitable-set.new", "(result i32)")));
  CHECK(valid(with_builtin("waitable-set.wait (memory $mem \"m\")", "(param i32 i32) (result i32)")));
  CHECK(valid(with_builtin("waitable-set.poll cancellable (memory $mem \"m\")", "(param i32 i32) (result i32)")));
  CHECK(valid(with_builtin("waitable.join", "(param i32 i32)")));
  CHECK(valid(with_builtin("subtask.cancel async", "(param i32) (result i32)")));
  CHECK(valid(with_builtin("subtask.drop", "(param i32)")));
  const char* stream = " (type $s (stream u32)) (type $f (future string))";
  CHECK(valid(with_builtin("stream.new $s", "(result i64)", stream)));
  CHECK(valid(with_builtin("stream.read $s (memory $mem \"m\")", "(param i32 i32 i32) (result i32)", stream)));
  CHECK(valid(with_builtin("stream.write $s async (memory $mem \"m\")", "(param i32 i32 i32) (result i32)", stream)));
  CHECK(valid(with_builtin("stream.cancel-read $s async", "(param i32) (result i32)", stream)));
  CHECK(valid(with_builtin("stream.drop-writable $s", "(param i32)", stream)));
  CHECK(valid(with_builtin("future.read $f (memory $mem \"m\") (realloc (func $mem \"realloc\"))",
                           "(param i32 i32) (result i32)", stream)));
  CHECK(valid(with_builtin("future.drop-readable $f", "(param i32)", stream)));
  // A wrong core signature is caught where the core module is instantiated.
  CHECK(error_of(with_builtin("context.get i32 0", "(param i32)")).find("type mismatch") != std::string::npos);
  CHECK(error_of(with_builtin("stream.new $s", "(result i32)", stream)).find("type mismatch") != std::string::npos);
}

TEST_CASE("async surface: invalid built-ins and options") {
  const char* types = " (type $s (stream u32)) (type $f (future string)) (type $n (stream))";
  CHECK(error_of(with_builtin("context.get i32 2", "(result i32)")).find("slot index 2 is out of bounds") != std::string::npos);
  CHECK(decode_component(encode(with_builtin("context.get i64 0", "(result i64)"))).unsupported);
  CHECK(error_of(with_builtin("stream.new $f", "(result i64)", types)).find("requires a stream type") != std::string::npos);
  CHECK(error_of(with_builtin("future.drop-readable $s", "(param i32)", types)).find("requires a future type") != std::string::npos);
  CHECK(error_of(with_builtin("stream.read $s", "(param i32 i32 i32) (result i32)", types))
            .starts_with("canonical option `memory` is required"));
  CHECK(valid(with_builtin("stream.read $n", "(param i32 i32 i32) (result i32)", types)));
  CHECK(error_of(with_builtin("future.read $f (memory $mem \"m\")", "(param i32 i32) (result i32)", types))
            .starts_with("canonical option `realloc` is required"));
  CHECK(error_of(with_builtin("task.return (result string) (memory $mem \"m\") (realloc (func $mem \"realloc\"))",
                              "(param i32 i32)"))
            .find("may only have the `memory` and `string-encoding`") != std::string::npos);
  CHECK(error_of(with_builtin("task.return (result string)", "(param i32 i32)")).starts_with("canonical option `memory` is required"));
  CHECK(error_of(with_builtin("waitable-set.new", "(result i32)", "")).empty());
  ComponentDecodeOptions no_threads;
  no_threads.threading = false;
  CHECK(decode_component(encode(with_builtin("thread.index", "(result i32)")), no_threads).unsupported);
  CHECK(valid(with_builtin("thread.yield", "(result i32)")));  // 🔀, not 🧵

  auto lift = [](std::string_view func_type, std::string_view core, std::string_view opts) {
    return std::string("(component (core module $m (func (export \"run\") ") + std::string(core) +
           " unreachable) (func (export \"cb\") (param i32 i32 i32) (result i32) unreachable)"
           " (func (export \"bad-cb\") (param i32) (result i32) unreachable))"
           " (core instance $i (instantiate $m))"
           " (func (export \"f\") " + std::string(func_type) + " (canon lift (core func $i \"run\") " +
           std::string(opts) + ")))";
  };
  CHECK(valid(lift("async", "(result i32)", "async (callback (func $i \"cb\"))")));
  CHECK(valid(lift("async (param \"x\" u32) (result u32)", "(param i32)", "async")));
  CHECK(error_of(lift("", "", "async")).starts_with("the `async` canonical option requires an async function type"));
  CHECK(error_of(lift("async", "(result i32)", "(callback (func $i \"cb\"))"))
            .starts_with("canonical option `callback` requires the `async` option"));
  CHECK(error_of(lift("async", "(result i32)", "async (callback (func $i \"bad-cb\"))"))
            .starts_with("canonical option `callback` uses a core function with an incorrect signature"));
  CHECK(error_of(lift("async", "(result i32)", "async")).find("do not match result types") != std::string::npos);
  // An async lower: the parameters flat (up to 4), a return pointer, the subtask status.
  CHECK(valid(R"((component
    (import "g" (func $g async (param "a" u32) (result u32)))
    (core module $mem (memory (export "m") 1))
    (core instance $mem (instantiate $mem))
    (core func $g (canon lower (func $g) async (memory $mem "m")))
    (core module $m (import "" "g" (func (param i32 i32) (result i32))))
    (core instance (instantiate $m (with "" (instance (export "g" (func $g))))))))"));
  CHECK(valid(R"((component
    (import "g" (func $g async (param "a" u32)))
    (core func (canon lower (func $g) async))))"));
  CHECK(error_of(R"((component
    (import "g" (func $g async (result u32)))
    (core func (canon lower (func $g) async))))")
            .starts_with("canonical option `memory` is required"));
  CHECK(error_of(R"((component
    (import "g" (func $g))
    (core func (canon lower (func $g) async))))")
            .starts_with("the `async` canonical option requires an async function type"));
}

namespace {

struct Runtime {
  Runtime() : engine(vm::EngineConfig{}, create_codegen()), store(engine), linker(store) {}
  static std::unique_ptr<vm::CodeGenerator> create_codegen() {
    auto codegen = jit::create_llvm_code_generator();
    REQUIRE(codegen.ok());
    return codegen.take();
  }

  std::shared_ptr<vm::ComponentInstance> instantiate(std::string_view wat) {
    auto r = decode_component(encode(wat));
    REQUIRE_MESSAGE(r.component, r.error.message);
    auto inst = linker.instantiate(r.component);
    auto* ok = std::get_if<std::shared_ptr<vm::ComponentInstance>>(&inst);
    REQUIRE_MESSAGE(ok, std::get<vm::ComponentInstantiationError>(inst).message);
    return *ok;
  }
  TrapOr<std::optional<Val>> call(const std::shared_ptr<vm::ComponentInstance>& inst, const std::string& name) {
    std::vector<Val> none;
    return linker.call(*inst->exports.at(name).func, none);
  }
  uint32_t u32(const std::shared_ptr<vm::ComponentInstance>& inst, const std::string& name) {
    auto r = call(inst, name);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap().message));
    REQUIRE(r->has_value());
    return (*r)->as_unsigned();
  }
  TrapCode trap(const std::shared_ptr<vm::ComponentInstance>& inst, const std::string& name) {
    auto r = call(inst, name);
    REQUIRE_FALSE(r.ok());
    INFO(r.trap().message);
    return r.trap().code;
  }

  vm::Engine engine;
  vm::Store store;
  vm::ComponentLinker linker;
};

// One core module `body` given built-ins by import name, its functions lifted as `() -> u32`
// (`lifts`: export name and core function name), each optionally with a post-return.
std::string tester(std::string_view canons, std::string_view imports, std::string_view body, std::string_view lifts) {
  return std::string(R"((component
    (core module $mem (memory (export "m") 1))
    (core instance $mem (instantiate $mem))
    (type $s (stream u32)) (type $f (future u32)) (type $n (stream)))") +
         std::string(canons) + "\n(core module $m (import \"\" \"m\" (memory 1))\n" + std::string(imports) + "\n" +
         std::string(body) + ")\n(core instance $i (instantiate $m (with \"\" (instance (export \"m\" (memory $mem \"m\")) " +
         "$EXPORTS))))\n" + std::string(lifts) + ")";
}

// Replaces `$EXPORTS` by an export of every named built-in.
std::string exporting(std::string wat, std::initializer_list<std::string_view> names) {
  std::string list;
  for (auto n : names) list += "(export \"" + std::string(n) + "\" (func $" + std::string(n) + ")) ";
  wat.replace(wat.find("$EXPORTS"), 8, list);
  return wat;
}

}  // namespace

TEST_CASE("async built-ins: may_leave traps in post-return, before anything else") {
  // Each built-in called from a post-return, with arguments that would trap otherwise too
  // (an unknown handle): the may_leave check comes first.
  std::string wat = exporting(tester(R"(
    (core func $stream.new (canon stream.new $s))
    (core func $waitable-set.new (canon waitable-set.new))
    (core func $thread.index (canon thread.index))
    (core func $subtask.drop (canon subtask.drop))
    (core func $waitable-set.wait (canon waitable-set.wait (memory $mem "m"))))",
    R"((import "" "stream.new" (func $stream.new (result i64)))
       (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
       (import "" "thread.index" (func $thread.index (result i32)))
       (import "" "subtask.drop" (func $subtask.drop (param i32)))
       (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32))))",
    R"((func (export "noop") (result i32) i32.const 0)
       (func (export "pr-stream") (param i32) (drop (call $stream.new)))
       (func (export "pr-set") (param i32) (drop (call $waitable-set.new)))
       (func (export "pr-index") (param i32) (drop (call $thread.index)))
       (func (export "pr-drop") (param i32) (call $subtask.drop (i32.const 99)))
       (func (export "pr-wait") (param i32) (drop (call $waitable-set.wait (i32.const 99) (i32.const 0)))))",
    R"((func (export "stream") (result u32) (canon lift (core func $i "noop") (post-return (func $i "pr-stream"))))
       (func (export "set") (result u32) (canon lift (core func $i "noop") (post-return (func $i "pr-set"))))
       (func (export "index") (result u32) (canon lift (core func $i "noop") (post-return (func $i "pr-index"))))
       (func (export "drop") (result u32) (canon lift (core func $i "noop") (post-return (func $i "pr-drop"))))
       (func (export "wait") (result u32) (canon lift (core func $i "noop") (post-return (func $i "pr-wait")))))"),
    {"stream.new", "waitable-set.new", "thread.index", "subtask.drop", "waitable-set.wait"});
  for (const char* f : {"stream", "set", "index", "drop", "wait"}) {
    CAPTURE(f);
    Runtime rt;  // a trap locks the instance down: a fresh one for each
    auto inst = rt.instantiate(wat);
    CHECK(rt.trap(inst, f) == TrapCode::CannotLeave);
  }
}

TEST_CASE("async built-ins: context slots per task, thread index, backpressure") {
  Runtime rt;
  auto inst = rt.instantiate(exporting(tester(R"(
    (core func $get0 (canon context.get i32 0))
    (core func $set0 (canon context.set i32 0))
    (core func $get1 (canon context.get i32 1))
    (core func $index (canon thread.index))
    (core func $yield (canon thread.yield))
    (core func $inc (canon backpressure.inc))
    (core func $dec (canon backpressure.dec)))",
    R"((import "" "get0" (func $get0 (result i32)))
       (import "" "set0" (func $set0 (param i32)))
       (import "" "get1" (func $get1 (result i32)))
       (import "" "index" (func $index (result i32)))
       (import "" "yield" (func $yield (result i32)))
       (import "" "inc" (func $inc))
       (import "" "dec" (func $dec))
       (global $seen (mut i32) (i32.const -1)))",
    R"((func (export "set-get") (result i32)
         (if (i32.ne (call $get0) (i32.const 0)) (then unreachable))
         (call $set0 (i32.const 42))
         (i32.add (call $get0) (call $get1)))
       (func (export "pr") (param i32) (global.set $seen (call $get0)))
       (func (export "seen") (result i32) (global.get $seen))
       (func (export "index") (result i32) (call $index))
       (func (export "yield") (result i32) (call $yield))
       (func (export "balanced") (result i32) (call $inc) (call $inc) (call $dec) (call $dec) (i32.const 7))
       (func (export "underflow") (result i32) (call $dec) (i32.const 0)))",
    R"((func (export "set-get") (result u32) (canon lift (core func $i "set-get") (post-return (func $i "pr"))))
       (func (export "seen") (result u32) (canon lift (core func $i "seen")))
       (func (export "index") (result u32) (canon lift (core func $i "index")))
       (func (export "yield") (result u32) (canon lift (core func $i "yield")))
       (func (export "balanced") (result u32) (canon lift (core func $i "balanced")))
       (func (export "underflow") (result u32) (canon lift (core func $i "underflow"))))"),
    {"get0", "set0", "get1", "index", "yield", "inc", "dec"}));
  CHECK(rt.u32(inst, "set-get") == 42);
  CHECK(rt.u32(inst, "seen") == 42);     // post-return runs in the task that set the slot
  CHECK(rt.u32(inst, "set-get") == 42);  // a new task starts with zeroed slots (else unreachable)
  CHECK(rt.u32(inst, "index") == 1);
  CHECK(rt.u32(inst, "yield") == 0);
  CHECK(rt.u32(inst, "balanced") == 7);
  CHECK(rt.trap(inst, "underflow") == TrapCode::AsyncState);
}

TEST_CASE("async built-ins: waitable sets, stream and future ends, subtasks") {
  Runtime rt;
  const char* canons = R"(
    (core func $stream.new (canon stream.new $s))
    (core func $future.new (canon future.new $f))
    (core func $stream.write (canon stream.write $s (memory $mem "m")))
    (core func $stream.read (canon stream.read $s (memory $mem "m")))
    (core func $future.write (canon future.write $f (memory $mem "m")))
    (core func $stream.drop-readable (canon stream.drop-readable $s))
    (core func $stream.drop-writable (canon stream.drop-writable $s))
    (core func $future.drop-writable (canon future.drop-writable $f))
    (core func $future.drop-readable (canon future.drop-readable $f))
    (core func $stream.cancel-read (canon stream.cancel-read $s))
    (core func $set.new (canon waitable-set.new))
    (core func $set.drop (canon waitable-set.drop))
    (core func $set.poll (canon waitable-set.poll (memory $mem "m")))
    (core func $join (canon waitable.join))
    (core func $subtask.drop (canon subtask.drop)))";
  const char* imports = R"(
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "future.new" (func $future.new (result i64)))
    (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
    (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
    (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
    (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
    (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
    (import "" "future.drop-writable" (func $future.drop-writable (param i32)))
    (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
    (import "" "stream.cancel-read" (func $stream.cancel-read (param i32) (result i32)))
    (import "" "set.new" (func $set.new (result i32)))
    (import "" "set.drop" (func $set.drop (param i32)))
    (import "" "set.poll" (func $set.poll (param i32 i32) (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask.drop (param i32)))
    (global $r (mut i32) (i32.const 0)) (global $w (mut i32) (i32.const 0)) (global $set (mut i32) (i32.const 0)))";
  const char* body = R"(
    (func $new-stream (local $p i64)
      (local.set $p (call $stream.new))
      (global.set $r (i32.wrap_i64 (local.get $p)))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32)))))
    ;; Both ends are fresh handles; a write to a stream whose reader is gone is DROPPED at once.
    (func (export "write-dropped") (result i32)
      (call $new-stream)
      (if (i32.eq (global.get $r) (global.get $w)) (then unreachable))
      (call $stream.drop-readable (global.get $r))
      (if (i32.ne (call $stream.write (global.get $w) (i32.const 0) (i32.const 4)) (i32.const 1)) (then unreachable))
      (call $stream.drop-writable (global.get $w))
      (i32.const 1))
    ;; After DROPPED the end is done: another copy traps.
    (func (export "write-after-done") (result i32)
      (call $new-stream)
      (call $stream.drop-readable (global.get $r))
      (drop (call $stream.write (global.get $w) (i32.const 0) (i32.const 4)))
      (call $stream.write (global.get $w) (i32.const 0) (i32.const 4)))
    ;; A synchronous copy whose peer is alive blocks, which a task of a sync type cannot do.
    (func (export "read-live") (result i32)
      (call $new-stream)
      (call $stream.read (global.get $r) (i32.const 0) (i32.const 4)))
    (func (export "read-unaligned") (result i32)
      (call $new-stream)
      (call $stream.read (global.get $r) (i32.const 2) (i32.const 4)))
    (func (export "read-out-of-bounds") (result i32)
      (call $new-stream)
      (call $stream.read (global.get $r) (i32.const 65532) (i32.const 4)))
    (func (export "cancel-idle") (result i32)
      (call $new-stream)
      (call $stream.cancel-read (global.get $r)))
    (func (export "wrong-end") (result i32)
      (call $new-stream)
      (call $stream.drop-readable (global.get $w))
      (i32.const 0))
    (func (export "future-unwritten") (result i32) (local $p i64)
      (local.set $p (call $future.new))
      (call $future.drop-writable (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
      (i32.const 0))
    (func (export "future-reader-gone") (result i32) (local $p i64)
      (local.set $p (call $future.new))
      (call $future.drop-readable (i32.wrap_i64 (local.get $p)))
      (if (i32.ne (call $future.write (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))) (i32.const 0))
                  (i32.const 1)) (then unreachable))
      (call $future.drop-writable (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
      (i32.const 2))
    ;; A set with a member cannot be dropped; leaving (join 0) empties it.
    (func (export "set") (result i32)
      (call $new-stream)
      (global.set $set (call $set.new))
      (call $join (global.get $r) (global.get $set))
      (i32.store (i32.const 8) (i32.const -1))
      (if (i32.ne (call $set.poll (global.get $set) (i32.const 8)) (i32.const 0)) (then unreachable))
      (if (i32.ne (i32.load (i32.const 8)) (i32.const 0)) (then unreachable))
      (call $join (global.get $r) (i32.const 0))
      (call $set.drop (global.get $set))
      (i32.const 3))
    (func (export "set-not-empty") (result i32)
      (call $new-stream)
      (global.set $set (call $set.new))
      (call $join (global.get $r) (global.get $set))
      (call $set.drop (global.get $set))
      (i32.const 0))
    (func (export "join-a-set") (result i32)
      (global.set $set (call $set.new))
      (call $join (global.get $set) (i32.const 0))
      (i32.const 0))
    (func (export "subtask-drop") (result i32)
      (call $new-stream)
      (call $subtask.drop (global.get $r))
      (i32.const 0)))";
  std::vector<std::string> names = {"write-dropped", "write-after-done", "read-live", "read-unaligned", "read-out-of-bounds",
                                    "cancel-idle", "wrong-end", "future-unwritten", "future-reader-gone",
                                    "set", "set-not-empty", "join-a-set", "subtask-drop"};
  std::string lifts;
  for (const auto& n : names) lifts += "(func (export \"" + n + "\") (result u32) (canon lift (core func $i \"" + n + "\")))\n";
  std::string wat = exporting(tester(canons, imports, body, lifts),
                              {"stream.new", "future.new", "stream.write", "stream.read", "future.write",
                               "stream.drop-readable", "stream.drop-writable", "future.drop-writable",
                               "future.drop-readable", "stream.cancel-read", "set.new", "set.drop", "set.poll", "join",
                               "subtask.drop"});
  // Each case in a fresh instance: a trap locks the instance down.
  auto run = [&](const std::string&) {
    auto r = std::make_unique<Runtime>();
    auto inst = r->instantiate(wat);
    return std::pair{std::move(r), inst};
  };
  auto u32 = [&](const std::string& name) {
    auto [r, inst] = run(name);
    return r->u32(inst, name);
  };
  auto trap = [&](const std::string& name) {
    auto [r, inst] = run(name);
    return r->trap(inst, name);
  };
  CHECK(u32("write-dropped") == 1);
  CHECK(trap("write-after-done") == TrapCode::AsyncState);
  CHECK(trap("read-live") == TrapCode::AsyncState);
  CHECK(trap("read-unaligned") == TrapCode::UnalignedPointer);
  CHECK(trap("read-out-of-bounds") == TrapCode::OutOfBounds);
  CHECK(trap("cancel-idle") == TrapCode::AsyncState);
  CHECK(trap("wrong-end") == TrapCode::WrongHandleType);
  CHECK(trap("future-unwritten") == TrapCode::AsyncState);
  CHECK(u32("future-reader-gone") == 2);
  CHECK(u32("set") == 3);
  CHECK(trap("set-not-empty") == TrapCode::AsyncState);
  CHECK(trap("join-a-set") == TrapCode::WrongHandleType);
  CHECK(trap("subtask-drop") == TrapCode::WrongHandleType);
}

TEST_CASE("async built-ins: what needs the scheduler traps AsyncUnsupported") {
  Runtime rt;
  auto inst = rt.instantiate(R"((component
    (core module $m
      (func (export "run") unreachable))
    (core instance $i (instantiate $m))
    (func (export "run") async (canon lift (core func $i "run") async))))");
  auto r = rt.call(inst, "run");
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().code == TrapCode::AsyncUnsupported);
  CHECK(r.trap().message.find("component-model-async runtime") != std::string::npos);
  CHECK(is_canonical_abi(TrapCode::AsyncUnsupported));
}
