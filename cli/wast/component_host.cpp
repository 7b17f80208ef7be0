#include "cli/wast/component_host.h"

#include <fmt/format.h>

#include "canonical_abi/layout.h"
#include "runtime/decode/module_decoder.h"
#include "text/wat.h"

namespace wasmrun::cli {
namespace {

using component::FuncType;
using component::ResourceAny;
using component::ResourceType;
using component::TrapOr;
using component::Val;
using component::ValueKind;
using component::ValueType;
using component::ValueTypePtr;

ValueTypePtr u32() { return ValueType::primitive(ValueKind::U32); }

ValueTypePtr handle(ValueKind kind, const std::shared_ptr<const ResourceType>& r) {
  auto t = std::make_shared<ValueType>();
  t->kind = kind;
  t->resource = r;
  return t;
}

using HostBody = std::function<TrapOr<std::optional<Val>>(std::span<Val> args)>;

// A host function. Parameter names are left empty: like Wasmtime's typed host functions, the
// linker matches them by type only.
vm::ComponentItem host_func(std::vector<ValueTypePtr> params, ValueTypePtr result, HostBody body) {
  auto type = std::make_shared<FuncType>();
  for (auto& p : params) type->params.push_back({"", std::move(p)});
  type->result = std::move(result);
  auto f = std::make_shared<vm::ComponentFunc>();
  f->type = type;
  f->abi = canon::compute_abi(*type);
  f->host = [body = std::move(body)](std::span<Val> args, canon::ResultSink sink, canon::Instance*) -> TrapOr<void> {
    auto r = body(args);
    if (!r) return r.take_trap();
    return sink(r.take());
  };
  vm::ComponentItem item;
  item.type.sort = component::Sort::Func;
  item.type.func = type;
  item.func = std::move(f);
  return item;
}

vm::ComponentItem resource_item(const std::shared_ptr<const ResourceType>& r) {
  vm::ComponentItem item;
  item.type.sort = component::Sort::Type;
  item.type.type.kind = component::TypeDef::Kind::Resource;
  item.type.type.resource = r;
  return item;
}

vm::ComponentItem instance_item(std::map<std::string, vm::ComponentItem, std::less<>> exports) {
  vm::ComponentItem item;
  item.type.sort = component::Sort::Instance;
  auto t = std::make_shared<component::InstanceType>();
  for (const auto& [name, e] : exports) t->exports.push_back({name, e.type});
  item.type.instance = t;
  item.instance = std::make_shared<vm::ComponentInstance>();
  item.instance->exports = std::move(exports);
  return item;
}

wasmrun::Trap host_assertion(std::string what) {
  return wasmrun::Trap{TrapCode::HostError, "host assertion failed: " + what};
}

struct ResourceState {
  uint32_t drops = 0;
  uint32_t last_drop = 0;
};

}  // namespace

void define_component_host(vm::ComponentLinker& linker) {
  linker.define("host-return-two", host_func({}, u32(), [](std::span<Val>) -> TrapOr<std::optional<Val>> {
                  return std::optional<Val>(Val::u32(2));
                }));

  std::map<std::string, vm::ComponentItem, std::less<>> host;
  host["return-three"] = host_func({}, u32(), [](std::span<Val>) -> TrapOr<std::optional<Val>> {
    return std::optional<Val>(Val::u32(3));
  });
  std::map<std::string, vm::ComponentItem, std::less<>> nested;
  nested["return-four"] = host_func({}, u32(), [](std::span<Val>) -> TrapOr<std::optional<Val>> {
    return std::optional<Val>(Val::u32(4));
  });
  host["nested"] = instance_item(std::move(nested));
  host["return-hi"] = host_func({}, ValueType::primitive(ValueKind::String), [](std::span<Val>) -> TrapOr<std::optional<Val>> {
    return std::optional<Val>(Val::string("hi"));
  });

  auto wasm = text::parse_wat(R"((module
      (global (export "g") i32 i32.const 100)
      (func (export "f") (result i32) i32.const 101)))",
                              "simple-module");
  if (wasm) {
    if (auto m = wasm::decode_module(*wasm)) {
      auto module = std::make_shared<const wasm::Module>(m.take());
      vm::ComponentItem item;
      item.type.sort = component::Sort::CoreModule;
      item.type.module = component::module_type(*module);
      item.module = module;
      host["simple-module"] = std::move(item);
    }
  }

  auto state = std::make_shared<ResourceState>();
  auto r1 = std::make_shared<ResourceType>();
  r1->name = "resource1";
  r1->dtor = [state](uint32_t rep) -> TrapOr<void> {
    ++state->drops;
    state->last_drop = rep;
    return {};
  };
  auto r2 = std::make_shared<ResourceType>();
  r2->name = "resource2";
  r2->dtor = [](uint32_t) -> TrapOr<void> { return {}; };
  host["resource1"] = resource_item(r1);
  host["resource2"] = resource_item(r2);
  host["resource1-again"] = resource_item(r1);

  host["[constructor]resource1"] = host_func({u32()}, handle(ValueKind::Own, r1), [r1](std::span<Val> a) -> TrapOr<std::optional<Val>> {
    return std::optional<Val>(Val::own(ResourceAny{r1, uint32_t(a[0].as_unsigned()), true}));
  });
  host["[static]resource1.assert"] = host_func({handle(ValueKind::Own, r1), u32()}, nullptr,
                                               [](std::span<Val> a) -> TrapOr<std::optional<Val>> {
                                                 if (a[0].resource().rep != a[1].as_unsigned())
                                                   return host_assertion("resource1.assert: rep differs");
                                                 return std::optional<Val>();
                                               });
  host["[static]resource1.last-drop"] = host_func({}, u32(), [state](std::span<Val>) -> TrapOr<std::optional<Val>> {
    return std::optional<Val>(Val::u32(state->last_drop));
  });
  host["[static]resource1.drops"] = host_func({}, u32(), [state](std::span<Val>) -> TrapOr<std::optional<Val>> {
    return std::optional<Val>(Val::u32(state->drops));
  });
  host["[method]resource1.simple"] = host_func({handle(ValueKind::Borrow, r1), u32()}, nullptr,
                                               [](std::span<Val> a) -> TrapOr<std::optional<Val>> {
                                                 if (a[0].resource().own) return host_assertion("simple: an own handle");
                                                 if (a[0].resource().rep != a[1].as_unsigned())
                                                   return host_assertion("simple: rep differs");
                                                 return std::optional<Val>();
                                               });
  host["[method]resource1.take-borrow"] = host_func({handle(ValueKind::Borrow, r1), handle(ValueKind::Borrow, r1)}, nullptr,
                                                    [](std::span<Val> a) -> TrapOr<std::optional<Val>> {
                                                      if (a[0].resource().own || a[1].resource().own)
                                                        return host_assertion("take-borrow: an own handle");
                                                      return std::optional<Val>();
                                                    });
  host["[method]resource1.take-own"] = host_func({handle(ValueKind::Borrow, r1), handle(ValueKind::Own, r1)}, nullptr,
                                                 [](std::span<Val> a) -> TrapOr<std::optional<Val>> {
                                                   if (a[0].resource().own || !a[1].resource().own)
                                                     return host_assertion("take-own: wrong ownership");
                                                   return std::optional<Val>();
                                                 });
  linker.define("host", instance_item(std::move(host)));
}

}  // namespace wasmrun::cli
