#include "wasmrun/component/linker.h"

#include <fmt/format.h>

#include <unordered_set>

#include "api/component_internal.h"
#include "wasmrun/instance_pre.h"
#include "wasmrun/module.h"
#include "canonical_abi/layout.h"
#include "runtime/component/type_matching.h"
#include "runtime/validate/extern_names.h"

namespace wasmrun::component {

using detail::LinkerNode;

namespace {

// An import the linker cannot satisfy.
Error link_error(std::string message) { return Error::link(std::move(message)); }

Expected<LinkerNode*> add(LinkerNode* parent, std::string name, LinkerNode::Kind kind) {
  if (parent->children.count(name)) return Error{fmt::format("`{}` is already defined", name)};
  auto node = std::make_unique<LinkerNode>();
  node->kind = kind;
  LinkerNode* raw = node.get();
  parent->children.emplace(std::move(name), std::move(node));
  return raw;
}

const LinkerNode* child(const LinkerNode* node, std::string_view name) {
  if (!node || node->kind != LinkerNode::Kind::Instance) return nullptr;
  auto it = node->children.find(name);
  return it == node->children.end() ? nullptr : it->second.get();
}

// A root import by name, or a semver-compatible provider of a versioned interface name
// (Wasmtime: `@0.2.12` satisfies `@0.2.0`; `1.2.0` satisfies `1.0.0`).
const LinkerNode* find_root(const LinkerNode& root, std::string_view name) {
  if (const LinkerNode* exact = child(&root, name)) return exact;
  auto wanted = parse_extern_name(name, true);
  if (!wanted || wanted->kind != ExternName::Kind::Interface || wanted->version.empty()) return nullptr;
  for (const auto& [have_name, node] : root.children) {
    auto have = parse_extern_name(have_name, true);
    if (!have || have->unversioned != wanted->unversioned || have->version.empty()) continue;
    if (semver_compatible(have->version, wanted->version)) return node.get();
  }
  return nullptr;
}

// What the linker has under a name, as Wasmtime's linker words it ("expected instance found func").
const char* kind_name(LinkerNode::Kind k) {
  switch (k) {
    case LinkerNode::Kind::Instance: return "instance";
    case LinkerNode::Kind::Func: return "func";
    case LinkerNode::Kind::Resource: return "resource";
    case LinkerNode::Kind::Item: return "item";
  }
  return "?";
}

// What an import of type `t` expects, worded as the type checker does.
const char* expected_name(const EntityType& t) {
  if (t.sort == Sort::Type && t.type.kind == TypeDef::Kind::Resource) return "resource";
  return t.sort == Sort::Func ? "function" : sort_kind_name(t.sort);
}

// Whether an import needs nothing from the linker: an instance exporting (recursively) only such
// instances and types with an equality bound. Wasmtime satisfies it with an empty instance.
bool needs_nothing(const EntityType& t) {
  if (t.sort == Sort::Type) return t.type.kind != TypeDef::Kind::Resource;
  if (t.sort != Sort::Instance) return false;
  for (const auto& e : t.instance->exports)
    if (!needs_nothing(e.type)) return false;
  return true;
}

// A linker node for an item of a component instance: its instances as instances of further
// names, its resource types as resources, anything else as the item itself.
std::unique_ptr<LinkerNode> node_of(const vm::ComponentItem& item, const std::shared_ptr<const void>& owner) {
  auto node = std::make_unique<LinkerNode>();
  node->owner = owner;
  if (item.type.sort == Sort::Instance && item.instance) {
    node->kind = LinkerNode::Kind::Instance;
    for (const auto& [name, e] : item.instance->exports) node->children.emplace(name, node_of(e, owner));
  } else if (item.type.sort == Sort::Type && item.type.type.kind == TypeDef::Kind::Resource) {
    node->kind = LinkerNode::Kind::Resource;
    node->resource = item.type.type.resource;
  } else {
    node->kind = LinkerNode::Kind::Item;
    node->item = item;
  }
  return node;
}

// Builds what the linker gives for each import of one component.
class Resolver {
 public:
  explicit Resolver(const LinkerNode& root) : root_(root) {}

  // The items, and what they need kept alive into `out`.
  Expected<void> resolve(const ComponentType& type, detail::Resolved& out) {
    out_ = &out;
    // Resource types first: the functions' types refer to them.
    for (const auto& i : type.imports) bind(i.type, find_root(root_, i.name));
    for (const auto& i : type.imports) {
      auto item = build(substitute(i.type, host_), find_root(root_, i.name), i.name);
      if (!item) return item.error();
      out.items.emplace_back(i.name, item.take());
    }
    return {};
  }

 private:
  void bind(const EntityType& t, const LinkerNode* node) {
    if (!node) return;
    if (t.sort == Sort::Type && t.type.kind == TypeDef::Kind::Resource && node->kind == LinkerNode::Kind::Resource) {
      // The first definition binds; later mentions are aliases (`(type (eq ...))`) of it.
      if (host_.emplace(t.type.resource.get(), node->resource).second) provided_.insert(node->resource.get());
    } else if (t.sort == Sort::Instance) {
      for (const auto& e : t.instance->exports) bind(e.type, child(node, e.name));
    }
  }

  Expected<vm::ComponentItem> build(const EntityType& t, const LinkerNode* node, const std::string& path) {
    vm::ComponentItem item;
    item.type = t;
    // A type with an equality bound needs nothing from the host.
    if (t.sort == Sort::Type && t.type.kind != TypeDef::Kind::Resource) return item;
    // A resource the interface re-exports from another one (`output-stream` of wasi:http/types
    // is wasi:io/streams'), already bound there.
    if (t.sort == Sort::Type && !node && provided_.count(t.type.resource.get())) return item;
    if (!node && !needs_nothing(t)) return link_error(fmt::format("import `{}` was not found", path));
    if (node && node->owner && (out_->owners.empty() || out_->owners.back() != node->owner))
      out_->owners.push_back(node->owner);
    // Another instance's export or a module: the instantiation checks its own type.
    if (node && node->kind == LinkerNode::Kind::Item) {
      if (node->code) out_->modules.emplace_back(node->item->module.get(), node->code);
      return *node->item;
    }
    auto wrong = [&] {
      return link_error(fmt::format("import `{}` has the wrong type: expected {} found {}", path, expected_name(t),
                                     kind_name(node->kind)));
    };
    switch (t.sort) {
      case Sort::Type:
        if (node->kind != LinkerNode::Kind::Resource) return wrong();
        // The linker's own resource, not the one an equality bound names: the instantiation
        // checks that they are the same ("mismatched resource types").
        item.type.type.resource = node->resource;
        return item;
      case Sort::Func: {
        if (node->kind != LinkerNode::Kind::Func) return wrong();
        const auto& host = node->func;
        if (host->matches && !host->matches(*t.func)) {
          return link_error(fmt::format("import `{}` has the wrong type: the host function's C++ signature is not {}",
                                         path, detail::describe_func(*t.func)));
        }
        auto f = std::make_shared<vm::ComponentFunc>();
        f->type = t.func;
        f->abi = canon::compute_abi(*t.func);
        if (host->lowered) {
          f->host_lowered = [host](const canon::FuncAbi& abi, const canon::CanonOptions& opts, canon::Instance& caller,
                                   std::span<const canon::FlatValue> args, std::span<canon::FlatValue> results) {
            return host->lowered(abi, opts, caller, args, results);
          };
        } else {
          f->host = [host](std::span<Val> args, canon::ResultSink sink, canon::Instance*) -> TrapOr<void> {
            auto r = host->dynamic(args);
            if (!r) return r.take_trap();
            return sink(r.take());
          };
        }
        item.func = std::move(f);
        return item;
      }
      case Sort::Instance: {
        if (node && node->kind != LinkerNode::Kind::Instance) return wrong();
        // Typed by what it holds, which the instantiation checks against the import's type.
        auto type = std::make_shared<InstanceType>();
        item.instance = std::make_shared<vm::ComponentInstance>();
        for (const auto& e : t.instance->exports) {
          auto inner = build(e.type, child(node, e.name), path + "#" + e.name);
          if (!inner) return inner.error();
          type->exports.push_back({e.name, inner->type});
          item.instance->exports[e.name] = inner.take();
        }
        item.type.instance = std::move(type);
        return item;
      }
      default:
        if (t.sort == Sort::CoreModule) return wrong();
        return link_error(fmt::format("import `{}`: the linker provides no {}", path, sort_kind_name(t.sort)));
    }
  }

  const LinkerNode& root_;
  detail::Resolved* out_ = nullptr;
  ResourceMap host_;
  std::unordered_set<const ResourceType*> provided_;
};

}  // namespace

Expected<void> LinkerInstance::func_new(std::string name, HostFunction f) {
  detail::HostFunc h;
  h.dynamic = std::move(f);
  return define_func(std::move(name), std::move(h));
}

Expected<void> LinkerInstance::define_func(std::string name, detail::HostFunc f) {
  auto node = add(node_, std::move(name), LinkerNode::Kind::Func);
  if (!node) return node.error();
  (*node)->func = std::make_shared<const detail::HostFunc>(std::move(f));
  return {};
}

Expected<void> LinkerInstance::define_resource(std::string name, const void* cpp_type,
                                               std::function<TrapOr<void>(uint32_t rep)> dtor) {
  ResourceTypePtr& type = resources_->by_cpp_type[cpp_type];
  auto node = add(node_, name, LinkerNode::Kind::Resource);
  if (!node) return node.error();
  if (!type) {
    auto made = std::make_shared<ResourceType>();
    made->name = std::move(name);
    made->dtor = std::move(dtor);
    type = std::move(made);
  }
  (*node)->resource = type;
  return {};
}

Expected<void> LinkerInstance::module(std::string name, const wasmrun::Module& module) {
  auto node = add(node_, std::move(name), LinkerNode::Kind::Item);
  if (!node) return node.error();
  const auto& code = module.impl();
  vm::ComponentItem item;
  item.type.sort = Sort::CoreModule;
  item.type.module = module_type(code->module);
  item.module = std::shared_ptr<const wasm::Module>(code, &code->module);
  (*node)->item = std::move(item);
  (*node)->code = code;
  return {};
}

LinkerInstance LinkerInstance::instance(std::string name) {
  auto it = node_->children.find(name);
  if (it != node_->children.end() && it->second->kind == LinkerNode::Kind::Instance)
    return LinkerInstance(it->second.get(), resources_);
  auto node = std::make_unique<LinkerNode>();
  LinkerNode* raw = node.get();
  node_->children[std::move(name)] = std::move(node);
  return LinkerInstance(raw, resources_);
}

Linker::Linker(const Engine& engine)
    : engine_(engine), root_(std::make_unique<LinkerNode>()), resources_(std::make_unique<detail::HostResources>()) {}
Linker::~Linker() = default;
Linker::Linker(Linker&&) noexcept = default;
Linker& Linker::operator=(Linker&&) noexcept = default;

LinkerInstance Linker::root() { return LinkerInstance(root_.get(), resources_.get()); }

Expected<void> Linker::define_instance(std::string name, const Instance& instance) {
  vm::ComponentItem item;
  item.type.sort = Sort::Instance;
  item.instance = instance.state_->instance;
  root_->children[std::move(name)] = node_of(item, instance.state_);
  return {};
}

namespace {

// Defines `name` in `parent` (or what it lacks, when `node` is the existing definition) as
// trapping functions and destructor-less resources.
Expected<void> define_as_traps(LinkerNode* parent, LinkerNode* node, const EntityType& t, const std::string& name,
                               const std::string& path, std::unordered_set<const ResourceType*>& seen) {
  // A resource mentioned before is an alias of that one: defining it again would split it.
  if (t.sort == Sort::Type && t.type.kind == TypeDef::Kind::Resource && !seen.insert(t.type.resource.get()).second) {
    return {};
  }
  if (t.sort == Sort::Instance) {
    if (!node) {
      auto added = add(parent, name, LinkerNode::Kind::Instance);
      if (!added) return added.error();
      node = *added;
    }
    if (node->kind != LinkerNode::Kind::Instance) return {};
    for (const auto& e : t.instance->exports) {
      auto it = node->children.find(e.name);
      LinkerNode* existing = it == node->children.end() ? nullptr : it->second.get();
      if (auto r = define_as_traps(node, existing, e.type, e.name, path + "#" + e.name, seen); !r) return r;
    }
    return {};
  }
  if (node) return {};
  if (t.sort == Sort::Func) {
    auto added = add(parent, name, LinkerNode::Kind::Func);
    if (!added) return added.error();
    detail::HostFunc h;
    h.dynamic = [path](std::span<const Val>) -> TrapOr<std::optional<Val>> {
      return Trap{TrapCode::HostError, "unknown import: `" + path + "` has not been defined"};
    };
    (*added)->func = std::make_shared<const detail::HostFunc>(std::move(h));
  } else if (t.sort == Sort::Type && t.type.kind == TypeDef::Kind::Resource) {
    auto added = add(parent, name, LinkerNode::Kind::Resource);
    if (!added) return added.error();
    auto type = std::make_shared<ResourceType>();
    type->name = name;
    (*added)->resource = std::move(type);
  }
  return {};
}

}  // namespace

Expected<void> Linker::define_unknown_imports_as_traps(const wasmrun::Component& component) {
  std::unordered_set<const ResourceType*> seen;
  for (const auto& i : component.impl()->ir->type->imports) {
    auto* node = const_cast<LinkerNode*>(find_root(*root_, i.name));
    if (auto r = define_as_traps(root_.get(), node, i.type, i.name, i.name, seen); !r) return r;
  }
  return {};
}

Expected<InstancePre> Linker::instantiate_pre(const wasmrun::Component& component,
                                              const PoolingAllocator* pool) const {
  auto resolved = resolve(component);
  if (!resolved) return resolved.error();
  auto templates = vm::make_component_templates(component.impl()->compiled, pool ? pool->impl() : nullptr);
  if (!templates) return templates.error();
  resolved->templates = templates.take();
  return InstancePre(std::make_shared<const detail::Resolved>(resolved.take()));
}

Expected<detail::Resolved> Linker::resolve(const wasmrun::Component& component) const {
  if (&component.impl()->engine.impl() != &engine_.impl()) {
    return Error{"the component was compiled by another engine than the linker's"};
  }
  detail::Resolved resolved{component, {}, nullptr, {}, {}};
  if (auto r = Resolver(*root_).resolve(*component.impl()->ir->type, resolved); !r) return r.error();
  return resolved;
}

// Once: no templates (their memory images would cost more than the one instance saves).
Expected<Instance> Linker::instantiate(Store& store, const wasmrun::Component& component) const {
  auto resolved = resolve(component);
  if (!resolved) return resolved.error();
  return InstancePre(std::make_shared<const detail::Resolved>(resolved.take())).instantiate(store);
}

const wasmrun::Component& InstancePre::component() const { return resolved_->component; }

Expected<Instance> InstancePre::instantiate(Store& store) const {
  const auto& compiled = resolved_->component.impl();
  if (&store.impl().engine() != &compiled->engine.impl()) {
    return Error{"the store belongs to another engine than the component"};
  }
  auto state = std::make_shared<detail::InstanceState>();
  state->component = compiled;
  state->linker.emplace(store.impl());
  state->resolved = resolved_;
  state->linker->use_items(&resolved_->items, &compiled->compiled);
  for (const auto& [module, code] : resolved_->modules) state->linker->add_compiled(module, code);
  if (resolved_->templates) state->linker->use_templates(resolved_->templates);
  auto made = state->linker->instantiate(compiled->ir);
  if (auto* error = std::get_if<vm::ComponentInstantiationError>(&made)) {
    using Kind = vm::ComponentInstantiationError::Kind;
    if (error->kind == Kind::Link) return link_error(std::move(error->message));
    if (error->kind == Kind::Unsupported) return Error{std::move(error->message), ErrorKind::Unsupported};
    // A trap in a core module's segments or start function, as a call's trap: its code and frames.
    if (error->trap) return Error::from_trap(std::move(*error->trap));
    return Error{std::move(error->message)};
  }
  state->instance = std::get<std::shared_ptr<vm::ComponentInstance>>(std::move(made));
  return Instance(std::move(state));
}

namespace detail {

Store* store_of(const canon::Instance& caller) {
  if (!caller.host_context) return nullptr;
  return Store::from(*static_cast<vm::Store*>(caller.host_context));
}

}  // namespace detail

}  // namespace wasmrun::component
