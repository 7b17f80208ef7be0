// Component instances from an InstancePre on a pooling allocator: core instances take pool slots,
// a slot comes back clean when its store is dropped, and a full pool is a clean, recognisable error.
#include <doctest/doctest.h>

#include <optional>

#include "wasmrun/component/linker.h"
#include "wasmrun/instance_pre.h"
#include "wasmrun/wat.h"

using namespace wasmrun;

namespace {

// A counter kept in linear memory, which starts at 7 from a data segment.
constexpr const char* kCounter = R"((component
  (core module $m
    (memory (export "memory") 1)
    (data (i32.const 0) "\07")
    (func (export "bump") (result i32)
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (i32.load (i32.const 0))))
  (core instance $i (instantiate $m))
  (func (export "bump") (result u32) (canon lift (core func $i "bump")))
))";

struct Fixture {
  Engine engine = Engine::create().take();
  Component component = Component::from_binary(engine, wat2wasm(kCounter, "counter.wat").take()).take();
  component::Linker linker{engine};
};

uint32_t bump(component::Instance& instance) { return instance.get_typed_func<uint32_t()>("bump").take()().take(); }

}  // namespace

TEST_CASE("a pooled component instance starts from the data segments, whatever the slot's last use wrote") {
  Fixture f;
  auto pool = PoolingAllocator::create({.instances = 1}).take();
  auto pre = f.linker.instantiate_pre(f.component, &pool).take();
  for (int use = 0; use < 3; ++use) {
    Store store(f.engine);
    auto instance = pre.instantiate(store).take();
    CHECK(pool.in_use() == 1);
    CHECK(bump(instance) == 8);
    CHECK(bump(instance) == 9);
  }
  CHECK(pool.in_use() == 0);
}

TEST_CASE("a full pool refuses a component instance with is_pool_exhausted, and serves again once freed") {
  Fixture f;
  auto pool = PoolingAllocator::create({.instances = 1}).take();
  auto pre = f.linker.instantiate_pre(f.component, &pool).take();
  std::optional<Store> first(std::in_place, f.engine);
  auto held = pre.instantiate(*first).take();
  Store second(f.engine);
  auto refused = pre.instantiate(second);
  REQUIRE_FALSE(refused.ok());
  CHECK(is_pool_exhausted(refused.error()));
  first.reset();
  Store third(f.engine);
  auto again = pre.instantiate(third);
  REQUIRE(again.ok());
  CHECK(bump(*again) == 8);
}

TEST_CASE("instances from an InstancePre without a pool are independent") {
  Fixture f;
  auto pre = f.linker.instantiate_pre(f.component).take();
  Store store(f.engine);
  auto a = pre.instantiate(store).take();
  auto b = pre.instantiate(store).take();
  CHECK(bump(a) == 8);
  CHECK(bump(a) == 9);
  CHECK(bump(b) == 8);
}

namespace {

// A resource the component defines (fresh per instance), exported functions whose types mention
// it, and a nested component instantiated with one of them: what an instance's plan cannot take
// from the first instantiation.
constexpr const char* kOwnResource = R"((component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core func $rep (canon resource.rep $r))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    ;; A borrow of its own resource comes to the component as the representation.
    (func (export "get") (param i32) (result i32) (local.get 0))
    (func (export "rep") (param i32) (result i32) (call $rep (local.get 0))))
  (core instance $i (instantiate $m (with "" (instance (export "new" (func $new)) (export "rep" (func $rep))))))
  (export $er "r" (type $r))
  (func $make (param "v" u32) (result (own $er)) (canon lift (core func $i "make")))
  (func $get (param "h" (borrow $er)) (result u32) (canon lift (core func $i "get")))
  (export "make" (func $make))
  (component $inner
    (import "r" (type $ir (sub resource)))
    (import "get" (func $g (param "h" (borrow $ir)) (result u32)))
    (export "get" (func $g)))
  (instance $n (instantiate $inner (with "r" (type $er)) (with "get" (func $get))))
  (alias export $n "get" (func $nested-get))
  (export "get" (func $get))
))";

}  // namespace

TEST_CASE("instances from one InstancePre each get their own resource types, the same way every time") {
  Engine engine = Engine::create().take();
  auto bytes = wat2wasm(kOwnResource, "own-resource.wat");
  REQUIRE_MESSAGE(bytes.ok(), (bytes ? "" : bytes.error().message));
  Component component = Component::from_binary(engine, bytes.take()).take();
  component::Linker linker(engine);
  auto pool = PoolingAllocator::create({.instances = 4}).take();
  auto pre = linker.instantiate_pre(component, &pool).take();
  Store store(engine);
  std::vector<component::Instance> instances;
  for (int i = 0; i < 3; ++i) instances.push_back(pre.instantiate(store).take());
  std::vector<component::Val> handles;
  for (size_t i = 0; i < instances.size(); ++i) {
    auto make = instances[i].get_func("make");
    auto get = instances[i].get_func("get");
    REQUIRE(make);
    REQUIRE(get);
    // Both functions of one instance see its resource type; no other instance's.
    const auto& made = make->type().result;
    CHECK(made->resource == get->type().params[0].type->resource);
    for (size_t j = 0; j < i; ++j) CHECK(made->resource != instances[j].get_func("make")->type().result->resource);
    std::vector<component::Val> args = {component::Val::u32(uint32_t(100 + i))};
    auto handle = make->call(args);
    REQUIRE(handle.ok());
    handles.push_back(**handle);
  }
  for (size_t i = 0; i < instances.size(); ++i) {
    for (size_t j = 0; j < handles.size(); ++j) {
      std::vector<component::Val> args = {component::Val::borrow(handles[j].resource())};
      auto got = instances[i].get_func("get")->call(args);
      CAPTURE(i);
      CAPTURE(j);
      if (i == j) {
        REQUIRE_MESSAGE(got.ok(), (got ? "" : got.error().message));
        CHECK(**got == component::Val::u32(uint32_t(100 + i)));
      } else {
        CHECK(!got.ok());  // another instance's resource
      }
    }
  }
}
