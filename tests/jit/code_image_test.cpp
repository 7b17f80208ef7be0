// Code images (jit/code_image.h): stored modules are mapped at their preferred base, or moved by
// the rebase list when it is taken; host stubs come from the cache too; what the simple linker
// does not handle is refused, and the objects are linked by JITLink instead.
#include <fstream>

#include "jit/artifact.h"
#include "jit/code_cache.h"
#include "jit_test_support.h"
#include "runtime/vm/compiled_module.h"

namespace wasmrun::jit {
namespace {

namespace fs = std::filesystem;

// A br_table (a jump table of absolute addresses in read-only data, at O0 as at O2), a call
// between functions and a trap (a call to the runtime): every kind of fixup an image holds.
const char* kSwitch = R"((module
  (func $pick (param i32) (result i32)
    (block (block (block (block (local.get 0) (br_table 0 1 2 3))
      (return (i32.const 10))) (return (i32.const 20))) (return (i32.const 30)))
    (if (i32.eq (local.get 0) (i32.const 99)) (then unreachable))
    (i32.const 40))
  (func (export "pick") (param i32) (result i32) (call $pick (local.get 0)))))";

std::vector<uint8_t> only_entry(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  REQUIRE(files.size() == 1);
  std::ifstream in(files[0], std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The cache entry an engine with a cache in `dir` (empty before) stores for `wasm`.
std::vector<uint8_t> stored_entry(const std::string& dir, const std::vector<uint8_t>& wasm) {
  auto engine = test::make_engine(std::make_shared<CodeCache>(CodeCacheConfig{dir}));
  REQUIRE(vm::compile_module(*engine, wasm));
  return only_entry(dir);
}

TEST_CASE("a stored module's image runs where it was linked for, and moved when that place is taken") {
  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(kSwitch);
  for (int opt : {0, 2}) {
    CAPTURE(opt);
    vm::EngineConfig config{.compile = {.opt_level = opt}};
    auto writer = test::make_engine(std::make_shared<CodeCache>(CodeCacheConfig{dir.path}), config);
    REQUIRE(vm::compile_module(*writer, bytes));
    fs::remove_all(dir.path + "/unused");

    // Two engines of one process load the entry: the second finds the first's code at the base.
    std::vector<std::unique_ptr<vm::Engine>> engines;
    std::vector<std::shared_ptr<const vm::CompiledModule>> modules;
    for (int k = 0; k < 2; ++k) {
      auto cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
      engines.push_back(test::make_engine(cache, config));
      auto m = vm::compile_module(*engines.back(), bytes);
      REQUIRE(m);
      CHECK(cache->stats().hits == 1);
      modules.push_back(*m);
    }
    CHECK(modules[0]->code->functions[0] != modules[1]->code->functions[0]);
    for (int k = 0; k < 2; ++k)
      for (auto [arg, expected] : {std::pair{0, 10}, {1, 20}, {2, 30}, {3, 40}, {7, 40}})
        CHECK(test::call_i32(*engines[k], modules[k], "pick", arg) == expected);
    fs::remove_all(dir.path);
    fs::create_directories(dir.path);
  }
}

TEST_CASE("an image is mapped at its preferred base once, then moved, with its imports resolved") {
  test::TempDir dir;
  std::vector<uint8_t> entry = stored_entry(dir.path, test::wat(kSwitch));
  auto artifact = read_artifact(entry);
  REQUIRE(artifact);
  REQUIRE(artifact->image);
  const CodeImageView& image = *artifact->image;
  CHECK(image.bytes.size() % 4096 == 0);
  CHECK(!image.rebase.empty());
  REQUIRE(!image.imports.empty());  // the trap
  static int trap_stand_in;  // never called: the images are only mapped
  auto resolve = [](const std::string& name) -> void* { return name == "wasmrun_trap" ? &trap_stand_in : nullptr; };
  bool all_known = true;
  for (const auto& im : image.imports) all_known &= im.name == "wasmrun_trap";
  if (all_known) {
    auto first = LoadedImage::load(image, nullptr, resolve);
    REQUIRE(first);
    auto second = LoadedImage::load(image, nullptr, resolve);
    REQUIRE(second);
    CHECK((*first)->at_preferred_base());
    CHECK(!(*second)->at_preferred_base());
  }
  auto unknown = LoadedImage::load(image, nullptr, [](const std::string&) -> void* { return nullptr; });
  REQUIRE(!unknown);
  CHECK(unknown.error().message.find("unknown runtime function") != std::string::npos);
}

TEST_CASE("the simple linker refuses what it does not handle, and such entries link with JITLink") {
  std::vector<uint8_t> not_elf(256, 0xcc);
  auto refused = link_code_image({not_elf}, {"w0"}, preferred_image_base(hash_module(not_elf)));
  REQUIRE(!refused);
  CHECK(refused.error().message.find("not an x86-64 ELF object") != std::string::npos);

  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(kSwitch);
  std::vector<uint8_t> entry = stored_entry(dir.path, bytes);
  auto artifact = read_artifact(entry);
  REQUIRE(artifact);
  auto missing = link_code_image(artifact->objects, {"no_such_symbol"}, 1 << 30);
  REQUIRE(!missing);
  CHECK(missing.error().message.find("no_such_symbol") != std::string::npos);

  // An entry without an image (an older writer, or objects the linker refused) still loads.
  std::vector<uint8_t> objects_only = write_artifact(artifact->header, artifact->objects, {});
  for (const auto& e : fs::directory_iterator(dir.path)) {
    std::ofstream out(e.path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(objects_only.data()), std::streamsize(objects_only.size()));
  }
  auto cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto reader = test::make_engine(cache);
  auto m = vm::compile_module(*reader, bytes);
  REQUIRE(m);
  CHECK(cache->stats().hits == 1);
  CHECK(test::call_i32(*reader, *m, "pick", 2) == 30);
}

TEST_CASE("damaged objects: an entry with an image still runs, one of objects alone is compiled again") {
  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(kSwitch);
  std::vector<uint8_t> entry = stored_entry(dir.path, bytes);
  auto artifact = read_artifact(entry);
  REQUIRE(artifact);
  std::vector<uint8_t> objects_only = write_artifact(artifact->header, artifact->objects, {});
  auto replace = [&](std::vector<uint8_t> contents) {
    contents.back() ^= 0xff;  // the last object's last byte: outside the checked part
    REQUIRE(read_artifact(contents, /*check_objects=*/false));
    REQUIRE(!read_artifact(contents));
    for (const auto& e : fs::directory_iterator(dir.path)) {
      std::ofstream out(e.path(), std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(contents.data()), std::streamsize(contents.size()));
    }
  };

  replace(entry);
  auto cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto reader = test::make_engine(cache);
  auto m = vm::compile_module(*reader, bytes);
  REQUIRE(m);
  CHECK(cache->stats().hits == 1);
  CHECK(test::call_i32(*reader, *m, "pick", 1) == 20);
  {
    // A trap's backtrace reads the (damaged, so unused) debug info: frames without inlining.
    vm::Store store(*reader);
    auto instance = vm::instantiate(store, *m, {});
    REQUIRE(instance);
    vm::VMValue values[1];
    int32_t arg = 99;
    std::memcpy(values[0].bytes, &arg, 4);
    auto trapped = vm::invoke(store, std::get<vm::FuncInstance*>(*(*instance)->find_export("pick")), values);
    CHECK(!trapped);
  }

  replace(objects_only);
  auto again = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto recompiling = test::make_engine(again);
  auto m2 = vm::compile_module(*recompiling, bytes);
  REQUIRE(m2);
  CHECK(again->stats().hits == 0);
  CHECK(again->stats().rejected == 1);
  CHECK(test::call_i32(*recompiling, *m2, "pick", 0) == 10);
}

TEST_CASE("host stubs are stored in the cache and loaded from it by the next engine") {
  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(R"((module
    (import "env" "f" (func $f (param i32 f64) (result i64)))
    (func (export "call_f") (param i32) (result i32)
      (i32.wrap_i64 (call $f (local.get 0) (f64.const 0.5))))))");
  wasm::FuncType type{{wasm::ValType::I32, wasm::ValType::F64}, {wasm::ValType::I64}};
  auto count = [&] { return std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()); };
  auto run = [&](int32_t arg) {
    auto engine = test::make_engine(std::make_shared<CodeCache>(CodeCacheConfig{dir.path}));
    auto module = vm::compile_module(*engine, bytes);
    REQUIRE(module);
    vm::Store store(*engine);
    auto f = store.create_host_func(type, [](vm::Caller&, std::span<vm::VMValue> values) {
      int32_t a;
      double b;
      std::memcpy(&a, values[0].bytes, 4);
      std::memcpy(&b, values[1].bytes, 8);
      int64_t r = a * 2 + int64_t(b * 2);
      std::memcpy(values[0].bytes, &r, 8);
      return Expected<void>();
    });
    REQUIRE(f);
    return test::call_i32(store, *module, {vm::Extern(*f)}, "call_f", arg);
  };
  CHECK(run(20) == 41);
  auto stored = count();
  CHECK(stored >= 2);  // the module and its host stub, at least
  CHECK(run(5) == 11);
  CHECK(count() == stored);  // nothing compiled again
}

}  // namespace
}  // namespace wasmrun::jit
