#include "cli/invoke_component.h"

#include <fmt/format.h>

#include "cli/wave/syntax.h"
#include "cli/wave/typed.h"
#include "runtime/decode/component_decoder.h"
#include "runtime/validate/extern_names.h"

namespace wasmrun::cli {

using component::ComponentType;
using component::FuncType;
using component::NamedEntity;
using component::Sort;

namespace {

// An exported instance by name; `@0.2.0` also finds a semver-compatible `@0.2.10`, as
// Instance::get_func looks it up.
const NamedEntity* find_instance(const ComponentType& type, std::string_view name) {
  for (const auto& e : type.exports) {
    if (e.name == name) return e.type.sort == Sort::Instance ? &e : nullptr;
  }
  auto wanted = component::parse_extern_name(name, false);
  if (!wanted || wanted->kind != component::ExternName::Kind::Interface || wanted->version.empty()) return nullptr;
  for (const auto& e : type.exports) {
    if (e.type.sort != Sort::Instance) continue;
    auto have = component::parse_extern_name(e.name, false);
    if (have && have->unversioned == wanted->unversioned && !have->version.empty() &&
        component::semver_compatible(have->version, wanted->version))
      return &e;
  }
  return nullptr;
}

const FuncType* find_func(const std::vector<NamedEntity>& exports, std::string_view name) {
  for (const auto& e : exports) {
    if (e.name == name && e.type.sort == Sort::Func) return e.type.func.get();
  }
  return nullptr;
}

// `ns:pkg/iface.func@1.0.0` for a function of the exported instance `ns:pkg/iface@1.0.0`.
std::string qualified(std::string_view instance, std::string_view func) {
  size_t at = instance.find('@');
  if (at == std::string_view::npos) return fmt::format("{}.{}", instance, func);
  return fmt::format("{}.{}{}", instance.substr(0, at), func, instance.substr(at));
}

struct Found {
  std::string instance;
  const FuncType* type = nullptr;
};

// wasmtime's search_component_funcs: a qualified name is looked up where it says; a bare name
// at the root, else in every exported instance, where it must be unique.
Expected<Found> find_export(const ComponentType& type, const wave::UntypedCall& call) {
  auto not_found = [&] { return Error{fmt::format("no exported func named `{}` in component", call.name)}; };
  if (!call.package.empty() || !call.interface.empty()) {
    if (call.interface.empty()) return not_found();  // `ns:pkg/name` names an interface, not a function
    std::string name = call.package.empty() ? std::string(call.interface)
                                            : fmt::format("{}/{}", call.package, call.interface);
    if (!call.version.empty()) name += fmt::format("@{}", call.version);
    const NamedEntity* instance = find_instance(type, name);
    const FuncType* f = instance ? find_func(instance->type.instance->exports, call.func) : nullptr;
    if (!f) return not_found();
    return Found{instance->name, f};
  }
  if (const FuncType* f = find_func(type.exports, call.func)) return Found{"", f};
  std::vector<Found> matches;
  for (const auto& e : type.exports) {
    if (e.type.sort != Sort::Instance) continue;
    if (const FuncType* f = find_func(e.type.instance->exports, call.func)) matches.push_back({e.name, f});
  }
  if (matches.empty()) return not_found();
  if (matches.size() > 1) {
    std::string candidates;
    for (const auto& m : matches) {
      if (!candidates.empty()) candidates += ", ";
      candidates += fmt::format("`{}`", qualified(m.instance, call.func));
    }
    return Error{fmt::format("multiple instances contained funcs named `{}`, retry with a more specific name: {}",
                             call.func, candidates)};
  }
  return matches.front();
}

}  // namespace

Expected<InvokeCall> prepare_invoke(std::span<const uint8_t> component_bytes, std::string_view invoke) {
  auto call = wave::parse_call(invoke);
  if (!call) return Error{fmt::format("failed to parse invoke '{}': {}", invoke, call.error().message)};
  auto decoded = component::decode_component(component_bytes);
  if (!decoded.component) return decoded.error;
  auto found = find_export(*decoded.component->type, *call);
  if (!found) return found.error();
  auto args = wave::call_arguments(*call, invoke, *found->type);
  if (!args) return Error{fmt::format("while interpreting parameters in invoke \"{}\": {}", invoke, args.error().message)};
  return InvokeCall{found->instance, std::string(call->func), args.take()};
}

Expected<std::optional<component::Val>> call_invoke(const component::Instance& instance, const InvokeCall& call) {
  auto func = call.instance.empty() ? instance.get_func(call.func) : instance.get_func(call.instance, call.func);
  if (!func) return Error{fmt::format("no exported func named `{}` in the instance", call.func)};
  return func->call(call.args);
}

}  // namespace wasmrun::cli
