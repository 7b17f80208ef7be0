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
