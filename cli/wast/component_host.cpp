#include "cli/wast/component_host.h"

#include <memory>
#include <string>

namespace wasmrun::cli {
namespace {

using component::Borrow;
using component::Resource;
using component::TrapOr;

// The host's two resource types.
struct Resource1 {};
struct Resource2 {};

Trap host_assertion(std::string what) { return Trap{TrapCode::HostError, "host assertion failed: " + what}; }

struct ResourceState {
  uint32_t drops = 0;
  uint32_t last_drop = 0;
};

}  // namespace

Expected<void> define_component_host(component::Linker& linker, const Engine& engine,
                                     std::optional<Module>& simple_module) {
  auto root = linker.root();
  if (auto r = root.func_wrap("host-return-two", [] { return uint32_t(2); }); !r) return r;

  auto host = linker.instance("host");
  if (auto r = host.func_wrap("return-three", [] { return uint32_t(3); }); !r) return r;
  if (auto r = host.instance("nested").func_wrap("return-four", [] { return uint32_t(4); }); !r) return r;
  if (auto r = host.func_wrap("return-hi", [] { return std::string("hi"); }); !r) return r;

  if (!simple_module) {
    auto module = Module::compile(engine, std::string_view(R"((module
        (global (export "g") i32 i32.const 100)
        (func (export "f") (result i32) i32.const 101)))"));
    if (!module) return module.error();
    simple_module = module.take();
  }
  if (auto r = host.module("simple-module", *simple_module); !r) return r;

  auto state = std::make_shared<ResourceState>();
  auto dropped = [state](Resource<Resource1> r) {
    ++state->drops;
    state->last_drop = r.rep;
  };
  if (auto r = host.resource<Resource1>("resource1", dropped); !r) return r;
  if (auto r = host.resource<Resource2>("resource2", [](Resource<Resource2>) {}); !r) return r;
  // The same resource type under a second name (Wasmtime's harness defines it with the same
  // Rust type).
  if (auto r = host.resource<Resource1>("resource1-again"); !r) return r;

  if (auto r = host.func_wrap("[constructor]resource1", [](uint32_t rep) { return Resource<Resource1>{rep}; }); !r)
    return r;
  if (auto r = host.func_wrap("[static]resource1.assert",
                              [](Resource<Resource1> self, uint32_t rep) -> TrapOr<void> {
                                if (self.rep != rep) return host_assertion("resource1.assert: rep differs");
                                return {};
                              });
      !r)
    return r;
  if (auto r = host.func_wrap("[static]resource1.last-drop", [state] { return state->last_drop; }); !r) return r;
  if (auto r = host.func_wrap("[static]resource1.drops", [state] { return state->drops; }); !r) return r;
  if (auto r = host.func_wrap("[method]resource1.simple",
                              [](Borrow<Resource1> self, uint32_t rep) -> TrapOr<void> {
                                if (self.rep != rep) return host_assertion("simple: rep differs");
                                return {};
                              });
      !r)
    return r;
  if (auto r = host.func_wrap("[method]resource1.take-borrow", [](Borrow<Resource1>, Borrow<Resource1>) {}); !r) return r;
  return host.func_wrap("[method]resource1.take-own", [](Borrow<Resource1>, Resource<Resource1>) {});
}

}  // namespace wasmrun::cli
