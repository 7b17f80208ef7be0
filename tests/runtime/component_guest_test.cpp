// Real components, as wit-component and the preview1 adapter shape them (tests/guests/components,
// built by tests/guests/build-components): each must decode, validate and instantiate against
// stub imports (functions that trap, fresh host resources), which links their core modules,
// shims and fixups. Set WASMRUN_GUEST_COMPONENTS to the folder of built components.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "canonical_abi/layout.h"
#include "jit/llvm_code_generator.h"
#include "runtime/component/type_matching.h"
#include "runtime/decode/component_decoder.h"
#include "runtime/vm/component_instance.h"

using namespace wasmrun;
using namespace wasmrun::component;

namespace {

// An item satisfying `type`: functions trap when called, resources are the host's.
vm::ComponentItem stub(const EntityType& type) {
  vm::ComponentItem item;
  item.type = type;
  switch (type.sort) {
    case Sort::Func: {
      auto f = std::make_shared<vm::ComponentFunc>();
      f->type = type.func;
      f->abi = canon::compute_abi(*type.func);
      f->host = [](std::span<Val>, canon::ResultSink, canon::Instance*) -> TrapOr<void> {
        return wasmrun::Trap{TrapCode::HostError, "stub import called"};
      };
      item.func = f;
      break;
    }
    case Sort::Instance:
      item.instance = std::make_shared<vm::ComponentInstance>();
      for (const auto& e : type.instance->exports) item.instance->exports[e.name] = stub(e.type);
      break;
    default: break;
  }
  return item;
}

}  // namespace

TEST_CASE("guest components decode, validate and instantiate against stub imports") {
  const char* dir = std::getenv("WASMRUN_GUEST_COMPONENTS");
  if (!dir || !std::filesystem::is_directory(dir)) {
    MESSAGE("skipped: WASMRUN_GUEST_COMPONENTS names no folder of built guest components");
    return;
  }
  auto codegen = jit::create_llvm_code_generator();
  REQUIRE(codegen.ok());
  vm::Engine engine(vm::EngineConfig{}, codegen.take());
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".wasm") continue;
    CAPTURE(entry.path().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto decoded = decode_component(bytes);
    REQUIRE_MESSAGE(decoded.component, decoded.error.message);
    ++seen;

    // Each imported resource becomes a host resource; every import is stubbed with those.
    const ComponentType& type = *decoded.component->type;
    ResourceMap host;
    for (const auto& r : type.imported) host[r.get()] = std::make_shared<ResourceType>();
    vm::Store store(engine);
    vm::ComponentLinker linker(store);
    for (const auto& i : type.imports) linker.define(i.name, stub(substitute(i.type, host)));
    auto inst = linker.instantiate(decoded.component);
    auto* error = std::get_if<vm::ComponentInstantiationError>(&inst);
    CHECK_MESSAGE(!error, (error ? error->message : ""));
  }
  CHECK(seen > 0);
}
