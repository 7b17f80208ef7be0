// The public component API (include/wasmrun/component/) on tests/api/components/util.wat: typed
// and dynamic host functions, host resources and the ResourceTable, typed and dynamic exports,
// traps, semver-compatible imports, link errors, InstancePre.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <cctype>
#include <fstream>
#include <iterator>

#include "wasmrun/wat.h"
#include "wit/wasi_io.h"
#include "wit/wasi_io_traits.h"
#include "wasmrun/component/linker.h"
#include "wasmrun/component/resource_table.h"
#include "wasmrun/module.h"

using namespace wasmrun;
using namespace wasmrun::component;

namespace {

struct Counter {
  uint32_t value = 0;
};

std::vector<uint8_t> util_binary() {
  std::ifstream in(COMPONENT_SOURCE_DIR "/util.wat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bytes = wat2wasm(text, "util.wat");
  REQUIRE_MESSAGE(bytes.ok(), (bytes ? "" : bytes.error().message));
  return bytes.take();
}

struct Host {
  Engine engine = Engine::create().take();
  Component component = Component::from_binary(engine, util_binary()).take();
  ResourceTable table;
  std::vector<uint32_t> dropped;

  // The util interface as the guest imports it, under `name`.
  void define(Linker& linker, std::string name = "host:test/util@1.2.3", bool with_add = true) {
    auto util = linker.instance(std::move(name));
    REQUIRE(util.resource<Counter>("counter", [this](Resource<Counter> r) {
                  dropped.push_back(r.rep);
                  table.remove(r);
                }).ok());
    REQUIRE(util.func_wrap("upper", [](std::string_view s) -> TrapOr<std::string> {
                  if (s == "boom") return wasmrun::Trap{TrapCode::HostError, "host refuses boom"};
                  std::string out(s);
                  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
                  return out;
                }).ok());
    if (with_add) REQUIRE(util.func_wrap("add", [](uint32_t a, uint32_t b) { return a + b; }).ok());
    REQUIRE(util.func_wrap("[constructor]counter", [this](uint32_t start) { return table.push(Counter{start}).take(); }).ok());
    REQUIRE(util.func_wrap("[method]counter.bump", [this](Borrow<Counter> self) -> TrapOr<uint32_t> {
                  Counter* c = table.get(self);
                  if (!c) return wasmrun::Trap{TrapCode::UnknownHandle, "no such counter"};
                  return ++c->value;
                }).ok());
  }
};

}  // namespace

TEST_CASE("component API: typed exports calling typed host functions and a host resource") {
  Host host;
  Linker linker(host.engine);
  host.define(linker);
  Store store(host.engine);
  auto instance = linker.instantiate(store, host.component);
  REQUIRE_MESSAGE(instance.ok(), (instance ? "" : instance.error().message));

  auto greet = instance->get_typed_func<std::string(std::string)>("greet");
  REQUIRE(greet.ok());
  auto r = greet->call("hello, world");
  REQUIRE(r.ok());
  CHECK(*r == "HELLO, WORLD");

  auto sum = instance->get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take();
  CHECK(*sum(40, 2) == 42);

  auto count = instance->get_typed_func<uint32_t()>("count").take();
  CHECK(*count() == 12);
  CHECK(host.dropped.size() == 1);  // the guest dropped its counter: the destructor ran
  CHECK(host.table.size() == 0);

  // A counter the host made, given to the guest, which bumps and drops it.
  Resource<Counter> mine = host.table.push(Counter{41}).take();
  auto take = instance->get_typed_func<uint32_t(Resource<Counter>)>("take").take();
  CHECK(*take(mine) == 42);
  CHECK(host.dropped.back() == mine.rep);
  CHECK(host.table.size() == 0);

  auto len = instance->get_typed_func<uint32_t(std::vector<uint8_t>)>("len").take();
  CHECK(*len(std::vector<uint8_t>(100000, 7)) == 100000);

  // The string-view signature lowers too; repeated calls reuse memory through post-return.
  auto echo = instance->get_typed_func<std::string(std::string_view)>("echo").take();
  for (int i = 0; i < 1000; ++i) REQUIRE(*echo(std::string_view("0123456789abcdef")) == "0123456789abcdef");
}

TEST_CASE("component API: traps from the guest and from host functions") {
  Host host;
  Linker linker(host.engine);
  host.define(linker);
  Store store(host.engine);
  auto instance = linker.instantiate(store, host.component).take();

  auto fail = instance.get_typed_func<void()>("fail").take();
  auto trapped = fail();
  REQUIRE(!trapped.ok());
  REQUIRE(trapped.error().trap);
  CHECK(trapped.error().trap->code == TrapCode::Unreachable);
  CHECK(!trapped.error().trap->frames.empty());
  CHECK(trapped.error().message.find("unreachable") != std::string::npos);
  CHECK(!trapped.error().exit_status());
  // As in Wasmtime, a trap leaves the instance unusable.
  auto after = instance.get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take()(1, 2);
  REQUIRE(!after.ok());
  CHECK(after.error().trap->code == TrapCode::CannotEnter);
  CHECK(after.error().message == "cannot enter component instance");

  Store other(host.engine);
  instance = linker.instantiate(other, host.component).take();
  auto greet = instance.get_typed_func<std::string(std::string)>("greet").take();
  auto refused = greet("boom");
  REQUIRE(!refused.ok());
  CHECK_MESSAGE(refused.error().message.find("host refuses boom") != std::string::npos, refused.error().message);
  CHECK(refused.error().kind == ErrorKind::Trap);
}

// One trap-handler activation covers a whole call (realloc, the callee, post-return): a trap in
// any of the three is reported with its own code and frames, and a call that did not trap leaves
// the instance callable.
TEST_CASE("component API: a trap in realloc, in the callee or in post-return") {
  std::ifstream in(COMPONENT_SOURCE_DIR "/traps.wat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto engine = Engine::create().take();
  auto bytes = wat2wasm(text, "traps.wat");
  REQUIRE_MESSAGE(bytes.ok(), (bytes ? "" : bytes.error().message));
  auto component = Component::from_binary(engine, bytes.take()).take();
  Linker linker(engine);
  auto pre = linker.instantiate_pre(component).take();

  struct Case {
    const char* arg;
    TrapCode code;
  };
  for (auto [arg, code] : {Case{"realloc", TrapCode::Unreachable}, Case{"boom", TrapCode::IntegerDivideByZero},
                           Case{"crash", TrapCode::MemoryOutOfBounds}}) {
    for (bool typed : {true, false}) {
      CAPTURE(arg);
      CAPTURE(typed);
      Store store(engine);
      auto instance = pre.instantiate(store).take();
      auto echo = instance.get_typed_func<std::string(std::string_view)>("echo").take();
      auto dynamic = *instance.get_func("echo");
      auto call = [&](std::string_view s) -> Expected<std::string> {
        if (typed) return echo(s);
        Val args[] = {Val::string(std::string(s))};
        auto r = dynamic.call(args);
        if (!r) return r.error();
        return (*r)->as_string();
      };
      for (int i = 0; i < 3; ++i) REQUIRE(*call("fine!!") == "fine!!");
      auto trapped = call(arg);
      REQUIRE(!trapped.ok());
      CHECK(trapped.error().kind == ErrorKind::Trap);
      REQUIRE(trapped.error().trap);
      CHECK(trapped.error().trap->code == code);
      CHECK(trapped.error().trap->frames.size() == 1);
      CHECK(!trapped.error().exit_status());
      // The trap left the instance unusable (Wasmtime); another instance in the store is not.
      auto again = call("fine!!");
      REQUIRE(!again.ok());
      CHECK(again.error().message == "cannot enter component instance");
      auto other = pre.instantiate(store).take();
      CHECK(*other.get_typed_func<std::string(std::string)>("echo").take()("still fine") == "still fine");
    }
  }
}

TEST_CASE("component API: dynamic calls with Val and dynamic host functions") {
  Host host;
  Linker linker(host.engine);
  auto util = linker.instance("host:test/util@1.2.0");
  REQUIRE(util.resource<Counter>("counter").ok());
  REQUIRE(util.func_new("upper", [](std::span<const Val> args) -> TrapOr<std::optional<Val>> {
                return std::optional<Val>(Val::string("<" + args[0].as_string() + ">"));
              }).ok());
  REQUIRE(util.func_new("add", [](std::span<const Val> args) -> TrapOr<std::optional<Val>> {
                return std::optional<Val>(Val::u32(uint32_t(args[0].as_unsigned() * args[1].as_unsigned())));
              }).ok());
  REQUIRE(util.func_new("[constructor]counter", [](std::span<const Val>) -> TrapOr<std::optional<Val>> {
                return wasmrun::Trap{TrapCode::HostError, "not here"};
              }).ok());
  REQUIRE(util.func_new("[method]counter.bump", [](std::span<const Val>) -> TrapOr<std::optional<Val>> {
                return wasmrun::Trap{TrapCode::HostError, "not here"};
              }).ok());
  Store store(host.engine);
  auto instance = linker.instantiate(store, host.component).take();

  auto greet = instance.get_func("greet");
  REQUIRE(greet);
  CHECK(greet->type().params.size() == 1);
  std::vector<Val> args = {Val::string("x")};
  auto r = greet->call(args);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK(**r == Val::string("<x>"));

  std::vector<Val> numbers = {Val::u32(6), Val::u32(7)};
  CHECK(**instance.get_func("sum")->call(numbers) == Val::u32(42));

  // An argument of the wrong type traps before the guest runs.
  std::vector<Val> wrong = {Val::u32(1)};
  auto mismatch = greet->call(wrong);
  REQUIRE(!mismatch.ok());
  CHECK(mismatch.error().trap->code == TrapCode::TypeMismatch);
  CHECK(mismatch.error().message.starts_with("type mismatch"));

  auto count = instance.get_func("count")->call({});
  REQUIRE(!count.ok());
  CHECK(count.error().message.find("not here") != std::string::npos);

  CHECK(!instance.get_func("missing"));
  auto typed = instance.get_typed_func<uint32_t(std::string)>("sum");
  REQUIRE(!typed.ok());
  CHECK(typed.error().message == "exported function `sum` has another type than the C++ signature: func(a: u32, b: u32) -> u32");
}

TEST_CASE("component API: imports match semver-compatibly") {
  Host host;
  // Wasmtime's rule: the same major version (minor for 0.x) is compatible, older or newer.
  for (const char* provided : {"host:test/util@1.2.0", "host:test/util@1.2.3", "host:test/util@1.9.0", "host:test/util@1.1.9"}) {
    CAPTURE(std::string(provided));
    Linker linker(host.engine);
    host.define(linker, provided);
    CHECK(linker.instantiate_pre(host.component).ok());
  }
  for (const char* provided : {"host:test/util@2.0.0", "host:test/util@0.2.0", "host:test/util", "host:test/other@1.2.0"}) {
    CAPTURE(std::string(provided));
    Linker linker(host.engine);
    host.define(linker, provided);
    auto pre = linker.instantiate_pre(host.component);
    REQUIRE(!pre.ok());
    CHECK(pre.error().message == "import `host:test/util@1.2.0` was not found");
  }
}

TEST_CASE("component API: link errors name the import") {
  Host host;
  {
    Linker linker(host.engine);
    auto util = linker.instance("host:test/util@1.2.0");
    REQUIRE(util.resource<Counter>("counter").ok());
    REQUIRE(util.func_wrap("upper", [](std::string s) { return s; }).ok());
    auto pre = linker.instantiate_pre(host.component);
    REQUIRE(!pre.ok());
    CHECK(pre.error().message == "import `host:test/util@1.2.0#add` was not found");
  }
  {
    Linker linker(host.engine);
    auto util = linker.instance("host:test/util@1.2.0");
    REQUIRE(util.resource<Counter>("counter").ok());
    REQUIRE(util.func_wrap("upper", [](std::string s) -> Expected<std::string> { return s; }).ok());
    REQUIRE(util.func_wrap("add", [](uint64_t a, uint64_t b) { return a + b; }).ok());
    auto pre = linker.instantiate_pre(host.component);
    REQUIRE(!pre.ok());
    CHECK(pre.error().message ==
          "import `host:test/util@1.2.0#add` has the wrong type: the host function's C++ signature is not func(a: u32, b: u32) -> u32");
  }
  {
    Linker linker(host.engine);
    auto util = linker.instance("host:test/util@1.2.0");
    REQUIRE(util.func_wrap("counter", [] {}).ok());
    auto pre = linker.instantiate_pre(host.component);
    REQUIRE(!pre.ok());
    CHECK(pre.error().message ==
          "import `host:test/util@1.2.0#counter` has the wrong type: expected resource found func");
    CHECK(!util.func_wrap("counter", [] {}).ok());  // defined twice
  }
  {
    auto other = Engine::create().take();
    Linker linker(other);
    CHECK(!linker.instantiate_pre(host.component).ok());
  }
}

TEST_CASE("component API: an InstancePre instantiates in many stores, each with its own state") {
  Host host;
  Linker linker(host.engine);
  host.define(linker);
  auto pre = linker.instantiate_pre(host.component).take();
  CHECK(pre.component().export_names().size() == 7);
  for (int i = 0; i < 3; ++i) {
    Store store(host.engine);
    auto instance = pre.instantiate(store).take();
    CHECK(*instance.get_typed_func<std::string(std::string)>("greet").take()("round " + std::to_string(i)) ==
          "ROUND " + std::to_string(i));
    CHECK(*instance.get_typed_func<uint32_t()>("count").take()() == 12);
  }
  CHECK(host.dropped.size() == 3);
  Store elsewhere(Engine::create().take());
  CHECK(!pre.instantiate(elsewhere).ok());
}

TEST_CASE("component API: Component names its imports and exports; bad binaries are errors") {
  Host host;
  CHECK(host.component.import_names() == std::vector<std::string>{"host:test/util@1.2.0"});
  CHECK(host.component.export_names() ==
        std::vector<std::string>{"echo", "greet", "sum", "count", "take", "len", "fail"});
  std::vector<uint8_t> junk = {0, 'a', 's', 'm', 0x0d, 0, 1, 0, 0xff};
  auto bad = Component::from_binary(host.engine, junk);
  REQUIRE(!bad.ok());
  CHECK(bad.error().message.find("0x") != std::string::npos);
  CHECK(!Component::from_file(host.engine, "/nonexistent.wasm").ok());
}

TEST_CASE("component API: a root-level component import, which no host can define, is refused at compile time") {
  Engine engine = Engine::create().take();
  auto as_bytes = [](std::string_view text) {  // component text: from_binary takes it as well
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  };
  auto imports = Component::from_binary(engine, as_bytes(R"((component (import "c" (component))))"));
  REQUIRE(!imports.ok());
  CHECK(imports.error().message == "root-level component imports are not supported");
  // Nested components may import components; the root may import instances that the host defines.
  CHECK(Component::from_binary(engine, as_bytes(R"((component (component (import "c" (component)))))")).ok());
  CHECK(Component::from_binary(engine, as_bytes(R"((component (import "i" (instance))))")).ok());
}

TEST_CASE("ResourceTable: push, get by type, remove, reuse, capacity") {
  ResourceTable table(2);
  auto a = table.push(Counter{1}).take();
  auto b = table.push(std::string("two")).take();
  CHECK(a.rep != 0);
  CHECK(a.rep != b.rep);
  CHECK(table.get(a)->value == 1);
  CHECK(*table.get(Borrow<std::string>{b.rep}) == "two");
  CHECK(table.get(Resource<std::string>{a.rep}) == nullptr);  // another type
  CHECK(table.get(Resource<Counter>{0}) == nullptr);
  CHECK(table.get(Resource<Counter>{99}) == nullptr);
  auto full = table.push(Counter{3});
  REQUIRE(!full.ok());
  CHECK(full.error().message == "resource table is full (2 entries)");
  CHECK(table.remove(a)->value == 1);
  CHECK(!table.remove(a));
  CHECK(table.size() == 1);
  auto c = table.push(Counter{4}).take();
  CHECK(c.rep == a.rep);  // the freed slot is reused
  CHECK(table.get(c)->value == 4);
}

namespace {

struct PollHost : bindings::wasi::io::poll::Host {
  std::vector<uint32_t> dropped;
  TrapOr<void> pollable_drop(Resource<bindings::wasi::io::poll::Pollable> self) override {
    dropped.push_back(self.rep);
    return {};
  }
  std::vector<uint32_t> ready_reps;
  TrapOr<bool> pollable_ready(Borrow<bindings::wasi::io::poll::Pollable> self) override {
    ready_reps.push_back(self.rep);
    return true;
  }
  TrapOr<void> pollable_block(Borrow<bindings::wasi::io::poll::Pollable>) override { return {}; }
  TrapOr<std::vector<uint32_t>> poll(std::vector<Borrow<bindings::wasi::io::poll::Pollable>> in) override {
    return std::vector<uint32_t>(in.size(), 0);
  }
};

}  // namespace

TEST_CASE("component API: bindings generated from WIT register on the Linker") {
  Host host;
  Linker linker(host.engine);
  PollHost poll;
  REQUIRE(bindings::wasi::io::poll::add_to_linker(linker, poll).ok());
  auto again = bindings::wasi::io::poll::add_to_linker(linker, poll);
  REQUIRE(!again.ok());
  CHECK(again.error().message == "`pollable` is already defined");

  // A guest of wasi:io/poll@0.2.0 links against the bindings' @0.2.12 and calls through them.
  const char* wat = R"((component
    (import "wasi:io/poll@0.2.0" (instance $poll
      (export "pollable" (type (sub resource)))
      (type (borrow 0))
      (type (func (param "self" 1) (result bool)))
      (export "[method]pollable.ready" (func (type 2)))))
    (alias export $poll "pollable" (type $pollable))
    (alias export $poll "[method]pollable.ready" (func $ready))
    (core func $ready-l (canon lower (func $ready)))
    (core func $drop (canon resource.drop $pollable))
    (core module $M
      (import "" "ready" (func $ready (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run") (param i32) (result i32)
        (call $ready (local.get 0))
        (call $drop (local.get 0))))
    (core instance $m (instantiate $M (with "" (instance (export "ready" (func $ready-l)) (export "drop" (func $drop))))))
    (type $borrowed (borrow $pollable))
    (func (export "run") (param "p" $borrowed) (result bool) (canon lift (core func $m "run")))))";
  auto component = Component::from_binary(host.engine, std::span(reinterpret_cast<const uint8_t*>(wat), std::strlen(wat)));
  REQUIRE_MESSAGE(component.ok(), (component ? "" : component.error().message));
  Store store(host.engine);
  auto instance = linker.instantiate(store, *component);
  REQUIRE_MESSAGE(instance.ok(), (instance ? "" : instance.error().message));
  auto run = instance->get_typed_func<bool(Borrow<bindings::wasi::io::poll::Pollable>)>("run").take();
  CHECK(*run(Borrow<bindings::wasi::io::poll::Pollable>{7}) == true);
  CHECK(poll.ready_reps == std::vector<uint32_t>{7});
}

TEST_CASE("component API: unknown imports as traps, and a guest's exit through a host function") {
  Host host;
  {
    Linker linker(host.engine);
    REQUIRE(linker.define_unknown_imports_as_traps(host.component).ok());
    Store store(host.engine);
    auto instance = linker.instantiate(store, host.component).take();
    auto r = instance.get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take()(1, 2);
    REQUIRE(!r.ok());
    CHECK(r.error().kind == ErrorKind::Trap);
    CHECK(r.error().message.find("unknown import: `host:test/util@1.2.0#add` has not been defined") != std::string::npos);
  }
  {
    // A host function ends the guest with a status, as WASI's exit does: the call reports an exit.
    Linker linker(host.engine);
    auto util = linker.instance("host:test/util@1.2.0");
    REQUIRE(util.func_wrap("add", [](uint32_t, uint32_t) -> Expected<uint32_t> {
                  return Error::from_trap(wasmrun::Trap{TrapCode::Exit, "exit with status 3", {}, 3});
                }).ok());
    REQUIRE(linker.define_unknown_imports_as_traps(host.component).ok());
    Store store(host.engine);
    auto instance = linker.instantiate(store, host.component).take();
    auto r = instance.get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take()(1, 2);
    REQUIRE(!r.ok());
    REQUIRE(r.error().exit_status());
    CHECK(*r.error().exit_status() == 3);
  }
  {
    // An Error from a host function (the core API's way) traps with its message.
    Linker linker(host.engine);
    auto util = linker.instance("host:test/util@1.2.0");
    REQUIRE(util.func_wrap("add", [](uint32_t, uint32_t) -> Expected<uint32_t> { return Error{"no adding today"}; }).ok());
    REQUIRE(linker.define_unknown_imports_as_traps(host.component).ok());
    Store store(host.engine);
    auto instance = linker.instantiate(store, host.component).take();
    auto r = instance.get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take()(1, 2);
    REQUIRE(!r.ok());
    CHECK(r.error().kind == ErrorKind::Trap);
    CHECK(!r.error().exit_status());
    CHECK(r.error().message.find("no adding today") != std::string::npos);
  }
}

TEST_CASE("component API: host functions taking Store& reach their caller's store and its data") {
  Host host;
  Linker linker(host.engine);
  host.define(linker, "host:test/util@1.2.3", false);
  // `add` counts its calls in the calling store's data: one InstancePre, two stores, two counts.
  struct Calls {
    uint32_t adds = 0;
  };
  REQUIRE(linker.instance("host:test/util@1.2.3")
              .func_wrap("add", [](Store& store, uint32_t a, uint32_t b) {
                ++store.data<Calls>()->adds;
                return a + b;
              })
              .ok());
  auto pre = linker.instantiate_pre(host.component).take();
  TypedStore<Calls> first(host.engine), second(host.engine);
  auto in_first = pre.instantiate(first).take();
  auto in_second = pre.instantiate(second).take();
  auto sum_first = in_first.get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take();
  auto sum_second = in_second.get_typed_func<uint32_t(uint32_t, uint32_t)>("sum").take();
  CHECK(*sum_first(1, 2) == 3);
  CHECK(*sum_first(3, 4) == 7);
  CHECK(*sum_second(5, 6) == 11);
  CHECK(first.data().adds == 2);
  CHECK(second.data().adds == 1);
}

namespace {

Component compile_text(const Engine& engine, std::string_view text) {
  auto bytes = wat2wasm(text);
  REQUIRE_MESSAGE(bytes.ok(), (bytes ? "" : bytes.error().message));
  auto c = Component::from_binary(engine, bytes.take());
  REQUIRE_MESSAGE(c.ok(), (c ? "" : c.error().message));
  return c.take();
}

}  // namespace

TEST_CASE("component API: define_instance gives an instance's exports to the components linked after it") {
  Engine engine = Engine::create().take();
  Store store(engine);
  Linker linker(engine);
  Component provider = compile_text(engine, R"((component
    (type $r (resource (rep i32)))
    (core func $new (canon resource.new $r))
    (core module $M
      (import "" "new" (func $new (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) local.get 0 call $new)
      (func (export "seven") (result i32) i32.const 7))
    (core instance $m (instantiate $M (with "" (instance (export "new" (func $new))))))
    (export $r' "r" (type $r))
    (func (export "make") (param "rep" u32) (result (own $r')) (canon lift (core func $m "make")))
    (func (export "seven") (result u32) (canon lift (core func $m "seven")))))");
  Instance first = linker.instantiate(store, provider).take();
  REQUIRE(linker.define_instance("provider", first));

  Component user = compile_text(engine, R"((component
    (import "provider" (instance $p
      (export "r" (type $r (sub resource)))
      (export "seven" (func (result u32)))))
    (alias export $p "seven" (func $seven))
    (core func $seven-lowered (canon lower (func $seven)))
    (core module $M
      (import "" "seven" (func $seven (result i32)))
      (func (export "fourteen") (result i32) call $seven call $seven i32.add))
    (core instance $m (instantiate $M (with "" (instance (export "seven" (func $seven-lowered))))))
    (func (export "fourteen") (result u32) (canon lift (core func $m "fourteen")))))");
  Instance used = linker.instantiate(store, user).take();
  auto fourteen = used.get_func("fourteen");
  REQUIRE(fourteen);
  auto r = fourteen->call({});
  REQUIRE(r.ok());
  CHECK(*r == Val::u32(14));

  // The instantiation checks the import's type against the instance's.
  Component wrong = compile_text(engine, R"((component
    (import "provider" (instance (export "seven" (func (result string)))))))");
  Error e = linker.instantiate(store, wrong).error();
  CHECK(e.kind == ErrorKind::Link);
  CHECK(e.message.find("provider") != std::string::npos);

  // A second definition of the name replaces the first.
  Component empty = compile_text(engine, "(component)");
  REQUIRE(linker.define_instance("provider", linker.instantiate(store, empty).take()));
  CHECK(linker.instantiate(store, user).error().kind == ErrorKind::Link);
}

TEST_CASE("component API: a resource type is its C++ type; core modules; empty instances; sort mismatches") {
  Engine engine = Engine::create().take();
  Store store(engine);
  struct A {};
  struct B {};
  Linker linker(engine);
  auto host = linker.instance("host");
  REQUIRE(host.resource<A>("a", [](Resource<A>) {}));
  REQUIRE(host.resource<B>("b", [](Resource<B>) {}));
  REQUIRE(host.resource<A>("a-again"));
  auto module = Module::compile(engine, std::string_view("(module (func (export \"f\") (result i32) i32.const 5))"));
  REQUIRE(host.module("m", *module));
  REQUIRE(linker.root().func_wrap("f", [] { return uint32_t(1); }));

  // `a-again` is `a`: an equality bound holds; binding it to `b` does not.
  CHECK(linker.instantiate(store, compile_text(engine, R"((component
    (import "host" (instance
      (export "a" (type $a (sub resource)))
      (export "a-again" (type (eq $a)))))))")).ok());
  Error mismatched = linker.instantiate(store, compile_text(engine, R"((component
    (import "host" (instance
      (export "b" (type $b (sub resource)))
      (export "a-again" (type (eq $b)))))))")).error();
  CHECK(mismatched.kind == ErrorKind::Link);
  CHECK(mismatched.message.find("mismatched resource types") != std::string::npos);

  // A core module: instantiated by the component, type-checked.
  CHECK(linker.instantiate(store, compile_text(engine, R"((component
    (import "host" (instance $h (export "m" (core module (export "f" (func (result i32)))))))
    (alias export $h "m" (core module $m))
    (core instance (instantiate $m))))")).ok());
  Error missing = linker.instantiate(store, compile_text(engine, R"((component
    (import "host" (instance (export "m" (core module (export "g" (func))))))))")).error();
  CHECK(missing.kind == ErrorKind::Link);

  // Instances that need nothing need no definition.
  CHECK(linker.instantiate(store, compile_text(engine, R"((component
    (import "nowhere" (instance (export "x" (instance))))))")).ok());
  Error absent = linker.instantiate(store, compile_text(engine, R"((component
    (import "nowhere" (instance (export "x" (func))))))")).error();
  CHECK(absent.message == "import `nowhere` was not found");

  Error sort = linker.instantiate(store, compile_text(engine, R"((component (import "f" (instance))))")).error();
  CHECK(sort.kind == ErrorKind::Link);
  CHECK(sort.message == "import `f` has the wrong type: expected instance found func");
}

TEST_CASE("component API: validate without compiling; features; unsupported proposals are their own kind") {
  auto bytes = wat2wasm(R"((component (type (list u8 4))))");
  REQUIRE(bytes.ok());
  CHECK(Component::validate(*bytes).ok());
  ComponentFeatures no_fixed_lists;
  no_fixed_lists.fixed_length_lists = false;
  CHECK_FALSE(Component::validate(*bytes, no_fixed_lists).ok());

  auto invalid = wat2wasm("(component (export \"x\" (func 0)))");
  REQUIRE(invalid.ok());
  CHECK(Component::validate(*invalid).error().kind == ErrorKind::Other);

  auto gc = wat2wasm("(component (core module (memory i64 1)))");
  REQUIRE(gc.ok());
  Error unsupported = Component::validate(*gc).error();
  CHECK(unsupported.kind == ErrorKind::Unsupported);
  Engine engine = Engine::create().take();
  CHECK(Component::from_binary(engine, *gc).error().kind == ErrorKind::Unsupported);
}
