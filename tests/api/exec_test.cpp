// Running wasm through the public API: calls, host functions, traps, linking errors, memory
// growth, epoch interruption and stack exhaustion on the main and a secondary thread.
#include <doctest/doctest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

const Engine& engine() {
  static Engine e = Engine::create().take();
  return e;
}

const Module& exec_module() {
  static Module m = Module::from_file(engine(), GUEST_DIR "/exec.wasm").take();
  return m;
}

Linker host_linker(const Engine& e) {
  Linker linker(e);
  REQUIRE(linker.func_wrap("env", "add", [](int32_t a, int32_t b) { return a + b; }));
  REQUIRE(linker.func_wrap("env", "fail", []() -> Expected<void> { return Error{"the host says no"}; }));
  return linker;
}

// The trap message without its wasm backtrace.
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
std::string trap_of(const Expected<int32_t>& r) { return r ? "" : first_line(r.error().message); }

}  // namespace

TEST_CASE("typed and dynamic calls, host functions") {
  Store store(engine());
  Instance inst = host_linker(engine()).instantiate(store, exec_module()).take();
  auto call_host = inst.typed_func<int32_t(int32_t, int32_t)>("call_host");
  REQUIRE(call_host);
  CHECK(*(*call_host)(2, 3) == 10);

  auto mix = inst.get_func("mix");
  REQUIRE(mix);
  CHECK(mix->type() == FuncType{{ValType::I64, ValType::F32, ValType::F64}, {ValType::F64}});
  Val args[] = {Val::i64(1), Val::f32(2.5f), Val::f64(4.0)};
  auto results = mix->call(args);
  REQUIRE(results);
  CHECK((*results)[0].f64() == 11.0);
  Val wrong[] = {Val::i32(1), Val::f32(2.5f), Val::f64(4.0)};
  CHECK(mix->call(wrong).error().message == "argument 0 is i32, the function expects i64");

  auto mistyped = inst.typed_func<int64_t(int32_t, int32_t)>("call_host");
  REQUIRE_FALSE(mistyped);
  CHECK(mistyped.error().message.find("type mismatch") == 0);
}

TEST_CASE("traps come back as errors with the spec's wording, and the store stays usable") {
  Store store(engine());
  Instance inst = host_linker(engine()).instantiate(store, exec_module()).take();
  auto divide = inst.typed_func<int32_t(int32_t, int32_t)>("divide").take();
  CHECK(trap_of(divide(1, 0)) == "integer divide by zero");
  CHECK(trap_of(divide(INT32_MIN, -1)) == "integer overflow");
  CHECK(*divide(7, 2) == 3);
  auto load_at = inst.typed_func<int32_t(uint32_t)>("load_at").take();
  CHECK(trap_of(load_at(0xFFFFFFF0u)) == "out of bounds memory access");
  CHECK(trap_of(load_at(0x7FFFFFFFu)) == "out of bounds memory access");
  auto trap = inst.typed_func<void()>("trap").take();
  CHECK(first_line(trap().error().message) == "unreachable");
  auto failing = inst.typed_func<int32_t()>("call_failing_host").take();
  CHECK(trap_of(failing()) == "host function \"env\" \"fail\": the host says no");
  CHECK(*divide(9, 3) == 3);
}

TEST_CASE("traps carry a wasm backtrace with names from the name section") {
  Store store(engine());
  Instance inst = host_linker(engine()).instantiate(store, exec_module()).take();
  auto load_at = inst.typed_func<int32_t(uint32_t)>("load_at").take();
  std::string message = load_at(0xFFFFFFF0u).error().message;
  CHECK(message.find("out of bounds memory access\nwasm backtrace:\n    0: ") == 0);
  CHECK(message.find("::load_at") != std::string::npos);
  auto recurse = inst.typed_func<int32_t(int32_t)>("recurse").take();
  std::string overflow = recurse(100'000'000).error().message;
  CHECK(overflow.find("::recurse") != std::string::npos);  // the deepest frames are recurse's
}

TEST_CASE("a host function that throws traps its caller instead of unwinding through wasm") {
  Store store(engine());
  Linker linker(engine());
  REQUIRE(linker.func_wrap("env", "add", [](int32_t, int32_t) -> int32_t { throw std::runtime_error("boom"); }));
  REQUIRE(linker.func_wrap("env", "fail", []() {}));
  Instance inst = linker.instantiate(store, exec_module()).take();
  auto call_host = inst.typed_func<int32_t(int32_t, int32_t)>("call_host").take();
  CHECK(trap_of(call_host(1, 2)) == "host function \"env\" \"add\" threw: boom");
}

TEST_CASE("linking errors name the import") {
  Store store(engine());
  Linker missing(engine());
  REQUIRE(missing.func_wrap("env", "add", [](int32_t a, int32_t b) { return a + b; }));
  auto unlinked = missing.instantiate(store, exec_module());
  REQUIRE_FALSE(unlinked);
  CHECK(unlinked.error().message == "unknown import: \"env\" \"fail\" is not defined");

  Linker wrong(engine());
  REQUIRE(wrong.func_wrap("env", "add", [](int64_t a) { return a; }));
  REQUIRE(wrong.func_wrap("env", "fail", []() {}));
  auto mistyped = wrong.instantiate(store, exec_module());
  REQUIRE_FALSE(mistyped);
  CHECK(mistyped.error().message ==
        "incompatible import type for \"env\" \"add\": expected [i32 i32] -> [i32], got [i64] -> [i64]");

  CHECK(wrong.func_wrap("env", "add", []() {}).error().message == "duplicate definition of \"env\" \"add\"");
}

TEST_CASE("memory grows from wasm and from the host") {
  Store store(engine());
  Instance inst = host_linker(engine()).instantiate(store, exec_module()).take();
  auto pages = inst.typed_func<int32_t()>("pages").take();
  auto grow = inst.typed_func<int32_t(int32_t)>("grow").take();
  Memory memory = *inst.get_memory("memory");
  int32_t initial = *pages();
  CHECK(memory.size_pages() == uint64_t(initial));
  CHECK(*grow(3) == initial);
  CHECK(*pages() == initial + 3);
  CHECK(*memory.grow(1) == uint64_t(initial + 3));
  CHECK(memory.size_bytes() == uint64_t(initial + 4) * 65536);
  memory.data()[memory.size_bytes() - 1] = 42;  // the new pages are accessible
  auto load_at = inst.typed_func<int32_t(uint32_t)>("load_at").take();
  CHECK(*load_at(uint32_t(memory.size_bytes() - 4)) == 42 << 24);
  CHECK(*grow(70000) == -1);  // beyond 4 GiB
}

TEST_CASE("the epoch interrupts a runaway guest") {
  Config config;
  config.epoch_interruption = true;
  Engine e = Engine::create(config).take();
  Module m = Module::from_file(e, GUEST_DIR "/exec.wasm").take();
  Store store(e);
  Instance inst = host_linker(e).instantiate(store, m).take();
  auto spin = inst.typed_func<void()>("spin").take();
  store.set_epoch_deadline(1);
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    while (!done) {
      e.increment_epoch();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto result = spin();
  done = true;
  ticker.join();
  REQUIRE_FALSE(result);
  CHECK(first_line(result.error().message) == "interrupted: the epoch deadline was reached");
}

TEST_CASE("deep recursion traps cleanly on the main thread and on a small secondary stack") {
  Store store(engine());
  Instance inst = host_linker(engine()).instantiate(store, exec_module()).take();
  auto recurse = inst.typed_func<int32_t(int32_t)>("recurse").take();
  CHECK(*recurse(1000) == 1000);
  CHECK(trap_of(recurse(100'000'000)) == "call stack exhausted");

  // A 256 KiB thread stack is smaller than the 1 MiB wasm budget: the limit follows the thread.
  struct Job {
    TypedFunc<int32_t(int32_t)>* f;
    std::string deep, shallow;
  } job{&recurse, "", ""};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  auto body = [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    j->deep = trap_of((*j->f)(100'000'000));
    j->shallow = std::to_string(*(*j->f)(100));
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attr, body, &job) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  CHECK(job.deep == "call stack exhausted");
  CHECK(job.shallow == "100");
}

TEST_CASE("multi-memory: each memory has its own contents, size, growth and bounds") {
  Module m = Module::compile(engine(), std::string_view(R"((module
    (memory $a (export "a") 1)
    (memory $b (export "b") 1 3)
    (data (memory $b) (i32.const 16) "from b")
    (func (export "copy_b_to_a") (param i32 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
    (func (export "store_b") (param i32 i32) (i32.store8 $b (local.get 0) (local.get 1)))
    (func (export "load_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
    (func (export "load_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
    (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
    (func (export "size_b") (result i32) (memory.size $b))
    (func (export "fill_a") (param i32 i32 i32) (memory.fill $a (local.get 0) (local.get 1) (local.get 2))))
  )")).take();
  Store store(engine());
  Instance inst = Linker(engine()).instantiate(store, m).take();
  auto a = inst.get_memory("a"), b = inst.get_memory("b");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(std::string(reinterpret_cast<const char*>(b->data()) + 16, 6) == "from b");
  CHECK(a->data()[16] == 0);  // the segment went to memory $b only
  REQUIRE((*inst.typed_func<void(int32_t, int32_t, int32_t)>("copy_b_to_a"))(100, 16, 6));
  CHECK(std::string(reinterpret_cast<const char*>(a->data()) + 100, 6) == "from b");
  REQUIRE((*inst.typed_func<void(int32_t, int32_t)>("store_b"))(7, 42));
  auto load_a = *inst.typed_func<int32_t(int32_t)>("load_a");
  auto load_b = *inst.typed_func<int32_t(int32_t)>("load_b");
  CHECK(*load_b(7) == 42);
  CHECK(*load_a(7) == 0);
  // Growing $b leaves $a as it was; an access past $a's end traps though $b is larger.
  CHECK(*(*inst.typed_func<int32_t(int32_t)>("grow_b"))(2) == 1);
  CHECK(*(*inst.typed_func<int32_t()>("size_b"))() == 3);
  CHECK(*(*inst.typed_func<int32_t(int32_t)>("grow_b"))(1) == -1);  // past its maximum
  CHECK(a->size_pages() == 1);
  CHECK(*load_b(2 * 65536) == 0);
  CHECK(trap_of(load_a(2 * 65536)) == "out of bounds memory access");
  auto fill_a = *inst.typed_func<void(int32_t, int32_t, int32_t)>("fill_a");
  CHECK(!fill_a(65530, 1, 10));  // bulk operations check the range of their own memory
  REQUIRE(fill_a(0, 9, 4));
  CHECK(*load_a(3) == 9);
  CHECK(*load_b(3) == 0);
}
