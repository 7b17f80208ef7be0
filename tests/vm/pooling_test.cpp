// Instantiation through InstancePre and the pooling allocator: what one instance leaves in a
// slot (memory bytes, grown pages, table elements, globals) never reaches the next; failures
// and exhaustion give slots back; copy-on-write images hold the data segments without sharing
// writes; host functions made once see each caller's store.
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <optional>
#include <set>
#include <string>

#include "runtime/vm/dirty_pages.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/instance_pre.h"
#include "text/wat.h"
#include "tests/vm/o0_engine.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {

const Engine& engine() { return testing::o0_engine(); }

Module compile(const std::string& wat) {
  auto bytes = text::parse_wat(wat, "test.wat");
  REQUIRE_MESSAGE(bytes, (bytes ? "" : bytes.error().message));
  auto m = Module::compile(engine(), *bytes);
  REQUIRE_MESSAGE(m, (m ? "" : m.error().message));
  return m.take();
}

// One page with a data segment at 16, a table of two functions, a mutable global, and the
// operations a guest uses to dirty all of them.
const char* kDirtyable = R"((module
  (memory (export "memory") 1 4)
  (data (i32.const 16) "image")
  (table $t 2 10 funcref)
  (elem (table $t) (i32.const 0) func $one $two)
  (global $g (mut i32) (i32.const 7))
  (type $v_i (func (result i32)))
  (func $one (result i32) i32.const 1)
  (func $two (result i32) i32.const 2)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "size") (result i32) memory.size)
  (func (export "get_global") (result i32) global.get $g)
  (func (export "set_global") (param i32) local.get 0 global.set $g)
  (func (export "call") (param i32) (result i32) local.get 0 call_indirect $t (type $v_i))
  (func (export "clear_table") i32.const 0 ref.null func table.set $t)
  (func (export "grow_table") (result i32) ref.func $two i32.const 3 table.grow $t)
  (func (export "table_size") (result i32) table.size $t)
))";

PoolingAllocator make_pool(uint32_t instances, size_t keep_resident = 0) {
  auto pool = PoolingAllocator::create(PoolingConfig{.instances = instances,
                                                     .max_memory_bytes = 64 * 65536,
                                                     .max_tables = 1,
                                                     .max_table_elements = 100,
                                                     .instance_bytes = 64 * 1024,
                                                     .keep_resident_bytes = keep_resident});
  REQUIRE_MESSAGE(pool, (pool ? "" : pool.error().message));
  return pool.take();
}

InstancePre make_pre(const Linker& linker, const Module& module, const PoolingAllocator* pool) {
  auto pre = InstancePre::create(linker, module, pool);
  REQUIRE_MESSAGE(pre, (pre ? "" : pre.error().message));
  return pre.take();
}

Instance instantiate(const InstancePre& pre, Store& store) {
  auto inst = pre.instantiate(store);
  REQUIRE_MESSAGE(inst, (inst ? "" : inst.error().message));
  return *inst;
}

template <class Signature, class... Args>
auto call(const Instance& inst, const char* name, Args... args) {
  auto f = inst.typed_func<Signature>(name);
  REQUIRE_MESSAGE(f, (f ? "" : f.error().message));
  return (*f)(args...);
}

int32_t i32(const Expected<int32_t>& r) {
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  return *r;
}

int32_t image_word() {  // "imag" read as a little-endian i32
  return int32_t(uint32_t('i') | uint32_t('m') << 8 | uint32_t('a') << 16 | uint32_t('g') << 24);
}

// Dirties everything kDirtyable lets a guest dirty.
void dirty(const Instance& inst) {
  REQUIRE(call<void(int32_t, int32_t)>(inst, "store", 100, 0x5eed));
  REQUIRE(call<void(int32_t, int32_t)>(inst, "store", 16, 0x5eed));  // over the image
  CHECK(i32(call<int32_t(int32_t)>(inst, "grow", 2)) == 1);
  REQUIRE(call<void(int32_t, int32_t)>(inst, "store", 2 * 65536 + 8, 0x5eed));
  REQUIRE(call<void(int32_t)>(inst, "set_global", 99));
  REQUIRE(call<void()>(inst, "clear_table"));
  CHECK(i32(call<int32_t()>(inst, "grow_table")) == 2);
}

// What a fresh instance of kDirtyable shows.
void check_fresh(const Instance& inst) {
  CHECK(i32(call<int32_t(int32_t)>(inst, "load", 100)) == 0);
  CHECK(i32(call<int32_t(int32_t)>(inst, "load", 16)) == image_word());
  CHECK(i32(call<int32_t()>(inst, "size")) == 1);
  auto past = call<int32_t(int32_t)>(inst, "load", 2 * 65536 + 8);
  REQUIRE_FALSE(past);
  CHECK(past.error().message.starts_with("out of bounds memory access"));
  CHECK(i32(call<int32_t()>(inst, "get_global")) == 7);
  CHECK(i32(call<int32_t(int32_t)>(inst, "call", 0)) == 1);
  CHECK(i32(call<int32_t(int32_t)>(inst, "call", 1)) == 2);
  CHECK(i32(call<int32_t()>(inst, "table_size")) == 2);
}

}  // namespace

TEST_CASE("a reused slot shows nothing of its previous instance") {
  Module module = compile(kDirtyable);
  Linker linker(engine());
  for (size_t keep_resident : {size_t(0), size_t(2 * 65536)}) {
    CAPTURE(keep_resident);
    PoolingAllocator pool = make_pool(1, keep_resident);
    InstancePre pre = make_pre(linker, module, &pool);
    for (int round = 0; round < 3; ++round) {
      CAPTURE(round);
      Store store(engine());
      Instance inst = instantiate(pre, store);
      CHECK(pool.in_use() == 1);
      check_fresh(inst);
      dirty(inst);
    }
    CHECK(pool.in_use() == 0);
  }
}

// Whether each host page of [begin, begin + bytes) is in memory.
std::vector<bool> resident(const uint8_t* begin, size_t bytes) {
  size_t page = size_t(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> v((bytes + page - 1) / page);
  REQUIRE(mincore(const_cast<uint8_t*>(begin), bytes, v.data()) == 0);
  std::vector<bool> out;
  for (unsigned char c : v) out.push_back(c & 1);
  return out;
}

TEST_CASE("the pages an instance wrote are reset in place within keep_resident, by madvise past it") {
  REQUIRE_MESSAGE(vm::dirty_page_scan_available(), "PAGEMAP_SCAN is missing (Linux 6.7 or later has it)");
  Module module = compile(kDirtyable);
  Linker linker(engine());
  size_t page = size_t(sysconf(_SC_PAGESIZE));
  for (size_t keep : {size_t(0), page, 2 * page, size_t(4 * 65536)}) {
    CAPTURE(keep);
    PoolingAllocator pool = make_pool(1, keep);
    InstancePre pre = make_pre(linker, module, &pool);
    uint8_t* base = nullptr;
    for (int round = 0; round < 3; ++round) {
      CAPTURE(round);
      {
        Store store(engine());
        Instance inst = instantiate(pre, store);
        base = inst.get_memory("memory")->data();
        check_fresh(inst);
        dirty(inst);  // writes the image's first page and a page of the grown part
      }
      // Written pages within the budget stay resident, the rest is handed back. The budget counts
      // the image's page first, then the grown one (mincore tells only of the latter: the
      // image's page is the file's, in memory whether mapped or not).
      CHECK(resident(base + 2 * 65536, page)[0] == (keep >= 2 * page));
    }
  }
}

TEST_CASE("a slot passed between modules starts from their own images") {
  Module first = compile(kDirtyable);
  Module second = compile(R"((module
    (memory 2)
    (data (i32.const 20) "\2a")
    (func (export "load") (param i32) (result i32) local.get 0 i32.load)
    (func (export "size") (result i32) memory.size)))");
  Module no_data = compile(R"((module
    (memory 1)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load)))");
  Linker linker(engine());
  PoolingAllocator pool = make_pool(1);
  InstancePre a = make_pre(linker, first, &pool), b = make_pre(linker, second, &pool), c = make_pre(linker, no_data, &pool);
  for (int round = 0; round < 2; ++round) {
    {
      Store store(engine());
      Instance inst = instantiate(a, store);
      check_fresh(inst);
      dirty(inst);
    }
    {
      Store store(engine());
      Instance inst = instantiate(b, store);
      CHECK(i32(call<int32_t(int32_t)>(inst, "load", 16)) == 0);
      CHECK(i32(call<int32_t(int32_t)>(inst, "load", 20)) == 42);
      CHECK(i32(call<int32_t(int32_t)>(inst, "load", 100)) == 0);
      CHECK(i32(call<int32_t()>(inst, "size")) == 2);
      REQUIRE(i32(call<int32_t(int32_t)>(inst, "load", 2 * 65536 - 4)) == 0);
    }
    {
      Store store(engine());
      Instance inst = instantiate(c, store);
      CHECK(i32(call<int32_t(int32_t)>(inst, "load", 16)) == 0);
      CHECK(i32(call<int32_t(int32_t)>(inst, "load", 20)) == 0);
      CHECK_FALSE(call<int32_t(int32_t)>(inst, "load", 65536));
    }
  }
}

TEST_CASE("instances alive at once do not share the image's pages") {
  Module module = compile(kDirtyable);
  Linker linker(engine());
  PoolingAllocator pool = make_pool(2);
  InstancePre pre = make_pre(linker, module, &pool);
  Store s1(engine()), s2(engine());
  Instance a = instantiate(pre, s1), b = instantiate(pre, s2);
  REQUIRE(call<void(int32_t, int32_t)>(a, "store", 16, 1234));
  CHECK(i32(call<int32_t(int32_t)>(a, "load", 16)) == 1234);
  CHECK(i32(call<int32_t(int32_t)>(b, "load", 16)) == image_word());
  CHECK(pool.in_use() == 2);
}

TEST_CASE("an instantiation that fails returns its slot") {
  Linker linker(engine());
  PoolingAllocator pool = make_pool(1);
  SUBCASE("a data segment out of bounds: at once") {
    Module module = compile(R"((module (memory 1) (data (i32.const 65535) "ab")))");
    InstancePre pre = make_pre(linker, module, &pool);
    Store store(engine());
    auto inst = pre.instantiate(store);
    REQUIRE_FALSE(inst);
    CHECK(inst.error().message == "out of bounds memory access");
    CHECK(pool.in_use() == 0);
  }
  SUBCASE("an element segment out of bounds: at once") {
    Module module = compile(R"((module (table 1 funcref) (func $f) (elem (i32.const 1) $f)))");
    InstancePre pre = make_pre(linker, module, &pool);
    Store store(engine());
    auto inst = pre.instantiate(store);
    REQUIRE_FALSE(inst);
    CHECK(inst.error().message == "out of bounds table access");
    CHECK(pool.in_use() == 0);
  }
  SUBCASE("a trap in the start function: with its store, which may still reach it") {
    Module module = compile(R"((module (memory 1) (func $s unreachable) (start $s)))");
    InstancePre pre = make_pre(linker, module, &pool);
    {
      Store store(engine());
      auto inst = pre.instantiate(store);
      REQUIRE_FALSE(inst);
      CHECK(inst.error().message.starts_with("unreachable"));
      CHECK(pool.in_use() == 1);
    }
    CHECK(pool.in_use() == 0);
  }
  // Whatever failed, the one slot serves the next instance.
  Module ok = compile(kDirtyable);
  InstancePre pre = make_pre(linker, ok, &pool);
  Store store(engine());
  check_fresh(instantiate(pre, store));
}

TEST_CASE("an exhausted pool is a clean error until a slot comes back") {
  Module module = compile(kDirtyable);
  Linker linker(engine());
  PoolingAllocator pool = make_pool(2);
  InstancePre pre = make_pre(linker, module, &pool);
  std::optional<Store> s1(std::in_place, engine()), s2(std::in_place, engine());
  Store s3(engine());
  instantiate(pre, *s1);
  instantiate(pre, *s2);
  auto third = pre.instantiate(s3);
  REQUIRE_FALSE(third);
  CHECK(is_pool_exhausted(third.error()));
  CHECK(third.error().message == "pooling allocator: all 2 instance slots are in use");
  s1.reset();
  check_fresh(instantiate(pre, s3));
  CHECK_FALSE(is_pool_exhausted(Error{"out of bounds memory access"}));
}

TEST_CASE("a module larger than a slot is refused when the template is made") {
  Linker linker(engine());
  PoolingAllocator pool = make_pool(1);
  auto check_refused = [&](const char* wat, const char* message) {
    auto pre = InstancePre::create(linker, compile(wat), &pool);
    REQUIRE_FALSE(pre);
    CHECK(pre.error().message == message);
  };
  check_refused("(module (memory 65))", "pooling allocator: memory 0 needs 4259840 bytes, a slot holds 4194304");
  check_refused("(module (table 101 funcref))", "pooling allocator: table 0 needs 101 elements, a slot holds 100");
  check_refused("(module (table 1 funcref) (table 1 funcref))", "pooling allocator: the module defines 2 tables, a slot holds 1");
  // The memory may grow only as far as the slot allows.
  Module growing = compile(R"((module (memory 1)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)))");
  InstancePre pre = make_pre(linker, growing, &pool);
  Store store(engine());
  Instance inst = instantiate(pre, store);
  CHECK(i32(call<int32_t(int32_t)>(inst, "grow", 64)) == -1);
  CHECK(i32(call<int32_t(int32_t)>(inst, "grow", 63)) == 1);
}

TEST_CASE("data at offsets known only at instantiation is copied, in a slot too") {
  Module module = compile(R"((module
    (import "env" "base" (global $base i32))
    (memory 1)
    (data (global.get $base) "\07")
    (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)))");
  Store owner(engine());
  Global base = Global::create(owner, ValType::I32, false, Val::i32(300)).take();
  Linker linker(engine());
  REQUIRE(linker.define("env", "base", base));
  PoolingAllocator pool = make_pool(2);
  InstancePre pre = make_pre(linker, module, &pool);
  // The global belongs to `owner`: instances of this template live there.
  for (int round = 0; round < 2; ++round) {
    Instance inst = instantiate(pre, owner);
    CHECK(i32(call<int32_t(int32_t)>(inst, "load", 300)) == 7);
  }
  Store other(engine());
  auto elsewhere = pre.instantiate(other);
  REQUIRE_FALSE(elsewhere);
  CHECK(elsewhere.error().message == "the import belongs to another store");
}

TEST_CASE("host functions made once by the template see each caller's store") {
  Module module = compile(R"((module
    (import "env" "whose" (func $whose (result i32)))
    (func (export "ask") (result i32) call $whose)))");
  Linker linker(engine());
  REQUIRE(linker.func_new("env", "whose", FuncType{{}, {ValType::I32}}, [](Caller& caller, std::span<RawValue> values) -> Expected<void> {
    values[0].set<int32_t>(*caller.data<int32_t>());
    return {};
  }));
  for (bool pooled : {false, true}) {
    CAPTURE(pooled);
    PoolingAllocator pool = make_pool(2);
    InstancePre pre = make_pre(linker, module, pooled ? &pool : nullptr);
    Store s1(engine()), s2(engine());
    s1.emplace_data<int32_t>(1);
    s2.emplace_data<int32_t>(2);
    Instance a = instantiate(pre, s1), b = instantiate(pre, s2);
    CHECK(i32(call<int32_t()>(a, "ask")) == 1);
    CHECK(i32(call<int32_t()>(b, "ask")) == 2);
  }
}

TEST_CASE("a store's functions keep their addresses as its blocks fill, reserved or not") {
  Store store(engine());
  vm::Store& s = store.impl();
  s.reserve_funcs(0);  // an instantiation that makes none reserves nothing
  std::vector<vm::FuncInstance*> made;
  auto make = [&](int n) {
    for (int i = 0; i < n; ++i) {
      vm::FuncInstance* f = s.new_func();
      CHECK(f->store == &s);
      CHECK(f->type == nullptr);
      CHECK(f->ref.code == nullptr);
      CHECK(f->owner == nullptr);
      CHECK_FALSE(f->host);
      f->ref.sig = uint32_t(made.size());  // a mark, which must stay where it was written
      made.push_back(f);
    }
  };
  make(40);  // past the first block and into a second
  s.reserve_funcs(5);
  make(5);
  make(100);
  CHECK(s.func_count() == made.size());
  std::set<vm::FuncInstance*> distinct(made.begin(), made.end());
  CHECK(distinct.size() == made.size());
  for (size_t i = 0; i < made.size(); ++i) {
    CHECK(made[i]->ref.sig == i);
    CHECK(s.owns_func_ref(&made[i]->ref));
  }
  vm::VMFuncRef other{};
  CHECK_FALSE(s.owns_func_ref(&other));
}

TEST_CASE("function references are made on first use and stay the same") {
  Module module = compile(R"((module
    (table $t 1 funcref)
    (type $v_i (func (result i32)))
    (func $f (export "f") (result i32) i32.const 5)
    (func (export "put") i32.const 0 ref.func $f table.set $t)
    (func (export "call0") (result i32) i32.const 0 call_indirect $t (type $v_i))
    (func (export "same") (result i32) ref.func $f ref.is_null ref.func $f ref.is_null i32.add)))");
  Linker linker(engine());
  InstancePre pre = make_pre(linker, module, nullptr);
  Store store(engine());
  Instance inst = instantiate(pre, store);
  vm::Instance* vi = inst.impl();
  CHECK(vi->func_refs[0] == nullptr);
  auto before = call<int32_t()>(inst, "call0");
  REQUIRE_FALSE(before);
  CHECK(before.error().message.starts_with("uninitialized element 0"));
  REQUIRE(call<void()>(inst, "put"));
  REQUIRE(vi->func_refs[0] != nullptr);
  CHECK(vi->func_refs[0] == &vi->defined_refs[0]);
  CHECK(i32(call<int32_t()>(inst, "call0")) == 5);
  CHECK(i32(call<int32_t()>(inst, "same")) == 0);
  CHECK(vi->func_refs[0]->code == vi->module->code->functions[0]);
}

TEST_CASE("imports the linker leaves open are given, and checked, per instantiation") {
  Module owner = compile(R"((module (memory (export "memory") 1)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load)))");
  Module user = compile(R"((module
    (import "env" "memory" (memory 1))
    (import "env" "value" (func $value (result i32)))
    (func (export "put") (param i32) local.get 0 call $value i32.store)))");
  Linker linker(engine());
  REQUIRE(linker.func_wrap("env", "value", []() { return int32_t(41); }));
  CHECK_FALSE(InstancePre::create(linker, user, nullptr));
  PoolingAllocator pool = make_pool(2);
  InstancePre owner_pre = make_pre(linker, owner, &pool);
  auto user_pre = InstancePre::create(linker, user, &pool, true);
  REQUIRE(user_pre);
  for (int round = 0; round < 2; ++round) {
    Store store(engine());
    Instance a = instantiate(owner_pre, store);
    Memory memory = *a.get_memory("memory");
    CHECK_FALSE(user_pre->instantiate(store));
    auto wrong = user_pre->instantiate(store, std::vector<Extern>{*a.get_func("load")});
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().message == "incompatible import type for \"env\" \"memory\": expected a memory, got a function");
    CHECK(pool.in_use() == 1);
    auto b = user_pre->instantiate(store, std::vector<Extern>{memory});
    REQUIRE(b);
    REQUIRE(call<void(int32_t)>(*b, "put", 8));
    CHECK(i32(call<int32_t(int32_t)>(a, "load", 8)) == 41);
  }
}

TEST_CASE("a store's limits hold for the memories and tables of pooled instances") {
  Module module = compile(kDirtyable);
  Linker linker(engine());
  for (bool pooled : {false, true}) {
    CAPTURE(pooled);
    PoolingAllocator pool = make_pool(2);
    InstancePre pre = make_pre(linker, module, pooled ? &pool : nullptr);
    Store store(engine());
    store.set_limits(StoreLimits{.max_memory_size = 2 * 65536, .max_table_elements = 3});
    Instance inst = instantiate(pre, store);
    CHECK(i32(call<int32_t(int32_t)>(inst, "grow", 2)) == -1);
    REQUIRE(store.limit_refusal());
    CHECK(*store.limit_refusal() == "memory.grow to 3 pages (196608 bytes) was refused: the limit is 131072 bytes");
    CHECK(i32(call<int32_t(int32_t)>(inst, "grow", 1)) == 1);
    CHECK(i32(call<int32_t()>(inst, "grow_table")) == -1);

    Store small(engine());
    small.set_limits(StoreLimits{.max_memory_size = 0, .max_table_elements = std::nullopt});
    auto refused = pre.instantiate(small);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "memory minimum size of 1 pages (65536 bytes) exceeds the limit of 0 bytes");
    CHECK(pool.in_use() == (pooled ? 1 : 0));
  }
}

TEST_CASE("a pool's configuration is checked when it is made") {
  auto zero = PoolingAllocator::create(PoolingConfig{.instances = 0});
  REQUIRE_FALSE(zero);
  CHECK(zero.error().message == "pooling allocator: the pool needs at least one instance slot");
  auto tables = PoolingAllocator::create(PoolingConfig{.instances = 1, .max_tables = 65});
  REQUIRE_FALSE(tables);
  CHECK(tables.error().message == "pooling allocator: a slot holds at most 64 tables");
  auto memory = PoolingAllocator::create(PoolingConfig{.instances = 1, .max_memory_bytes = (uint64_t(4) << 30) + 65536});
  REQUIRE_FALSE(memory);
  CHECK(memory.error().message == "pooling allocator: a slot's memory cannot exceed 4 GiB");
}
