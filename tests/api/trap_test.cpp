// Structured traps through the public API (guests in the text format, whose encoder writes no
// name section: frames are checked by function index here, names in exec_test.cpp): a code and the wasm frames, innermost first, for traps
// raised by JIT code, by the fault handler, by the stack check and by host functions; exits and
// link errors told apart by ErrorKind; Expected::take on an error says why before it aborts.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <string>

#include "wasmrun/component/linker.h"
#include "wasmrun/wasmrun.h"
#include "wasmrun/wat.h"

using namespace wasmrun;

namespace {

const Engine& engine() {
  static Engine e = Engine::create().take();
  return e;
}

constexpr std::string_view kGuest = R"((module $calc
  (import "env" "fail" (func $fail (param i32)))
  (memory (export "memory") 1)
  (func $divide (export "divide") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s)
  (func $load (export "load") (param i32) (result i32)
    local.get 0 i32.load)
  (func $recurse (export "recurse") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $recurse)
  (func $ask_host (export "ask_host") (param i32)
    local.get 0 call $fail)
  (func $outer (export "outer") (param i32)
    local.get 0 call $ask_host))
)";

struct Fixture {
  Store store{engine()};
  Instance instance = [this] {
    Linker linker(engine());
    REQUIRE(linker.func_wrap("env", "fail", [](int32_t code) -> Expected<void> {
      if (code == 0) return {};
      return Error{"the host refuses " + std::to_string(code)};
    }));
    Module module = Module::compile(engine(), kGuest).take();
    return linker.instantiate(store, module).take();
  }();
};

const Trap& trap_of(const Error& e) {
  REQUIRE(e.kind == ErrorKind::Trap);
  REQUIRE(e.trap);
  return *e.trap;
}

}  // namespace

TEST_CASE("a trap carries its code and its frames, with names from the name section") {
  Fixture f;
  auto divide = f.instance.typed_func<int32_t(int32_t, int32_t)>("divide").take();
  Error e = divide(1, 0).error();
  const Trap& t = trap_of(e);
  CHECK(t.code == TrapCode::IntegerDivideByZero);
  CHECK(t.message == "integer divide by zero");
  REQUIRE(t.frames.size() == 1);
  CHECK(t.frames[0].func_index == 1);  // the import is function 0
  CHECK(e.message == t.to_string());
  CHECK(e.message.find("integer divide by zero\nwasm backtrace:\n    0: ") == 0);
  CHECK(e.message.find("wasm[1]") != std::string::npos);
}

TEST_CASE("INT_MIN / -1 traps with a backtrace too") {
  Fixture f;
  auto divide = f.instance.typed_func<int32_t(int32_t, int32_t)>("divide").take();
  Error e = divide(INT_MIN, -1).error();
  const Trap& t = trap_of(e);
  CHECK(t.code == TrapCode::IntegerOverflow);
  REQUIRE(t.frames.size() == 1);
  CHECK(t.frames[0].func_index == 1);
}

TEST_CASE("an out-of-bounds access found by the fault handler names the faulting function") {
  Fixture f;
  auto load = f.instance.typed_func<int32_t(int32_t)>("load").take();
  Error e = load(-1).error();
  const Trap& t = trap_of(e);
  CHECK(t.code == TrapCode::MemoryOutOfBounds);
  REQUIRE_FALSE(t.frames.empty());
  CHECK(t.frames[0].func_index == 2);
}

TEST_CASE("stack exhaustion starts its backtrace at frame 0") {
  Fixture f;
  auto recurse = f.instance.typed_func<int32_t(int32_t)>("recurse").take();
  Error e = recurse(0).error();
  const Trap& t = trap_of(e);
  CHECK(t.code == TrapCode::StackOverflow);
  REQUIRE(t.frames.size() > 1);
  for (const Frame& frame : t.frames) CHECK(frame.func_index == 3);
  CHECK(e.message.find("wasm backtrace:\n    0: ") != std::string::npos);
}

TEST_CASE("a failing host function names its import, and the trap has the wasm frames that called it") {
  Fixture f;
  auto outer = f.instance.typed_func<void(int32_t)>("outer").take();
  CHECK(outer(0));
  Error e = outer(7).error();
  const Trap& t = trap_of(e);
  CHECK(t.code == TrapCode::HostError);
  CHECK(t.message == "host function \"env\" \"fail\": the host refuses 7");
  REQUIRE(t.frames.size() >= 1);
  REQUIRE(t.frames.size() == 2);  // ask_host is inlined into outer, and still has its frame
  CHECK(t.frames[0].func_index == 4);
  CHECK(t.frames[1].func_index == 5);
}

TEST_CASE("inlined calls keep their frames, each with the byte offset of its instruction") {
  std::vector<uint8_t> binary = wat2wasm(R"((module
    (func $divide (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func $middle (param i32 i32) (result i32) local.get 0 local.get 1 call $divide i32.const 1 i32.add)
    (func (export "outer") (param i32 i32) (result i32) local.get 0 local.get 1 call $middle)
    (func $rec (export "rec") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)))").take();
  // At opt_level 2 the JIT inlines $divide (at least) into its caller; at 0 it inlines nothing.
  // The backtrace is the same either way.
  for (int opt_level : {2, 0}) {
    CAPTURE(opt_level);
    Config config;
    config.opt_level = opt_level;
    Engine e = Engine::create(config).take();
    Module module = Module::compile(e, binary).take();
    Store store(e);
    Instance instance = Instance::create(store, module, {}).take();

    Error error = instance.typed_func<int32_t(int32_t, int32_t)>("outer").take()(1, 0).error();
    const Trap& t = trap_of(error);
    CHECK(t.code == TrapCode::IntegerDivideByZero);
    REQUIRE(t.frames.size() == 3);
    uint8_t expected_opcode[] = {0x6d, 0x10, 0x10};  // i32.div_s, then the calls that led there
    for (size_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      CHECK(t.frames[i].func_index == i);
      REQUIRE(t.frames[i].module_offset);
      REQUIRE(*t.frames[i].module_offset < binary.size());
      CHECK(binary[*t.frames[i].module_offset] == expected_opcode[i]);
    }
    CHECK(t.frames[0].inlined == (opt_level == 2));
    CHECK_FALSE(t.frames[2].inlined);  // the outermost frame is a function's own code
    if (opt_level == 2) CHECK(error.message.find(" - wasm[0] (inlined)\n") != std::string::npos);

    // Outer frames of a real recursion point at the recursive call.
    Error deep = instance.typed_func<int32_t(int32_t)>("rec").take()(0).error();
    const Trap& overflow = trap_of(deep);
    REQUIRE(overflow.frames.size() > 2);
    REQUIRE(overflow.frames[1].module_offset);
    CHECK(binary[*overflow.frames[1].module_offset] == 0x10);
  }
}

TEST_CASE("an exit, a trap and a link error are told apart by kind") {
  Engine e = Engine::create().take();
  Module module = Module::compile(e, R"((module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") i32.const 7 call $exit)))").take();
  Wasi wasi = Wasi::create({}).take();
  Linker linker(e);
  REQUIRE(wasi.add_to_linker(linker));
  Store store(e);
  Instance instance = linker.instantiate(store, module).take();
  Error exited = instance.typed_func<void()>("_start").take()().error();
  CHECK(exited.kind == ErrorKind::Exit);
  CHECK(exited.exit_status() == 7u);
  CHECK(exited.trap->code == TrapCode::Exit);
  CHECK(exited.message == "exit with status 7");

  Module trapping = Module::compile(e, "(module (func (export \"f\") (drop (i32.div_s (i32.const 1) (i32.const 0)))))").take();
  Error trapped = linker.instantiate(store, trapping).take().typed_func<void()>("f").take()().error();
  CHECK(trapped.kind == ErrorKind::Trap);
  CHECK(trapped.trap->code == TrapCode::IntegerDivideByZero);
  CHECK_FALSE(is_canonical_abi(trapped.trap->code));
  CHECK(trapped.trap->frames.size() == 1);
  CHECK_FALSE(trapped.exit_status());

  Linker empty(e);
  Error unlinked = empty.instantiate(store, module).error();
  CHECK(unlinked.kind == ErrorKind::Link);
  CHECK_FALSE(unlinked.trap);
  CHECK_FALSE(unlinked.exit_status());

  Error malformed = Module::compile(e, std::string_view("(module (func (result i32)))")).error();
  CHECK(malformed.kind == ErrorKind::Other);
}

// The same for a component, with the same types: a core trap and a canonical ABI trap (kind
// Trap, told apart by their code), an exit through a host function (as wasi:cli/exit does),
// and a missing import.
TEST_CASE("a component's exit, traps and link error are told apart by kind and code") {
  Engine e = Engine::create().take();
  auto binary = wat2wasm(R"((component
    (import "host:test/exit" (instance $h (export "exit" (func (param "code" u32)))))
    (alias export $h "exit" (func $exit))
    (core func $exit-lowered (canon lower (func $exit)))
    (core module $M
      (import "host" "exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "quit") (call $exit (i32.const 7)))
      (func (export "fail") unreachable)
      ;; a string whose bytes lie past the end of memory
      (func (export "bad-string") (result i32)
        (i32.store (i32.const 0) (i32.const 0xfff0))
        (i32.store (i32.const 4) (i32.const 100))
        (i32.const 0)))
    (core instance $m (instantiate $M (with "host" (instance (export "exit" (func $exit-lowered))))))
    (alias core export $m "memory" (core memory $memory))
    (func (export "quit") (canon lift (core func $m "quit")))
    (func (export "fail") (canon lift (core func $m "fail")))
    (func (export "bad-string") (result string) (canon lift (core func $m "bad-string") (memory $memory))))
  )", "exits.wat");
  REQUIRE_MESSAGE(binary.ok(), (binary ? "" : binary.error().message));
  Component component = Component::from_binary(e, binary.take()).take();

  component::Linker linker(e);
  REQUIRE(linker.instance("host:test/exit").func_wrap("exit", [](uint32_t code) -> component::TrapOr<void> {
    return Trap{TrapCode::Exit, "exit with status " + std::to_string(code), {}, code};
  }));
  auto pre = linker.instantiate_pre(component).take();

  Store store(e);
  Error exited = pre.instantiate(store).take().get_typed_func<void()>("quit").take()().error();
  CHECK(exited.kind == ErrorKind::Exit);
  CHECK(exited.exit_status() == 7u);
  CHECK(exited.message == "exit with status 7");

  Error trapped = pre.instantiate(store).take().get_typed_func<void()>("fail").take()().error();
  CHECK(trapped.kind == ErrorKind::Trap);
  REQUIRE(trapped.trap);
  CHECK(trapped.trap->code == TrapCode::Unreachable);
  CHECK(trapped.trap->frames.size() == 1);
  CHECK_FALSE(trapped.exit_status());

  Error broken = pre.instantiate(store).take().get_typed_func<std::string()>("bad-string").take()().error();
  CHECK(broken.kind == ErrorKind::Trap);
  REQUIRE(broken.trap);
  CHECK(is_canonical_abi(broken.trap->code));
  CHECK(broken.trap->code == TrapCode::OutOfBounds);
  CHECK(broken.trap->frames.empty());
  CHECK_FALSE(broken.exit_status());

  component::Linker empty(e);
  Error unlinked = empty.instantiate(store, component).error();
  CHECK(unlinked.kind == ErrorKind::Link);
  CHECK_FALSE(unlinked.trap);
  CHECK_FALSE(unlinked.exit_status());
}

// A trap while instantiating is the same value as a trap in a call: of kind Trap (or Exit),
// with its code, message and frames, for a core module's start function and its segments.
TEST_CASE("a trap while instantiating a module carries its code and frames") {
  Store store(engine());
  Linker linker(engine());
  Module starts = Module::compile(engine(), std::string_view(R"((module
    (func $boom unreachable)
    (func $start call $boom)
    (start $start)))")).take();
  Error trapped = linker.instantiate(store, starts).error();
  const Trap& trap = trap_of(trapped);
  CHECK(trap.code == TrapCode::Unreachable);
  REQUIRE(trap.frames.size() == 2);
  CHECK(trap.frames[0].func_index == 0);
  CHECK(trap.frames[1].func_index == 1);

  Module segment = Module::compile(engine(), std::string_view(R"((module
    (memory 1)
    (data (i32.const 65535) "ab")))")).take();
  Error failed = linker.instantiate(store, segment).error();
  const Trap& oob = trap_of(failed);
  CHECK(oob.code == TrapCode::MemoryOutOfBounds);
  CHECK(oob.frames.empty());
}

TEST_CASE("a component's trap or exit while instantiating is a Trap, as in a call; a link error stays Link") {
  // The start function of its core module returns (0), traps (1), exits (2), stores out of
  // bounds (3) or passes the host a string past the end of memory (4), as the global it imports
  // says; "bad" does what 4 does, in a call.
  auto with_mode = [&](uint8_t mode) {
    auto b = wat2wasm(std::string(R"((component
    (import "host:test/exit" (instance $h
      (export "exit" (func (param "code" u32)))
      (export "take" (func (param "s" string)))))
    (alias export $h "exit" (func $exit))
    (alias export $h "take" (func $take))
    (core module $Mem (memory (export "memory") 1))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "memory" (core memory $memory))
    (core func $exit-lowered (canon lower (func $exit)))
    (core func $take-lowered (canon lower (func $take) (memory $memory)))
    (core module $M
      (import "host" "exit" (func $exit (param i32)))
      (import "host" "take" (func $take (param i32 i32)))
      (import "host" "mode" (global $mode i32))
      (import "host" "memory" (memory 1))
      (func $fail unreachable)
      (func $bad (export "bad") (call $take (i32.const 0xfff0) (i32.const 100)))
      (func $start
        (if (i32.eq (global.get $mode) (i32.const 1)) (then (call $fail)))
        (if (i32.eq (global.get $mode) (i32.const 2)) (then (call $exit (i32.const 3))))
        (if (i32.eq (global.get $mode) (i32.const 3)) (then (i32.store (i32.const 65536) (i32.const 0))))
        (if (i32.eq (global.get $mode) (i32.const 4)) (then (call $bad))))
      (start $start))
    (core module $Mode (global (export "mode") i32 (i32.const )") + std::to_string(mode) + R"()))
    (core instance $mode (instantiate $Mode))
    (core instance $m (instantiate $M (with "host" (instance
      (export "exit" (func $exit-lowered))
      (export "take" (func $take-lowered))
      (export "mode" (global $mode "mode"))
      (export "memory" (memory $memory))))))
    (func (export "bad") (canon lift (core func $m "bad")))))");
    REQUIRE_MESSAGE(b.ok(), (b ? "" : b.error().message));
    return Component::from_binary(engine(), b.take()).take();
  };
  component::Linker linker(engine());
  auto host = linker.instance("host:test/exit");
  REQUIRE(host.func_wrap("exit", [](uint32_t code) -> component::TrapOr<void> {
    return Trap{TrapCode::Exit, "exit with status " + std::to_string(code), {}, code};
  }));
  REQUIRE(host.func_wrap("take", [](std::string) {}));
  Store store(engine());
  auto instance = linker.instantiate(store, with_mode(0));
  REQUIRE(instance.ok());

  Error trapped = linker.instantiate(store, with_mode(1)).error();
  const Trap& trap = trap_of(trapped);
  CHECK(trap.code == TrapCode::Unreachable);
  CHECK(trap.frames.size() == 2);
  CHECK(trapped.message == trap.to_string());

  Error exited = linker.instantiate(store, with_mode(2)).error();
  CHECK(exited.kind == ErrorKind::Exit);
  CHECK(exited.exit_status() == 3u);

  Error stored = linker.instantiate(store, with_mode(3)).error();
  const Trap& oob = trap_of(stored);
  CHECK(oob.code == TrapCode::MemoryOutOfBounds);
  CHECK(oob.frames.size() == 1);

  // The canonical ABI's trap while instantiating is the one the same code raises in a call.
  Error lowering = linker.instantiate(store, with_mode(4)).error();
  Error in_call = instance->get_func("bad")->call({}).error();
  CHECK(trap_of(lowering).code == trap_of(in_call).code);
  CHECK(trap_of(lowering).message == trap_of(in_call).message);
  CHECK(trap_of(lowering).message.find("string pointer/length out of bounds of memory") != std::string::npos);
  CHECK(trap_of(lowering).frames.size() == 2);

  // Through an InstancePre the same.
  auto pre = linker.instantiate_pre(with_mode(1)).take();
  Error pre_trapped = pre.instantiate(store).error();
  CHECK(trap_of(pre_trapped).code == TrapCode::Unreachable);

  component::Linker empty(engine());
  Error unlinked = empty.instantiate(store, with_mode(1)).error();
  CHECK(unlinked.kind == ErrorKind::Link);
  CHECK_FALSE(unlinked.trap);
}

TEST_CASE("Expected::take on an error prints the error's message before aborting") {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    dup2(pipe_fds[1], 2);
    Expected<int> failed = Error{"the reason it failed"};
    (void)failed.take();
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string printed;
  char buffer[256];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) printed.append(buffer, size_t(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(printed == "wasmrun: used the value of a failed Expected: the reason it failed\n");
}
