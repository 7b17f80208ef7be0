// The code cache (jit/code_cache.h): keys, hits across engines, damaged and foreign entries
// recompiled, concurrent writers, and least-recently-used eviction.
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>

#include <fstream>
#include <thread>

#include "jit/code_cache.h"
#include "jit_test_support.h"
#include "runtime/vm/compiled_module.h"

namespace wasmrun::jit {
namespace {

namespace fs = std::filesystem;

CodeIdentity this_host() {
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  REQUIRE(builder);
  return host_identity(*builder);
}

std::vector<fs::path> entries(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  return out;
}

TEST_CASE("cache keys change with everything the code depends on, and only with that") {
  CodeIdentity id = this_host();
  ModuleHash m = hash_module(test::wat(test::kAddOne));
  vm::CompileOptions o;
  std::string base = CodeCache::key(m, id, o);
  CHECK(base == CodeCache::key(m, id, o));
  CHECK(base.size() == 40);

  ModuleHash other_module = hash_module(test::wat("(module)"));
  CHECK(CodeCache::key(other_module, id, o) != base);
  CHECK(CodeCache::key(m, id, {.opt_level = 0}) != base);
  CHECK(CodeCache::key(m, id, {.opt_level = 2, .epoch_interruption = true}) != base);
  for (std::string CodeIdentity::*field : {&CodeIdentity::wasmrun_version, &CodeIdentity::source_hash,
                                           &CodeIdentity::llvm_version, &CodeIdentity::triple, &CodeIdentity::cpu,
                                           &CodeIdentity::features}) {
    CodeIdentity changed = id;
    changed.*field += "x";
    CHECK(CodeCache::key(m, changed, o) != base);
  }
  // Fields are delimited: moving a character from one field to the next is another key.
  CodeIdentity a = id, b = id;
  a.cpu = "ab";
  a.features = "c";
  b.cpu = "a";
  b.features = "bc";
  CHECK(CodeCache::key(m, a, o) != CodeCache::key(m, b, o));
}

TEST_CASE("a second engine loads the module's code from the cache, without compiling or validating") {
  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(test::kAddOne);
  auto first_cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto first = test::make_engine(first_cache);
  auto compiled = vm::compile_module(*first, bytes);
  REQUIRE(compiled);
  CHECK(test::call_i32(*first, *compiled, "add_one", 1) == 2);
  CHECK(first_cache->stats().stores == 1);
  CHECK(first_cache->stats().hits == 0);
  CHECK(entries(dir.path).size() == 1);

  auto second_cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto second = test::make_engine(second_cache);
  auto loaded = vm::compile_module(*second, bytes);
  REQUIRE(loaded);
  CHECK(second_cache->stats().hits == 1);
  CHECK(second_cache->stats().stores == 0);
  CHECK(test::call_i32(*second, *loaded, "add_one", 41) == 42);

  // Other options are another entry.
  auto o0 = test::make_engine(second_cache, vm::EngineConfig{.compile = {.opt_level = 0}});
  REQUIRE(vm::compile_module(*o0, bytes));
  CHECK(second_cache->stats().stores == 1);
  CHECK(entries(dir.path).size() == 2);
}

TEST_CASE("an invalid module is never stored, so a cache hit never skips its validation") {
  test::TempDir dir;
  auto cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto engine = test::make_engine(cache);
  std::vector<uint8_t> invalid = test::wat("(module (func (result i32) i64.const 1))");
  CHECK(!vm::compile_module(*engine, invalid));
  CHECK(!vm::compile_module(*engine, invalid));
  CHECK(cache->stats().stores == 0);
  CHECK(entries(dir.path).empty());
}

TEST_CASE("a damaged, truncated or foreign entry is removed and the module compiled again") {
  test::TempDir dir;
  std::vector<uint8_t> bytes = test::wat(test::kAddOne);
  auto cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
  auto engine = test::make_engine(cache);
  REQUIRE(vm::compile_module(*engine, bytes));
  REQUIRE(entries(dir.path).size() == 1);
  fs::path entry = entries(dir.path)[0];
  std::vector<uint8_t> good;
  {
    std::ifstream in(entry, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto parsed = read_artifact(good);
  REQUIRE(parsed);
  ArtifactHeader other_cpu = parsed->header;
  other_cpu.identity.features += ",+imaginary-extension";

  std::vector<std::pair<const char*, std::vector<uint8_t>>> damages;
  std::vector<uint8_t> flipped = good;
  flipped[good.size() / 3] ^= 0xff;
  damages.push_back({"a flipped byte", flipped});
  damages.push_back({"truncated", std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2)});
  damages.push_back({"empty", {}});
  damages.push_back({"made for another CPU", write_artifact(other_cpu, parsed->objects, {})});
  ArtifactHeader other_module = parsed->header;
  other_module.module_hash[0] ^= 1;
  damages.push_back({"for another module", write_artifact(other_module, parsed->objects, {})});
  std::vector<uint8_t> garbage_objects = write_artifact(parsed->header, {std::vector<uint8_t>(64, 0xcc)}, {});
  damages.push_back({"objects that do not link", garbage_objects});

  for (auto& [what, contents] : damages) {
    CAPTURE(what);
    {
      std::ofstream out(entry, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(contents.data()), std::streamsize(contents.size()));
    }
    auto reader_cache = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
    auto reader = test::make_engine(reader_cache);
    auto m = vm::compile_module(*reader, bytes);
    REQUIRE(m);
    CHECK(test::call_i32(*reader, *m, "add_one", 9) == 10);
    CHECK(reader_cache->stats().hits == 0);
    CHECK(reader_cache->stats().rejected >= 1);
    CHECK(reader_cache->stats().stores == 1);  // replaced by a good entry
    auto again = std::make_shared<CodeCache>(CodeCacheConfig{dir.path});
    auto check = test::make_engine(again);
    REQUIRE(vm::compile_module(*check, bytes));
    CHECK(again->stats().hits == 1);
  }
}

TEST_CASE("concurrent writers of one key leave one whole entry that readers can always use") {
  test::TempDir dir;
  CodeCache cache(CodeCacheConfig{dir.path});
  CodeIdentity id = this_host();
  // Entries of very different sizes, so that a torn write could not pass for a whole one.
  std::vector<std::vector<uint8_t>> versions;
  for (size_t k = 0; k < 4; ++k) {
    std::vector<uint8_t> object((k + 1) * 200000, uint8_t(k));
    versions.push_back(write_artifact({id, {}, {}}, {object}, {}));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, whole{0};
  std::thread reader([&] {
    while (!stop) {
      if (auto entry = cache.load("k")) {
        ++reads;
        auto bytes = std::span(reinterpret_cast<const uint8_t*>(entry->getBufferStart()), entry->getBufferSize());
        if (read_artifact(bytes)) ++whole;
      }
    }
  });
  std::vector<std::thread> writers;
  for (size_t k = 0; k < versions.size(); ++k)
    writers.emplace_back([&, k] {
      for (int i = 0; i < 20; ++i) REQUIRE(cache.store("k", versions[k]));
    });
  for (std::thread& t : writers) t.join();
  stop = true;
  reader.join();
  CHECK(reads == whole);
  CHECK(entries(dir.path).size() == 1);  // no temporary file left behind
  CHECK(cache.stats().stores == 80);
}

TEST_CASE("beyond its size bound the cache evicts the least recently used entries") {
  test::TempDir dir;
  std::vector<uint8_t> entry(1000, 1);
  CodeCache cache(CodeCacheConfig{dir.path, 3500});
  auto age = [&](const std::string& key, int seconds_ago) {
    fs::last_write_time(cache.path(key), fs::file_time_type::clock::now() - std::chrono::seconds(seconds_ago));
  };
  REQUIRE(cache.store("a", entry));
  REQUIRE(cache.store("b", entry));
  REQUIRE(cache.store("c", entry));
  age("a", 300);
  age("b", 200);
  age("c", 100);
  CHECK(cache.load("a"));  // used now: the most recent
  REQUIRE(cache.store("d", entry));
  CHECK(cache.stats().evicted == 1);
  CHECK(!fs::exists(cache.path("b")));
  for (const char* kept : {"a", "c", "d"}) CHECK(fs::exists(cache.path(kept)));
}

TEST_CASE("an unwritable cache costs speed, not correctness") {
  auto cache = std::make_shared<CodeCache>(CodeCacheConfig{"/proc/no-such-dir/wasmrun"});
  auto engine = test::make_engine(cache);
  auto m = vm::compile_module(*engine, test::wat(test::kAddOne));
  REQUIRE(m);
  CHECK(test::call_i32(*engine, *m, "add_one", 2) == 3);
  CHECK(cache->stats().stores == 0);
}

}  // namespace
}  // namespace wasmrun::jit
