#include "wasmrun/component/instance.h"

#include "api/component_internal.h"
#include "canonical_abi/resources.h"
#include "runtime/component/type_matching.h"
#include "runtime/validate/extern_names.h"

namespace wasmrun::component {

TrapOr<void> detail::call_core(const LiftedFunc& f, std::span<const canon::FlatValue> args,
                               std::span<canon::FlatValue> results) {
  return vm::call_core(*f.store, f.core, args, results);
}

Expected<std::optional<Val>> Func::call(std::span<const Val> args) const {
  return detail::to_expected(state_->linker->call(*func_, args));
}

const FuncType& Func::type() const { return *func_->type; }

namespace {

// An exported instance by name; a versioned interface name also finds a semver-compatible
// export (asking for `@0.2.0` finds `@0.2.10`).
const vm::ComponentItem* find_instance(const vm::ComponentInstance& root, std::string_view name) {
  const vm::ComponentItem* exact = root.find(name);
  if (exact) return exact->type.sort == Sort::Instance ? exact : nullptr;
  auto wanted = parse_extern_name(name, false);
  if (!wanted || wanted->kind != ExternName::Kind::Interface || wanted->version.empty()) return nullptr;
  for (const auto& [have_name, item] : root.exports) {
    if (item.type.sort != Sort::Instance) continue;
    auto have = parse_extern_name(have_name, false);
    if (!have || have->unversioned != wanted->unversioned || have->version.empty()) continue;
    if (semver_compatible(have->version, wanted->version)) return &item;
  }
  return nullptr;
}

}  // namespace

std::optional<Func> Instance::get_func(std::string_view name) const {
  const vm::ComponentItem* item = state_->instance->find(name);
  if (!item || item->type.sort != Sort::Func) return std::nullopt;
  Func f;
  f.state_ = state_;
  f.func_ = item->func;
  return f;
}

std::optional<Func> Instance::get_func(std::string_view instance, std::string_view name) const {
  const vm::ComponentItem* inst = find_instance(*state_->instance, instance);
  if (!inst) return std::nullopt;
  const vm::ComponentItem* item = inst->instance->find(name);
  if (!item || item->type.sort != Sort::Func) return std::nullopt;
  Func f;
  f.state_ = state_;
  f.func_ = item->func;
  return f;
}

std::vector<std::string> Instance::export_names() const {
  std::vector<std::string> out;
  for (const auto& [name, item] : state_->instance->exports) out.push_back(name);
  return out;
}

Expected<detail::LiftedFunc> Instance::lifted_of(const Func& f) {
  const vm::ComponentFunc& func = *f.func_;
  if (!func.core) return Error{"the export is a host function re-exported: call it with Func::call"};
  return detail::LiftedFunc{&func.abi, &func.options, func.instance, &f.state_->linker->store(), func.core};
}

std::string Instance::describe(const FuncType& t) { return detail::describe_func(t); }

std::string detail::describe_func(const FuncType& t) {
  std::string s = "func(";
  for (size_t i = 0; i < t.params.size(); ++i) {
    if (i) s += ", ";
    s += t.params[i].name + ": " + component::describe(t.params[i].type);
  }
  s += ")";
  if (t.result) s += " -> " + component::describe(t.result);
  return s;
}

Expected<void> resource_drop(const ResourceAny& resource) {
  return detail::to_expected(canon::drop_host_resource(resource));
}

}  // namespace wasmrun::component
