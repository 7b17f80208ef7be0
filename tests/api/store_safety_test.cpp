// Handles know their store: using one after its store is gone, or with another store, is an
// Error (or an empty answer), never a crash. Run under ASan by scripts/test.
#include <doctest/doctest.h>

#include <memory>
#include <optional>

#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

const Engine& engine() {
  static Engine e = Engine::create().take();
  return e;
}

constexpr std::string_view kGuest = R"((module
  (memory (export "memory") 1)
  (table (export "table") 2 funcref)
  (global (export "counter") (mut i32) (i32.const 5))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
)";

constexpr std::string_view kImporter = R"((module
  (import "env" "memory" (memory 1))
  (func (export "size") (result i32) memory.size))
)";

}  // namespace

TEST_CASE("handles used after their store is destroyed fail cleanly") {
  Module module = Module::compile(engine(), kGuest).take();
  auto store = std::make_unique<Store>(engine());
  Instance instance = Instance::create(*store, module, {}).take();
  TypedFunc<int32_t(int32_t, int32_t)> add = instance.typed_func<int32_t(int32_t, int32_t)>("add").take();
  Func add_func = *instance.get_func("add");
  Memory memory = *instance.get_memory("memory");
  Global counter = *instance.get_global("counter");
  Table table = *instance.get_table("table");
  CHECK(*add(2, 3) == 5);
  store.reset();

  auto called = add(2, 3);
  REQUIRE_FALSE(called);
  CHECK(called.error().message == "the function belongs to a store that was destroyed");
  Val args[] = {Val::i32(1), Val::i32(2)};
  CHECK_FALSE(add_func.call(args));
  CHECK(memory.data() == nullptr);
  CHECK(memory.view().empty());
  CHECK(memory.size_bytes() == 0);
  uint8_t byte = 0;
  CHECK(memory.read(0, {&byte, 1}).error().message == "the memory belongs to a store that was destroyed");
  CHECK_FALSE(memory.grow(1));
  CHECK_FALSE(counter.get());
  CHECK_FALSE(counter.set(Val::i32(1)));
  CHECK(table.size() == 0);
  CHECK_FALSE(table.get(0));
  CHECK_FALSE(instance.get_export("add"));
  CHECK(instance.exports().empty());
  Linker linker(engine());
  CHECK(linker.define("env", "memory", memory).error().message == "the memory belongs to a store that was destroyed");
  CHECK_FALSE(linker.define_instance("guest", instance));
}

TEST_CASE("items of one store cannot be imported into another") {
  Module guest = Module::compile(engine(), kGuest).take();
  Module importer = Module::compile(engine(), kImporter).take();
  Store first(engine()), second(engine());
  Instance exporter = Instance::create(first, guest, {}).take();
  Memory memory = *exporter.get_memory("memory");

  Linker linker(engine());
  REQUIRE(linker.define("env", "memory", memory));
  auto elsewhere = linker.instantiate(second, importer);
  REQUIRE_FALSE(elsewhere);
  CHECK(elsewhere.error().kind == ErrorKind::Link);
  CHECK(elsewhere.error().message == "import \"env\" \"memory\": the memory belongs to another store");

  Extern imports[] = {memory};
  auto direct = Instance::create(second, importer, imports);
  REQUIRE_FALSE(direct);
  CHECK(direct.error().message == "import 0: the memory belongs to another store");

  Instance here = linker.instantiate(first, importer).take();  // the memory's own store works
  CHECK(*here.typed_func<int32_t()>("size").take()() == 1);
}

TEST_CASE("a module of one engine cannot be instantiated in a store of another") {
  Engine other = Engine::create().take();
  Module module = Module::compile(other, kGuest).take();
  Store store(engine());
  auto inst = Instance::create(store, module, {});
  REQUIRE_FALSE(inst);
  CHECK(inst.error().message == "the module was compiled by another engine than the store's");
}

TEST_CASE("stores and modules keep their engine alive; a moved store keeps its handles") {
  std::optional<Module> module;
  std::optional<Store> store;
  {
    Engine scoped = Engine::create().take();
    module.emplace(Module::compile(scoped, kGuest).take());
    store.emplace(scoped);
  }
  Instance instance = Instance::create(*store, *module, {}).take();
  auto add = instance.typed_func<int32_t(int32_t, int32_t)>("add").take();
  CHECK(*add(20, 22) == 42);

  Store moved = std::move(*store);
  store.reset();
  CHECK(*add(1, 2) == 3);
  CHECK(instance.get_memory("memory")->size_pages() == 1);
}

namespace {

constexpr std::string_view kFuncTable = R"((module
  (table (export "table") 2 funcref)
  (global (export "g") (mut funcref) (ref.null func))
  (func $seven (result i32) i32.const 7)
  (elem (i32.const 0) $seven)
  (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))
)";

}  // namespace

TEST_CASE("a funcref of another store cannot go into a table or a global") {
  Module module = Module::compile(engine(), kFuncTable).take();
  Store first(engine()), second(engine());
  Instance a = Instance::create(first, module, {}).take();
  Instance b = Instance::create(second, module, {}).take();
  Table table_a = *a.get_table("table");
  Table table_b = *b.get_table("table");
  Val foreign = table_a.get(0).take();
  REQUIRE(foreign.ref() != nullptr);

  auto set = table_b.set(1, foreign);
  REQUIRE_FALSE(set);
  CHECK(set.error().message == "the funcref belongs to another store");
  CHECK(table_b.grow(1, foreign).error().message == "the funcref belongs to another store");
  CHECK(table_b.size() == 2);
  CHECK(b.get_global("g")->set(foreign).error().message == "the funcref belongs to another store");
  CHECK(Global::create(second, ValType::FuncRef, true, foreign).error().message == "the funcref belongs to another store");

  // The store's own funcrefs, and null, are accepted, and the function runs.
  REQUIRE(table_b.set(1, table_b.get(0).take()));
  REQUIRE(table_b.set(0, Val::funcref(nullptr)));
  auto call = b.typed_func<int32_t(int32_t)>("call").take();
  CHECK(*call(1) == 7);
  REQUIRE(b.get_global("g")->set(table_b.get(1).take()));
}

TEST_CASE("a moved-from store is an empty store of the same engine") {
  Module module = Module::compile(engine(), kGuest).take();
  Store store(engine());
  Instance before = Instance::create(store, module, {}).take();
  Store moved = std::move(store);
  // Every operation on the moved-from store is defined: it is a new store.
  store.set_epoch_deadline(1);
  store.set_limits({});
  CHECK_FALSE(store.limit_refusal());
  CHECK(store.data<int>() == nullptr);
  Instance fresh = Instance::create(store, module, {}).take();
  auto add = fresh.typed_func<int32_t(int32_t, int32_t)>("add").take();
  CHECK(*add(1, 2) == 3);
  // The old handles belong to the store they were moved to.
  Memory memory = *before.get_memory("memory");
  Linker linker(engine());
  REQUIRE(linker.define("env", "memory", memory));
  Module importer = Module::compile(engine(), kImporter).take();
  CHECK(linker.instantiate(store, importer).error().message == "import \"env\" \"memory\": the memory belongs to another store");
  CHECK(linker.instantiate(moved, importer));

  // Move-assigning into a store drops its own items first; the source becomes empty again.
  store = std::move(moved);
  CHECK(*before.typed_func<int32_t(int32_t, int32_t)>("add").take()(2, 2) == 4);
  auto gone = add(1, 1);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().message == "the function belongs to a store that was destroyed");
  CHECK(Instance::create(moved, module, {}));
}
