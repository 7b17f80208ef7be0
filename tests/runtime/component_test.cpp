// Component decoding, validation, names, subtyping and instantiation.
#include <doctest/doctest.h>

#include <string_view>

#include "jit/llvm_code_generator.h"
#include "canonical_abi/resources.h"
#include "runtime/component/binary_codes.h"
#include "runtime/component/type_matching.h"
#include "runtime/decode/component_decoder.h"
#include "runtime/validate/extern_names.h"
#include "runtime/vm/component_instance.h"
#include "text/wast_parser.h"
#include "text/wat.h"
#include "wat_bytes.h"

using namespace wasmrun;
using namespace wasmrun::component;
using wasmrun::test::encode;

namespace {

ComponentDecodeResult decode(std::string_view wat) { return decode_component(encode(wat)); }

std::string error_of(std::string_view wat) {
  auto r = decode(wat);
  return r.component ? "" : r.error.message;
}

}  // namespace

TEST_CASE("the code table: sorts and canonical built-ins round-trip through their codes") {
  for (size_t i = 0; i < kSortCount; ++i) {
    Sort s = Sort(i);
    if (is_core(s)) CHECK(core_sort_from_code(core_sort_code(s)) == s);
    else CHECK(sort_from_code(sort_code(s)) == s);
  }
  for (const CanonCode& c : kCanonCodes) {
    CHECK(canon_by_code(c.code) == &c);
    CHECK(canon_by_name(c.name) == &c);
  }
  CHECK(canon_by_code(0x08) == nullptr);
}

TEST_CASE("extern names: kebab labels, annotations, interfaces with semver") {
  CHECK(is_kebab("a-b-c"));
  CHECK(is_kebab("FOO-bar-BAZ"));
  CHECK(is_kebab("a1-B2-3c"));
  CHECK_FALSE(is_kebab("aBc"));
  CHECK_FALSE(is_kebab("1a"));
  CHECK_FALSE(is_kebab("a--b"));
  CHECK_FALSE(is_kebab(""));

  auto m = parse_extern_name("[method]res.get-x", true);
  REQUIRE(m.ok());
  CHECK(m->kind == ExternName::Kind::Method);
  CHECK(m->resource == "res");
  CHECK(m->label == "get-x");
  CHECK_FALSE(parse_extern_name("[method]res", true).ok());
  CHECK_FALSE(parse_extern_name("[static]a.b.c", true).ok());

  auto i = parse_extern_name("wasi:io/streams@0.2.12", true);
  REQUIRE(i.ok());
  CHECK(i->kind == ExternName::Kind::Interface);
  CHECK(i->unversioned == "wasi:io/streams");
  CHECK(i->version == "0.2.12");
  CHECK_FALSE(parse_extern_name("wasi:io/streams@0.2", true).ok());
  CHECK_FALSE(parse_extern_name("wasi:io/streams@01.2.3", true).ok());
  CHECK(parse_extern_name("a:b/c@1.0.0-rc.1+build.5", true).ok());
  CHECK_FALSE(parse_extern_name("a:b/c/d", true).ok());
  CHECK(parse_extern_name("url=<https://example.com>", true).ok());
  CHECK_FALSE(parse_extern_name("url=<https://example.com>", false).ok());
}

TEST_CASE("extern names: strong uniqueness and semver-compatible matching") {
  auto key = [](std::string_view n) { return uniqueness_key(*parse_extern_name(n, true)); };
  CHECK(key("a-b") == key("A-B"));
  CHECK(key("[method]r.f") == key("[static]r.f"));
  CHECK(key("[constructor]r") != key("r"));
  CHECK(clash_key(*parse_extern_name("a", true)) == key("[method]a.a"));

  CHECK(semver_compatible("0.2.12", "0.2.0"));
  CHECK(semver_compatible("1.5.0", "1.2.3"));
  CHECK_FALSE(semver_compatible("0.3.0", "0.2.0"));
  CHECK_FALSE(semver_compatible("0.0.2", "0.0.1"));
  CHECK_FALSE(semver_compatible("2.0.0", "1.0.0"));
  CHECK_FALSE(semver_compatible("0.2.1-rc1", "0.2.0"));
}

TEST_CASE("subtyping binds imported resources and compares value types structurally") {
  auto r1 = std::make_shared<ResourceType>();
  auto r2 = std::make_shared<ResourceType>();
  auto own = [](const ResourceTypePtr& r) {
    auto t = std::make_shared<ValueType>();
    t->kind = ValueKind::Own;
    t->resource = r;
    return ValueTypePtr(t);
  };
  Matcher m;
  m.bindable.insert(r1.get());
  CHECK(m.value(own(r2), own(r1)).ok());  // binds r1 := r2
  CHECK(m.value(own(r2), own(r1)).ok());
  auto r3 = std::make_shared<ResourceType>();
  auto mismatch = m.value(own(r3), own(r1));
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().message == "resource types are not the same");
  CHECK(substitute(own(r1), m.bound)->resource == r2);

  auto v = m.value(ValueType::primitive(ValueKind::U32), ValueType::primitive(ValueKind::String));
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message == "expected primitive `string` found primitive `u32`");
}

TEST_CASE("a resource map finds its bindings by identity, scanned and past its index threshold") {
  std::vector<ResourceTypePtr> keys, values;
  for (int i = 0; i < 100; ++i) {
    keys.push_back(std::make_shared<ResourceType>());
    values.push_back(std::make_shared<ResourceType>());
  }
  ResourceMap map;
  for (size_t n = 0; n < keys.size(); ++n) {
    CHECK(map.count(keys[n].get()) == 0);
    CHECK(map.find(keys[n].get()) == map.end());
    auto [at, added] = map.emplace(keys[n].get(), values[n]);
    CHECK(added);
    CHECK(at->second == values[n]);
    // A second binding of the same key keeps the first.
    CHECK_FALSE(map.emplace(keys[n].get(), values[0]).second);
    CHECK(map.size() == n + 1);
    for (size_t k = 0; k <= n; ++k) {
      auto it = map.find(keys[k].get());
      REQUIRE(it != map.end());
      CHECK(it->second == values[k]);
    }
  }
  // A copy (as the validator makes) keeps its lookups, and operator[] adds or overwrites.
  ResourceMap copy = map;
  auto extra = std::make_shared<ResourceType>();
  copy[extra.get()] = values[1];
  copy[keys[50].get()] = values[2];
  CHECK(copy.find(extra.get())->second == values[1]);
  CHECK(copy.find(keys[50].get())->second == values[2]);
  CHECK(map.find(keys[50].get())->second == values[50]);
  CHECK(map.count(extra.get()) == 0);
}

TEST_CASE("decoding: a valid component yields its definitions in order") {
  auto r = decode(R"((component
    (core module $m (func (export "f") (param i32) (result i32) local.get 0))
    (core instance $i (instantiate $m))
    (func (export "f") (param "x" u32) (result u32) (canon lift (core func $i "f")))
  ))");
  REQUIRE_MESSAGE(r.component, r.error.message);
  const auto& defs = r.component->definitions;
  REQUIRE(defs.size() >= 4);
  CHECK(defs[0].kind == Definition::Kind::CoreModule);
  CHECK(defs[1].kind == Definition::Kind::CoreInstantiate);
  CHECK(r.component->type->exports.size() == 1);
  CHECK(r.component->type->exports[0].name == "f");
}

TEST_CASE("decoding: malformed binaries fail with the offset of the bad byte") {
  std::vector<uint8_t> bytes(std::begin(kPreamble), std::end(kPreamble));
  bytes.push_back(0x0d);  // no section has id 13
  bytes.push_back(0x00);
  auto r = decode_component(bytes);
  REQUIRE_FALSE(r.component);
  CHECK(r.malformed);
  CHECK(r.error.message == "malformed section id: 13 (at 0x8)");

  bytes.resize(6);  // a truncated preamble
  r = decode_component(bytes);
  CHECK(r.malformed);
  CHECK_FALSE(is_component_binary(bytes));
}

TEST_CASE("validation: types, names, canonical options and visibility") {
  CHECK(error_of("(component (type (record (field \"a\" u8) (field \"A\" u8))))").starts_with(
      "record field name `A` conflicts with previous field name `a`"));
  CHECK(error_of("(component (type (enum)))").starts_with("enum type must have at least one variant"));
  CHECK(error_of("(component (import \"Foo-bar\" (func)))").find("`Foo-bar` is not in kebab case") != std::string::npos);
  CHECK(error_of("(component (import \"a\" (func)) (import \"A\" (func)))")
            .starts_with("import name `A` conflicts with previous name `a`"));
  CHECK(error_of(R"((component
    (import "f" (func $f (param "p" string)))
    (core func (canon lower (func $f)))))")
            .starts_with("canonical option `memory` is required"));
  CHECK(error_of(R"((component
    (type $R (resource (rep i32)))
    (import "f" (func (result (own $R))))))")
            .starts_with("func not valid to be used as import"));
  CHECK(error_of(R"((component
    (import "t" (type $T (sub resource)))
    (core func (canon resource.new $T))))")
            .starts_with("type index is not a local resource"));
  // elem_size with 64-bit pointers must stay below 2^28 (CanonicalABI.md "Element Size").
  CHECK(error_of("(component (type (list string 16777215)) (type (option (list u8 268435448))))").empty());
  CHECK(error_of("(component (type (list string 16777216)))").find("exceeds maximum byte size") != std::string::npos);
  CHECK(error_of("(component (type (list u64 536870912)))").find("exceeds maximum byte size") != std::string::npos);
  CHECK(error_of("(component (type (option (list u8 268435455))))").find("exceeds maximum byte size") != std::string::npos);
  CHECK(decode("(component (type (func async)))").component);
  ComponentDecodeOptions no_async;
  no_async.async = false;
  auto r = decode_component(encode("(component (type (func async)))"), no_async);
  CHECK(r.unsupported);
}

TEST_CASE("instantiation: nested components, resources and calls through the canonical ABI") {
  auto codegen = jit::create_llvm_code_generator();
  REQUIRE(codegen.ok());
  vm::Engine engine(vm::EngineConfig{}, codegen.take());
  vm::Store store(engine);
  vm::ComponentLinker linker(store);

  auto r = decode(R"((component
    (component $inner
      (core module $m
        (memory (export "mem") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 64)
        (func (export "len") (param i32 i32) (result i32) local.get 1))
      (core instance $i (instantiate $m))
      (func (export "len") (param "s" string) (result u32)
        (canon lift (core func $i "len") (memory (core memory $i "mem")) (realloc (core func $i "realloc")))))
    (instance $a (instantiate $inner))
    ;; The caller is a sibling of $inner: a call from a parent into its child traps (Wasmtime).
    (component $outer
      (import "len" (func $len-f (param "s" string) (result u32)))
      (core module $libc
        (memory (export "mem") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 128))
      (core instance $libc (instantiate $libc))
      (core func $len (canon lower (func $len-f) (memory (core memory $libc "mem"))))
      (core module $user
        (import "" "len" (func $len (param i32 i32) (result i32)))
        (func (export "twice") (param i32 i32) (result i32)
          (i32.add (call $len (local.get 0) (local.get 1)) (call $len (local.get 0) (local.get 1)))))
      (core instance $u (instantiate $user (with "" (instance (export "len" (func $len))))))
      (func (export "twice") (param "s" string) (result u32)
        (canon lift (core func $u "twice") (memory (core memory $libc "mem")) (realloc (core func $libc "realloc")))))
    (instance $b (instantiate $outer (with "len" (func $a "len"))))
    (export "twice" (func $b "twice"))
  ))");
  REQUIRE_MESSAGE(r.component, r.error.message);
  auto nested = linker.instantiate(r.component);
  REQUIRE(std::holds_alternative<std::shared_ptr<vm::ComponentInstance>>(nested));
  std::vector<Val> text{Val::string("hello")};
  auto twice = linker.call(*std::get<std::shared_ptr<vm::ComponentInstance>>(nested)->exports.at("twice").func, text);
  REQUIRE(twice.ok());
  CHECK(**twice == Val::u32(10));

  r = decode(R"((component
    (type $R (resource (rep i32)))
    (core func $new (canon resource.new $R))
    (core func $rep (canon resource.rep $R))
    (core module $m
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "rep" (func $rep (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      ;; A borrow of its own resource reaches the implementation as the representation.
      (func (export "get") (param i32) (result i32) (local.get 0))
      (func (export "rep") (param i32) (result i32) (call $rep (local.get 0))))
    (core instance $i (instantiate $m (with "" (instance (export "new" (func $new)) (export "rep" (func $rep))))))
    (export $R' "r" (type $R))
    (func (export "make") (param "rep" u32) (result (own $R')) (canon lift (core func $i "make")))
    (func (export "get") (param "h" (borrow $R')) (result u32) (canon lift (core func $i "get")))
  ))");
  REQUIRE_MESSAGE(r.component, r.error.message);
  auto inst = linker.instantiate(r.component);
  REQUIRE(std::holds_alternative<std::shared_ptr<vm::ComponentInstance>>(inst));
  auto& exports = std::get<std::shared_ptr<vm::ComponentInstance>>(inst)->exports;
  std::vector<Val> args{Val::u32(42)};
  auto made = linker.call(*exports.at("make").func, args);
  REQUIRE(made.ok());
  REQUIRE(made->has_value());
  CHECK((*made)->kind() == Val::Kind::Own);
  CHECK((*made)->resource().rep == 42);
  std::vector<Val> borrow{Val::borrow(component::ResourceAny{(*made)->resource().type, 42, false})};
  auto got = linker.call(*exports.at("get").func, borrow);
  REQUIRE(got.ok());
  CHECK(**got == Val::u32(42));
}

TEST_CASE("linking: a versioned import is satisfied by a semver-compatible provider") {
  auto codegen = jit::create_llvm_code_generator();
  REQUIRE(codegen.ok());
  vm::Engine engine(vm::EngineConfig{}, codegen.take());
  vm::Store store(engine);
  vm::ComponentLinker linker(store);
  // An instance exporting a resource type: an import of it cannot be satisfied by anything else.
  vm::ComponentItem stream;
  stream.type.sort = Sort::Type;
  stream.type.type.kind = TypeDef::Kind::Resource;
  stream.type.type.resource = std::make_shared<ResourceType>();
  vm::ComponentItem streams;
  streams.type.sort = Sort::Instance;
  auto type = std::make_shared<InstanceType>();
  type->exports.push_back({"input-stream", stream.type});
  streams.type.instance = type;
  streams.instance = std::make_shared<vm::ComponentInstance>();
  streams.instance->exports["input-stream"] = stream;
  linker.define("wasi:io/streams@0.2.12", streams);
  CHECK(linker.lookup("wasi:io/streams@0.2.12") != nullptr);
  CHECK(linker.lookup("wasi:io/streams@0.2.0") != nullptr);
  CHECK(linker.lookup("wasi:io/streams@0.2.3") != nullptr);
  CHECK(linker.lookup("wasi:io/streams@0.3.0") == nullptr);
  CHECK(linker.lookup("wasi:io/streams") == nullptr);
  CHECK(linker.lookup("wasi:io/poll@0.2.0") == nullptr);

  auto r = decode(R"((component (import "wasi:io/streams@0.2.1" (instance (export "input-stream" (type (sub resource)))))))");
  REQUIRE(r.component);
  CHECK(std::holds_alternative<std::shared_ptr<vm::ComponentInstance>>(linker.instantiate(r.component)));
  r = decode(R"((component (import "wasi:io/streams@0.3.0" (instance (export "input-stream" (type (sub resource)))))))");
  REQUIRE(r.component);
  auto failed = linker.instantiate(r.component);
  REQUIRE(std::holds_alternative<vm::ComponentInstantiationError>(failed));
  CHECK(std::get<vm::ComponentInstantiationError>(failed).message == "import `wasi:io/streams@0.3.0` was not found");
}

TEST_CASE("decoding: the component-name section names the component and its items; a damaged one is ignored") {
  std::vector<uint8_t> bytes(std::begin(kPreamble), std::end(kPreamble));
  auto custom = [&](std::vector<uint8_t> contents) {
    std::vector<uint8_t> section = {14, 'c', 'o', 'm', 'p', 'o', 'n', 'e', 'n', 't', '-', 'n', 'a', 'm', 'e'};
    section.insert(section.end(), contents.begin(), contents.end());
    bytes.push_back(0x00);
    bytes.push_back(uint8_t(section.size()));
    bytes.insert(bytes.end(), section.begin(), section.end());
  };
  custom({0x00, 0x03, 0x02, 'h', 'i',                          // the component's name: "hi"
          0x01, 0x07, 0x00, 0x11, 0x01, 0x00, 0x02, 'm', 'd'});  // core module 0: "md"
  auto r = decode_component(bytes);
  REQUIRE_MESSAGE(r.component, r.error.message);
  CHECK(r.component->name == "hi");
  CHECK(r.component->names[size_t(Sort::CoreModule)].at(0) == "md");

  bytes.resize(8);
  custom({0x01, 0x09, 0x07});  // a subsection longer than the section
  r = decode_component(bytes);
  REQUIRE(r.component);
  CHECK(r.component->name.empty());
}

TEST_CASE("instantiation: destructors run when the host drops an own handle; post-return runs after a call") {
  auto codegen = jit::create_llvm_code_generator();
  REQUIRE(codegen.ok());
  vm::Engine engine(vm::EngineConfig{}, codegen.take());
  vm::Store store(engine);
  vm::ComponentLinker linker(store);
  auto r = decode(R"((component
    (core module $state
      (global $drops (export "drops") (mut i32) (i32.const 0))
      (global $posts (export "posts") (mut i32) (i32.const 0))
      (func (export "dtor") (param i32) (global.set $drops (i32.add (global.get $drops) (local.get 0))))
      (func (export "post") (param i32) (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
      (func (export "read-drops") (result i32) (global.get $drops))
      (func (export "read-posts") (result i32) (global.get $posts)))
    (core instance $s (instantiate $state))
    (type $R (resource (rep i32) (dtor (func $s "dtor"))))
    (core func $new (canon resource.new $R))
    (core module $m
      (import "" "new" (func $new (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0))))
    (core instance $i (instantiate $m (with "" (instance (export "new" (func $new))))))
    (export $R' "r" (type $R))
    (func (export "make") (param "rep" u32) (result (own $R')) (canon lift (core func $i "make")))
    (func (export "drops") (result u32) (canon lift (core func $s "read-drops") (post-return (func $s "post"))))
    (func (export "posts") (result u32) (canon lift (core func $s "read-posts")))
  ))");
  REQUIRE_MESSAGE(r.component, r.error.message);
  auto inst = linker.instantiate(r.component);
  REQUIRE(std::holds_alternative<std::shared_ptr<vm::ComponentInstance>>(inst));
  auto& exports = std::get<std::shared_ptr<vm::ComponentInstance>>(inst)->exports;
  auto call = [&](const char* name, std::vector<Val> args) {
    auto result = linker.call(*exports.at(name).func, args);
    REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.trap().message));
    return result.take();
  };
  auto made = call("make", {Val::u32(5)});
  REQUIRE(made);
  CHECK(call("drops", {}) == Val::u32(0));
  REQUIRE(canon::drop_host_resource(made->resource()).ok());
  CHECK(call("drops", {}) == Val::u32(5));  // the destructor got the representation
  CHECK(call("posts", {}) == Val::u32(2));  // one post-return per call of "drops"
}

TEST_CASE("with the implements feature off, an `implements` name is invalid (Wasmtime's switch)") {
  std::vector<uint8_t> bytes = encode(R"((component (import "a" (implements "a:b/c") (instance))))");
  CHECK(decode_component(bytes).component);
  ComponentDecodeOptions off;
  off.implements = false;
  auto r = decode_component(bytes, off);
  REQUIRE_FALSE(r.component);
  CHECK_FALSE(r.malformed);
  CHECK(r.error.message.find("the `cm-implements` feature is not active") != std::string::npos);
}

TEST_CASE("error-context and map decode with their features on, and are unsupported with them off") {
  std::vector<uint8_t> ec = encode(R"((component (type (func (param "e" error-context))) (core func (canon error-context.drop))))");
  std::vector<uint8_t> map = encode(R"((component (type (map string (list u8)))))");
  CHECK(decode_component(ec).component);
  CHECK(decode_component(map).component);
  ComponentDecodeOptions off;
  off.error_context = false;
  off.map = false;
  for (const auto& bytes : {ec, map}) {
    auto r = decode_component(bytes, off);
    REQUIRE_FALSE(r.component);
    CHECK(r.unsupported);
  }
  // A map key must be a bool, an integer, a char or a string (Explainer `keytype`).
  auto bad = decode_component(encode(R"((component (type (map f64 u8))))"));
  REQUIRE_FALSE(bad.component);
  CHECK_FALSE(bad.unsupported);
  CHECK(bad.error.message.find("map key type `f64`") != std::string::npos);
}
