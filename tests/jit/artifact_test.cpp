// The artifact format (jit/artifact.h) and `wasmrun compile` artifacts through the code generator:
// a round trip, damage of every kind detected, and artifacts made by another build or CPU or
// with other options refused with a message that names the difference.
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>

#include "jit/artifact.h"
#include "jit/persistent_code.h"
#include "jit_test_support.h"
#include "runtime/vm/compiled_module.h"

namespace wasmrun::jit {
namespace {

CodeIdentity this_host() {
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  REQUIRE(builder);
  return host_identity(*builder);
}

std::vector<uint8_t> sample_artifact(const CodeIdentity& identity, vm::CompileOptions options = {}) {
  std::vector<uint8_t> a = {1, 2, 3}, b(100, 7), module = {0, 'a', 's', 'm'};
  return write_artifact({identity, options, hash_module(module)}, {a, b}, module);
}

TEST_CASE("an artifact reads back as written, objects aligned for in-place parsing") {
  CodeIdentity id = this_host();
  vm::CompileOptions options{.opt_level = 1, .epoch_interruption = true};
  std::vector<uint8_t> bytes = sample_artifact(id, options);
  CHECK(looks_like_artifact(bytes));
  auto a = read_artifact(bytes);
  REQUIRE_MESSAGE(a, (a ? "" : a.error().message));
  CHECK(a->header.identity == id);
  CHECK(a->header.options.opt_level == 1);
  CHECK(a->header.options.epoch_interruption);
  REQUIRE(a->objects.size() == 2);
  CHECK(std::vector<uint8_t>(a->objects[0].begin(), a->objects[0].end()) == std::vector<uint8_t>{1, 2, 3});
  CHECK(a->objects[1].size() == 100);
  for (auto o : a->objects) CHECK((o.data() - bytes.data()) % 16 == 0);
  CHECK(std::vector<uint8_t>(a->module_bytes.begin(), a->module_bytes.end()) == std::vector<uint8_t>{0, 'a', 's', 'm'});
}

TEST_CASE("a damaged artifact is refused: any flipped byte, truncation, extension, another format") {
  std::vector<uint8_t> good = sample_artifact(this_host());
  for (size_t i = 0; i < good.size(); ++i) {
    std::vector<uint8_t> bad = good;
    bad[i] ^= 0x40;
    CHECK_MESSAGE(!read_artifact(bad), "byte " << i);
  }
  for (size_t n : {size_t(0), size_t(7), size_t(8), size_t(20), good.size() / 2, good.size() - 1}) {
    auto r = read_artifact(std::span(good).first(n));
    REQUIRE_MESSAGE(!r, "length " << n);
  }
  CHECK(read_artifact(std::span(good).first(good.size() - 1)).error().message.find("truncated") != std::string::npos);
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  CHECK(!read_artifact(longer));
  std::vector<uint8_t> future = good;
  future[8] = 99;  // the format version
  CHECK(read_artifact(future).error().message.find("format 99") != std::string::npos);
  std::vector<uint8_t> wasm = {0, 'a', 's', 'm', 1, 0, 0, 0};
  CHECK(!looks_like_artifact(wasm));
  CHECK(read_artifact(wasm).error().message.find("not a wasmrun artifact") != std::string::npos);
}

TEST_CASE("artifacts from another version, build or CPU, or with other epoch settings, are refused by name") {
  CodeIdentity host = this_host();
  vm::CompileOptions options;
  CHECK(check_compatible({host, options, {}}, host, options));

  CodeIdentity old = host;
  old.wasmrun_version = "0.0.1";
  auto e = check_compatible({old, options, {}}, host, options);
  REQUIRE(!e);
  CHECK(e.error().message.find("compiled by wasmrun 0.0.1") != std::string::npos);

  CodeIdentity other_llvm = host;
  other_llvm.llvm_version = "17.0.0";
  CHECK(check_compatible({other_llvm, options, {}}, host, options).error().message.find("LLVM 17.0.0") !=
        std::string::npos);

  CodeIdentity dev = host;
  dev.source_hash = "0123";
  CHECK(check_compatible({dev, options, {}}, host, options).error().message.find("other JIT sources") !=
        std::string::npos);

  CodeIdentity arm = host;
  arm.triple = "aarch64-unknown-linux-gnu";
  CHECK(check_compatible({arm, options, {}}, host, options).error().message.find("aarch64") != std::string::npos);

  CodeIdentity bigger_cpu = host;
  bigger_cpu.cpu = "future-cpu";
  bigger_cpu.features += ",+imaginary-extension";
  auto cpu = check_compatible({bigger_cpu, options, {}}, host, options);
  REQUIRE(!cpu);
  CHECK(cpu.error().message.find("lacks imaginary-extension") != std::string::npos);

  vm::CompileOptions epoch{.opt_level = 2, .epoch_interruption = true};
  CHECK(check_compatible({host, epoch, {}}, host, options).error().message.find("epoch interruption") !=
        std::string::npos);
  vm::CompileOptions o0{.opt_level = 0};
  CHECK(check_compatible({host, o0, {}}, host, options));  // the opt level changes speed, not behaviour
}

TEST_CASE("a precompiled module loads with no compilation and runs; a foreign one is a clear error") {
  auto engine = test::make_engine(nullptr);
  std::vector<uint8_t> bytes = test::wat(test::kAddOne);
  auto artifact = vm::precompile_module(*engine, bytes);
  REQUIRE(artifact);
  CHECK(looks_like_artifact(*artifact));

  auto other_engine = test::make_engine(nullptr);
  auto loaded = vm::load_precompiled(*other_engine, *artifact);
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().message));
  CHECK(test::call_i32(*other_engine, *loaded, "add_one", 41) == 42);
  CHECK((*loaded)->module.bodies.size() == 2);

  // The same bytes with another wasmrun version in the header (and a valid checksum).
  auto parsed = read_artifact(*artifact);
  REQUIRE(parsed);
  ArtifactHeader header = parsed->header;
  header.identity.wasmrun_version = "9.9.9";
  std::vector<uint8_t> foreign = write_artifact(header, parsed->objects, parsed->module_bytes);
  auto refused = vm::load_precompiled(*other_engine, foreign);
  REQUIRE(!refused);
  CHECK(refused.error().message.find("compiled by wasmrun 9.9.9") != std::string::npos);

  // An engine configured for epoch interruption cannot run code compiled without its checks.
  auto epoch_engine = test::make_engine(nullptr, vm::EngineConfig{.compile = {.epoch_interruption = true}});
  CHECK(!vm::load_precompiled(*epoch_engine, *artifact));

  std::vector<uint8_t> damaged = *artifact;
  damaged[damaged.size() / 2] ^= 1;
  CHECK(vm::load_precompiled(*other_engine, damaged).error().message.find("checksum") != std::string::npos);
}

TEST_CASE("an artifact's module must match the hash its header gives") {
  auto engine = test::make_engine(nullptr);
  auto artifact = vm::precompile_module(*engine, test::wat(test::kAddOne));
  REQUIRE(artifact);
  auto parsed = read_artifact(*artifact);
  REQUIRE(parsed);
  std::vector<uint8_t> other_module = test::wat("(module)");
  std::vector<uint8_t> swapped = write_artifact(parsed->header, parsed->objects, other_module);
  CHECK(vm::load_precompiled(*engine, swapped).error().message.find("hash") != std::string::npos);
}

}  // namespace
}  // namespace wasmrun::jit
