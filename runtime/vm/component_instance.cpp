#include "runtime/vm/component_instance.h"

#include <fmt/format.h>

#include <forward_list>

#include "canonical_abi/async_builtins.h"
#include "canonical_abi/error_context.h"
#include "canonical_abi/resources.h"
#include "runtime/validate/extern_names.h"
#include "support/thread_block_cache.h"
#include "runtime/vm/invoke.h"

namespace wasmrun::vm {

using component::Definition;
using component::EntityType;
using component::Sort;
using wasmrun::TrapCode;
using component::TrapOr;
using component::TypeDef;
using component::Val;

namespace {

// A core instance as a component sees it: an instantiated module, whose exports are made when
// used, or an inline instance's items (named by the component's definition, which outlives it).
struct CoreInstanceItems {
  Instance* module = nullptr;
  std::span<const std::pair<std::string_view, Extern>> items;  // in the linker's arena

  // Where the item `name` is: an index into the module's exports, or into `items`.
  std::optional<uint32_t> position(std::string_view name) const {
    if (module) {
      auto it = module->pre->export_index.find(name);
      if (it == module->pre->export_index.end()) return std::nullopt;
      return it->second;
    }
    for (size_t i = 0; i < items.size(); ++i)
      if (items[i].first == name) return uint32_t(i);
    return std::nullopt;
  }

  Extern at(uint32_t position) const {
    if (!module) return items[position].second;
    const wasm::Export& e = module->module->module.exports[position];
    switch (e.kind) {
      case wasm::ExternKind::Func: return module->func(e.index);
      case wasm::ExternKind::Table: return module->tables[e.index];
      case wasm::ExternKind::Memory: return module->memories[e.index];
      case wasm::ExternKind::Global: return module->globals[e.index];
    }
    return module->func(e.index);
  }
};

// The type of an instance's exports.
component::InstanceTypePtr instance_type(const ComponentInstance& instance) {
  auto t = std::make_shared<component::InstanceType>();
  t->exports.reserve(instance.exports.size());
  for (const auto& [name, e] : instance.exports) t->exports.push_back({name, e.type});
  return t;
}

struct InstantiationFailed {
  ComponentInstantiationError error;
};

[[noreturn]] void link_error(std::string message) {
  throw InstantiationFailed{{ComponentInstantiationError::Kind::Link, std::move(message), std::nullopt}};
}
[[noreturn]] void trap_error(Error error) {
  throw InstantiationFailed{{ComponentInstantiationError::Kind::Trap, std::move(error.message), std::move(error.trap)}};
}
[[noreturn]] void unsupported(std::string message) {
  throw InstantiationFailed{{ComponentInstantiationError::Kind::Unsupported, std::move(message), std::nullopt}};
}

// A host function's failure that is a trap of the canonical ABI: the trap travels with its code
// (AsyncUnsupported must stay distinct from a host error), not only its message.
Expected<void> builtin_error(Trap trap) {
  std::string message = trap.message;
  return Error{std::move(message), ErrorKind::Trap, std::move(trap)};
}

wasm::ValType core_type(canon::FlatType t) {
  switch (t) {
    case canon::FlatType::I32: return wasm::ValType::I32;
    case canon::FlatType::I64: return wasm::ValType::I64;
    case canon::FlatType::F32: return wasm::ValType::F32;
    case canon::FlatType::F64: return wasm::ValType::F64;
  }
  return wasm::ValType::I32;
}

wasm::FuncType core_signature(const std::vector<canon::FlatType>& params, const std::vector<canon::FlatType>& results) {
  wasm::FuncType f;
  for (auto t : params) f.params.push_back(core_type(t));
  for (auto t : results) f.results.push_back(core_type(t));
  return f;
}

}  // namespace

std::string wasmtime_message(const Trap& trap) {
  if (trap.code == TrapCode::Unreachable) return "wasm trap: wasm `unreachable` instruction executed";
  if (is_canonical_abi(trap.code) || trap.code == TrapCode::HostError || trap.code == TrapCode::Exit) return trap.message;
  return "wasm trap: " + trap.message;
}

TrapOr<void> call_core(Store& store, FuncInstance* f, std::span<const canon::FlatValue> args,
                       std::span<canon::FlatValue> results) {
  // Lifted functions take at most MAX_FLAT_PARAMS values (the host's calls stay off the heap);
  // lowered ones, called by core code, may take more.
  constexpr size_t kInline = canon::kMaxFlatParams + 2;
  size_t count = std::max(args.size(), results.size()) + 1;
  std::array<VMValue, kInline> inline_values;
  std::vector<VMValue> heap_values;
  std::span<VMValue> values;
  if (count <= kInline) {
    values = std::span<VMValue>(inline_values.data(), count);
  } else {
    heap_values.resize(count);
    values = heap_values;
  }
  for (size_t i = 0; i < args.size(); ++i) std::memcpy(values[i].bytes, &args[i], sizeof(canon::FlatValue));
  if (auto trap = invoke_catching(store, f, values)) return std::move(*trap);
  // Fixed-width loads: a memcpy of a width known only at run time went through libc and stalled
  // on the store it had just made (measured: the largest cost of a string call's core entries).
  for (size_t i = 0; i < results.size(); ++i) {
    wasm::ValType t = f->type->results[i];
    if (t == wasm::ValType::I32 || t == wasm::ValType::F32) {
      uint32_t v;
      std::memcpy(&v, values[i].bytes, sizeof v);
      results[i] = v;
    } else {
      uint64_t v;
      std::memcpy(&v, values[i].bytes, sizeof v);
      results[i] = v;
    }
  }
  return {};
}

// A component instance being made and, once made, what its functions and resources refer to.
// It and its arrays live in its linker's arena (allocated together, freed with the linker).
struct ComponentFrame {
  ComponentFrame(ComponentLinker* l, std::shared_ptr<const component::Component> c, ComponentFrame* outer,
                 canon::Instance* parent)
      : linker(l),
        comp(std::move(c)),
        env(outer),
        canon(parent, l->max_resource_handles()),
        modules(&l->arena_),
        core_instances(&l->arena_),
        core_funcs(&l->arena_),
        tables(&l->arena_),
        memories(&l->arena_),
        globals(&l->arena_),
        types(&l->arena_),
        funcs(&l->arena_),
        components(&l->arena_),
        instances(&l->arena_),
        lowered_calls(&l->arena_),
        resource_calls(&l->arena_),
        error_context_calls(&l->arena_),
        options_made(&l->arena_) {
    canon.host_context = &l->store_;
  }

  ComponentLinker* linker = nullptr;
  std::shared_ptr<const component::Component> comp;
  ComponentFrame* env = nullptr;  // where this component was defined (outer aliases)
  canon::Instance canon;
  component::Matcher resources;  // binds the validator's resource types to this store's

  // The root frame of an instantiation from templates replays `plan`, or records one.
  std::shared_ptr<const ComponentPlan> plan;
  std::shared_ptr<ComponentPlan> recording;
  // Recording: the static resources bound differently per instance, and which instances are
  // the same items in every instantiation (the linker's).
  std::unordered_set<const component::ResourceType*> per_instance;
  std::vector<bool> instance_fixed;
  // Recording: the resource types this instantiation created (in any frame), which make an
  // argument of a nested instantiation differ from one instantiation to the next.
  std::shared_ptr<std::unordered_set<const component::ResourceType*>> fresh;

  struct ModuleItem {
    std::shared_ptr<const wasm::Module> module;
    component::ModuleTypePtr type;
  };
  std::pmr::vector<ModuleItem> modules;
  std::pmr::vector<CoreInstanceItems> core_instances;
  std::pmr::vector<FuncInstance*> core_funcs;
  std::pmr::vector<Table*> tables;
  std::pmr::vector<LinearMemory*> memories;
  std::pmr::vector<GlobalInstance*> globals;
  // The type index space: each entry points at a TypeDef that outlives the instantiation (in the
  // plan, the linker's items, an instance's exports) or at a copy in `owned_types` — a copy per
  // type and instance (five shared pointers) was a large part of a replay and its teardown.
  // A list: a replay copies few types or none (a deque allocated two blocks even then).
  std::pmr::vector<const TypeDef*> types;
  std::forward_list<TypeDef> owned_types;
  void push_type(const TypeDef& t, bool stable) { types.push_back(stable ? &t : &owned_types.emplace_front(t)); }
  std::pmr::vector<std::shared_ptr<ComponentFunc>> funcs;
  std::pmr::vector<std::shared_ptr<ComponentClosure>> components;
  std::pmr::vector<std::shared_ptr<ComponentInstance>> instances;

  // What the host callbacks of lowered functions and resource built-ins use, kept here so that
  // a callback holds one pointer (no allocation of its own).
  struct LoweredCall {
    const ComponentFunc* callee = nullptr;  // kept alive by `funcs`
    const canon::CanonOptions* options = nullptr;  // in `options_made`
    canon::Instance* caller = nullptr;
    Store* store = nullptr;
  };
  struct ResourceCall {
    const component::ResourceType* type;  // held by `resources.bound`
    canon::Instance* instance;
  };
  struct ErrorContextCall {
    const canon::CanonOptions* options = nullptr;  // in `options_made`
    canon::Instance* instance = nullptr;
  };
  // Reserved at the start of run() for every definition that adds one, so that they never move
  // (one block each instead of a deque's many).
  std::pmr::vector<LoweredCall> lowered_calls;
  std::pmr::vector<ResourceCall> resource_calls;
  std::pmr::vector<ErrorContextCall> error_context_calls;
  struct AsyncCall {
    const Definition* definition;  // kept alive by the component
    canon::CopyBuiltin copy;
    canon::Instance* instance;
  };
  std::vector<AsyncCall> async_calls;  // rare (component-model-async built-ins): not in the arena

  Store& store() { return linker->store_; }

  // The signature of a host function the definition at `index` makes: from the plan, or
  // looked up (and recorded). `make_type` gives its core type, built only when looked up (its
  // vectors were a large part of a replayed `canon lower`).
  template <class MakeType>
  Engine::HostSignature host_signature(size_t index, MakeType&& make_type) {
    if (plan && plan->steps[index].host) return *plan->steps[index].host;
    auto s = store().engine().host_signature(make_type());
    if (!s) link_error(s.error().message);
    if (recording) recording->steps[index].host = *s;
    return *s;
  }

  EntityType runtime(const EntityType& t) { return component::substitute(t, resources.bound); }
  component::FuncTypePtr runtime(const component::FuncTypePtr& f) {
    EntityType t;
    t.sort = Sort::Func;
    t.func = f;
    return runtime(t).func;
  }
  const component::ResourceTypePtr& runtime_resource(const component::ResourceTypePtr& r) {
    auto it = resources.bound.find(r.get());
    if (it == resources.bound.end()) link_error("resource type not bound at instantiation");
    return it->second;
  }

  // A pointer to an item of the plan (which every frame of the instantiation holds), as the index
  // spaces hold it: without a share, whose two atomic counts per item were a visible part of a
  // replay and its teardown. Whatever it reaches (an export, a Func of the API) holds the frames.
  template <class T>
  static std::shared_ptr<T> borrowed(const std::shared_ptr<T>& p) {
    return std::shared_ptr<T>(std::shared_ptr<T>(), p.get());
  }
  void push_planned(const ComponentItem& item) {
    switch (item.type.sort) {
      case Sort::Func: funcs.push_back(borrowed(item.func)); break;
      case Sort::Instance: instances.push_back(borrowed(item.instance)); break;
      default: push(item, true, true);
    }
  }

  // `stable`: `item` outlives the instantiation (its type need not be copied). `type`: the
  // TypeDef of a type item, when given apart from `item` (an argument's, which outlives it).
  void push(const ComponentItem& item, bool fixed, bool stable, const TypeDef* type = nullptr) {
    switch (item.type.sort) {
      case Sort::Func: funcs.push_back(item.func); break;
      case Sort::Instance:
        instances.push_back(item.instance);
        if (recording) instance_fixed.push_back(fixed);
        break;
      case Sort::Component: components.push_back(item.component); break;
      case Sort::CoreModule: modules.push_back({item.module, item.type.module}); break;
      case Sort::Type:
        if (type) types.push_back(type);
        else push_type(item.type.type, stable);
        break;
      default: unsupported("component values are not supported");
    }
  }

  // `with_instance_type`: whether an instance item gets the type of its exports (built each time);
  // an export's item is given its declared type instead.
  ComponentItem item(component::SortIndex si, bool with_instance_type = true) {
    ComponentItem it;
    it.type.sort = si.sort;
    switch (si.sort) {
      case Sort::Func: it.func = funcs[si.index], it.type.func = it.func->type; break;
      case Sort::Instance: {
        it.instance = instances[si.index];
        if (with_instance_type) it.type.instance = instance_type(*it.instance);
        break;
      }
      case Sort::Component: it.component = components[si.index], it.type.component = it.component->component->type; break;
      case Sort::CoreModule: it.module = modules[si.index].module, it.type.module = modules[si.index].type; break;
      case Sort::Type: it.type.type = *types[si.index]; break;
      default: unsupported("component values are not supported");
    }
    return it;
  }

  Extern core_item(component::SortIndex si) {
    switch (si.sort) {
      case Sort::CoreFunc: return core_funcs[si.index];
      case Sort::CoreTable: return tables[si.index];
      case Sort::CoreMemory: return memories[si.index];
      case Sort::CoreGlobal: return globals[si.index];
      default: unsupported("core tags are not supported");
    }
  }

  void push_core(const Extern& e) {
    switch (kind_of(e)) {
      case wasm::ExternKind::Func: core_funcs.push_back(std::get<FuncInstance*>(e)); break;
      case wasm::ExternKind::Table: tables.push_back(std::get<Table*>(e)); break;
      case wasm::ExternKind::Memory: memories.push_back(std::get<LinearMemory*>(e)); break;
      case wasm::ExternKind::Global: globals.push_back(std::get<GlobalInstance*>(e)); break;
    }
  }

  // The options of the host-call records, one per distinct set of a frame's definitions (a
  // component's lowered imports mostly share one: its memory and realloc), in the arena.
  std::pmr::vector<std::pair<const component::CanonOptions*, canon::CanonOptions*>> options_made;
  const canon::CanonOptions* options_for(const component::CanonOptions& o) {
    for (const auto& [key, made] : options_made)
      if (*key == o) return made;
    auto* made = std::pmr::polymorphic_allocator<>(&linker->arena_).new_object<canon::CanonOptions>();
    options_made.emplace_back(&o, made);
    set_options(*made, o);
    return made;
  }
  ~ComponentFrame() {
    std::pmr::polymorphic_allocator<> alloc(&linker->arena_);
    for (const auto& [key, made] : options_made) alloc.delete_object(made);
  }

  // Fills `out` in place (its callbacks built where they stay, not moved there).
  void set_options(canon::CanonOptions& out, const component::CanonOptions& o) {
    out.string_encoding = canon::StringEncoding(o.encoding);
    Store* st = &store();
    if (o.memory) {
      LinearMemory* m = memories[*o.memory];
      out.memory = [m] { return canon::GuestMemory{m->base(), m->size_bytes()}; };
    }
    if (o.realloc) {
      FuncInstance* f = core_funcs[*o.realloc];
      out.realloc = [st, f](uint32_t a, uint32_t b, uint32_t c, uint32_t d) -> TrapOr<uint32_t> {
        canon::FlatValue args[4] = {a, b, c, d}, result = 0;
        if (auto r = call_core(*st, f, args, {&result, 1}); !r) return r.take_trap();
        return uint32_t(result);
      };
    }
    out.async = o.async;
    if (o.post_return) {
      FuncInstance* f = core_funcs[*o.post_return];
      out.post_return = [st, f](std::span<const canon::FlatValue> results) -> TrapOr<void> {
        return call_core(*st, f, results, {});
      };
    }
  }

  // Runs a type check that may bind resources. Recording, the bindings it made go to `step`
  // when the check comes out the same in every instantiation (`fixed`), else are per instance.
  template <class Check>
  void check(ComponentPlan::Step* step, bool fixed, Check&& run_check) {
    if (!recording) return run_check();
    std::unordered_set<const component::ResourceType*> before;
    for (const auto& [k, v] : resources.bound) before.insert(k);
    run_check();
    for (const auto& [k, v] : resources.bound) {
      if (before.count(k)) continue;
      if (fixed) step->bindings.emplace_back(k, v);
      else per_instance.insert(k);
    }
    step->cached = fixed;
  }
  void replay_bindings(const ComponentPlan::Step& step) {
    for (const auto& [k, v] : step.bindings) resources.bound.emplace(k, v);
  }
  bool fixed_type(const EntityType& t) const { return !component::mentions_any(t, per_instance); }
  // Whether an item's type (a runtime type) is the same in every instantiation.
  bool fixed_item(const ComponentItem& item) const { return !component::mentions_any(item.type, *fresh); }

  // The arguments of a nested instantiation, named by the parent's definition (which outlives
  // them): a few, found by a scan, with no string or tree node allocated per instance. The
  // item's type is left out where only a check needs it (a replayed import has none): a type
  // argument's TypeDef is the parent's (`type`), an instance argument's type is built then.
  struct Arg {
    std::string_view name;
    ComponentItem item;
    const TypeDef* type = nullptr;
  };
  using Args = std::vector<Arg>;
  Arg arg(std::string_view name, component::SortIndex si) {
    if (si.sort == Sort::Type) {
      Arg a{name, {}, types[si.index]};
      a.item.type.sort = Sort::Type;
      return a;
    }
    return Arg{name, item(si, false), nullptr};
  }
  // The argument with its full type, for a check.
  static ComponentItem typed(const Arg& a) {
    ComponentItem it = a.item;
    if (a.type) it.type.type = *a.type;
    if (it.type.sort == Sort::Instance) it.type.instance = instance_type(*it.instance);
    return it;
  }
  std::shared_ptr<ComponentInstance> run(const Args* args);
  // The plan recorded by run, with the sizes its index spaces reached.
  std::shared_ptr<ComponentPlan> finish_recording() {
    auto r = std::move(recording);
    r->core_instances = core_instances.size(), r->core_funcs = core_funcs.size();
    r->types = types.size(), r->funcs = funcs.size(), r->instances = instances.size();
    r->modules = modules.size(), r->components = components.size();
    r->tables = tables.size(), r->memories = memories.size(), r->globals = globals.size();
    r->bindings = resources.bound.size();
    return r;
  }
  std::optional<ComponentItem> satisfiable(const EntityType& t);
  void lower(const Definition& d, size_t index);
  void resource_builtin(const Definition& d, size_t index);
  void error_context_builtin(const Definition& d, size_t index);
  void async_builtin(const Definition& d, size_t index);
  void instantiate_core(const Definition& d, const ComponentPlan::Step* cached, ComponentPlan::Step* step);
};

// An import the host need not provide (Wasmtime's linker): a type with an equality bound, and
// an instance with nothing else to provide. Anything else missing is a link error.
std::optional<ComponentItem> ComponentFrame::satisfiable(const EntityType& t) {
  ComponentItem item;
  item.type = runtime(t);
  if (t.sort == Sort::Type) {
    if (t.type.kind == TypeDef::Kind::Resource && !resources.bound.count(t.type.resource.get())) return std::nullopt;
    return item;
  }
  if (t.sort != Sort::Instance) return std::nullopt;
  item.instance = std::make_shared<ComponentInstance>();
  for (const auto& e : t.instance->exports) {
    auto inner = satisfiable(e.type);
    if (!inner) return std::nullopt;
    item.instance->exports[e.name] = *inner;
  }
  return item;
}

const ComponentItem* ComponentInstance::find(std::string_view name) const {
  auto it = exports.find(name);
  return it == exports.end() ? nullptr : &it->second;
}

ComponentLinker::FirstBlock::FirstBlock() : bytes(ThreadBlockCache<kArenaBlock>::take()) {}

ComponentLinker::FirstBlock::~FirstBlock() { ThreadBlockCache<kArenaBlock>::give(bytes); }

ComponentLinker::ComponentLinker(Store& store) : store_(store), arena_(first_block_.bytes, kArenaBlock) {}

ComponentLinker::~ComponentLinker() {
  // Latest first: a nested frame refers to its parent's handle table.
  std::pmr::polymorphic_allocator<> alloc(&arena_);
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) alloc.delete_object(*it);
}

ComponentFrame* ComponentLinker::new_frame(std::shared_ptr<const component::Component> c, ComponentFrame* env,
                                           canon::Instance* parent) {
  std::pmr::polymorphic_allocator<> alloc(&arena_);
  frames_.push_back(alloc.new_object<ComponentFrame>(this, std::move(c), env, parent));
  return frames_.back();
}

void ComponentLinker::define(const std::string& name, ComponentItem item) { defined_[name] = std::move(item); }

const ComponentItem* ComponentLinker::lookup(std::string_view name) const {
  auto it = defined_.find(name);
  if (it != defined_.end()) return &it->second;
  if (items_)
    for (const auto& [have_name, item] : *items_)
      if (have_name == name) return &item;
  // Semver-compatible match of a versioned interface name: the newest compatible provider (of
  // those compatible, the greatest name).
  auto wanted = component::parse_extern_name(name, true);
  if (!wanted || wanted->kind != component::ExternName::Kind::Interface || wanted->version.empty()) return nullptr;
  const ComponentItem* best = nullptr;
  const std::string* best_name = nullptr;
  auto consider = [&](const std::string& have_name, const ComponentItem& item) {
    auto have = component::parse_extern_name(have_name, true);
    if (!have || have->unversioned != wanted->unversioned || have->version.empty()) return;
    if (!component::semver_compatible(have->version, wanted->version)) return;
    if (!best_name || *best_name < have_name) best = &item, best_name = &have_name;
  };
  for (const auto& [have_name, item] : defined_) consider(have_name, item);
  if (items_)
    for (const auto& [have_name, item] : *items_) consider(have_name, item);
  return best;
}

const ComponentTemplates::Core* ComponentLinker::core_template(const wasm::Module* m) const {
  if (!templates_) return nullptr;
  auto it = templates_->cores.find(m);
  return it == templates_->cores.end() ? nullptr : &it->second;
}

Expected<std::shared_ptr<const ComponentTemplates>> make_component_templates(
    const std::vector<std::pair<const wasm::Module*, std::shared_ptr<const CompiledModule>>>& compiled,
    std::shared_ptr<PoolingAllocator> pool) {
  auto out = std::make_shared<ComponentTemplates>();
  for (const auto& [module, code] : compiled) {
    std::vector<std::optional<Extern>> open(code->module.imports.size());
    auto pre = InstancePre::create(code, std::move(open), InstancePreOptions{.pool = pool});
    if (!pre) return pre.error();
    out->cores[module] = {pre.take(), component::module_type(*module)};
  }
  return std::shared_ptr<const ComponentTemplates>(std::move(out));
}

std::shared_ptr<const CompiledModule> ComponentLinker::compiled(const std::shared_ptr<const wasm::Module>& m) {
  auto it = compiled_.find(m.get());
  if (it != compiled_.end()) return it->second;
  if (compiled_list_)
    for (const auto& [module, code] : *compiled_list_)
      if (module == m.get()) return code;
  auto c = compile_module(store_.engine(), *m);
  if (!c) link_error("core module failed to compile: " + c.error().message);
  compiled_[m.get()] = *c;
  return *c;
}

void ComponentFrame::instantiate_core(const Definition& d, const ComponentPlan::Step* cached, ComponentPlan::Step* step) {
  const ComponentTemplates::Core* core = linker->core_template(modules[d.index].module.get());
  auto module = core ? core->pre->module : linker->compiled(modules[d.index].module);
  std::pmr::vector<Extern> imports(&linker->arena_);
  imports.reserve(module->module.imports.size());
  if (cached) {
    for (const auto& [instance, position] : cached->core_items) imports.push_back(core_instances[instance].at(position));
  } else {
    for (const wasm::Import& i : module->module.imports) {
      const CoreInstanceItems* from = nullptr;
      uint32_t from_index = 0;
      for (const auto& a : d.items)
        if (a.name == i.module) from = &core_instances[a.item.index], from_index = a.item.index;
      if (!from) link_error(fmt::format("module import `{}::{}` not defined", i.module, i.name));
      auto position = from->position(i.name);
      if (!position) link_error(fmt::format("module import `{}::{}` not defined", i.module, i.name));
      imports.push_back(from->at(*position));
      if (step) step->core_items.emplace_back(from_index, *position);
    }
    if (step) step->cached = true;
  }
  auto inst = core ? vm::instantiate(store(), core->pre, imports, cached != nullptr)
                   : vm::instantiate(store(), module, imports);
  if (!inst) trap_error(inst.error());
  core_instances.push_back(CoreInstanceItems{*inst, {}});
}

void ComponentFrame::lower(const Definition& d, size_t index) {
  if (d.options.async) {
    // canon_lower with `async` makes a subtask, which needs the task scheduler; its first check
    // (may_leave) is made all the same.
    canon::Instance* caller = &canon;
    auto sig = host_signature(index, [&] { return d.core_type; });
    core_funcs.push_back(store().create_host_func(sig, [caller](Caller&, std::span<VMValue>) -> Expected<void> {
      if (!caller->may_leave) return builtin_error(Trap{TrapCode::CannotLeave, "cannot leave component instance"});
      return builtin_error(Trap{TrapCode::AsyncUnsupported,
                                "calling an async-lowered import needs the component-model-async runtime (a task "
                                "scheduler), which is not supported"});
    }));
    return;
  }
  // The callee's own ABI: every ComponentFunc carries compute_abi of its type, which lowering
  // shares (the callee lives as long as this function).
  LoweredCall& call = lowered_calls.emplace_back();
  call.callee = funcs[d.index].get();
  call.options = options_for(d.options);
  call.caller = &canon;
  call.store = &store();
  const canon::FuncAbi& abi = call.callee->abi;
  Engine::HostSignature sig =
      host_signature(index, [&] { return core_signature(abi.lower_core_params(), abi.lower_core_results()); });
  FuncInstance* f = store().create_host_func(sig, [c = &call](Caller& caller_context, std::span<VMValue> values) -> Expected<void> {
    const ComponentFunc& callee = *c->callee;
    const canon::FuncAbi& abi = callee.abi;
    size_t np = abi.lower_param_count(), nr = abi.lower_result_count();
    // At most MAX_FLAT_PARAMS values and a return pointer; one result.
    std::array<canon::FlatValue, canon::kMaxFlatParams + 1> arg_slots;
    std::array<canon::FlatValue, canon::kMaxFlatResults> result_slots{};
    std::span<canon::FlatValue> args(arg_slots.data(), np), results(result_slots.data(), nr);
    for (size_t i = 0; i < np; ++i) std::memcpy(&args[i], values[i].bytes, sizeof(canon::FlatValue));
    auto call = [&](std::span<Val> a, canon::ResultSink sink, canon::Instance& from) -> TrapOr<void> {
      if (callee.host) return callee.host(a, sink, &from);
      auto core = [&](std::span<const canon::FlatValue> ca, std::span<canon::FlatValue> cr) {
        return call_core(*c->store, callee.core, ca, cr);
      };
      return canon::canon_lift(callee.abi, callee.options, *callee.instance, &from, a, core, sink);
    };
    auto r = callee.host_lowered ? callee.host_lowered(abi, *c->options, *c->caller, args, results)
                                 : canon::canon_lower(abi, *c->options, *c->caller, args, results, call, callee.is_host());
    if (!r) {
      // A guest's exit (WASI) unwinds its caller as an exit too.
      if (r.trap().code == TrapCode::Exit) {
        caller_context.exit_status = r.trap().exit_status;
        return {};
      }
      if (r.trap().code == TrapCode::AsyncUnsupported) return builtin_error(r.take_trap());
      // Between components the adapter traps, as Wasmtime's fused adapters do.
      std::string m = wasmtime_message(r.trap());
      if (callee.is_host() || m.starts_with("wasm trap: ")) return Error{m};
      return Error{"wasm trap: " + m};
    }
    for (size_t i = 0; i < nr; ++i) {
      std::memset(values[i].bytes, 0, sizeof values[i].bytes);
      std::memcpy(values[i].bytes, &results[i], sizeof(canon::FlatValue));
    }
    return {};
  });
  core_funcs.push_back(f);
}

namespace {
// The i32 arguments and result of a built-in's core function.
uint32_t u32_at(const VMValue& v) {
  uint32_t x;
  std::memcpy(&x, v.bytes, 4);
  return x;
}
void set_u32(VMValue& v, uint32_t x) { std::memcpy(v.bytes, &x, 4); }
void set_u64(VMValue& v, uint64_t x) { std::memcpy(v.bytes, &x, 8); }
// A built-in's outcome as its host function returns it: nothing, or an i32 in `out`.
Expected<void> none(TrapOr<void> r) { return r ? Expected<void>{} : builtin_error(r.take_trap()); }
Expected<void> u32(TrapOr<uint32_t> r, VMValue& out) {
  if (!r) return builtin_error(r.take_trap());
  set_u32(out, *r);
  return {};
}
}  // namespace

void ComponentFrame::resource_builtin(const Definition& d, size_t index) {
  ResourceCall& call = resource_calls.emplace_back(ResourceCall{runtime_resource(d.type.resource).get(), &canon});
  using V = wasm::ValType;
  FuncInstance* f = nullptr;
  switch (d.kind) {
    case Definition::Kind::ResourceNew:
      f = store().create_host_func(host_signature(index, [] { return wasm::FuncType{{V::I32}, {V::I32}}; }), [c = &call](Caller&, std::span<VMValue> v) -> Expected<void> {
        auto r = canon::resource_new(*c->instance, *c->type, u32_at(v[0]));
        if (!r) return Error{r.trap().message};
        set_u32(v[0], *r);
        return {};
      });
      break;
    case Definition::Kind::ResourceRep:
      f = store().create_host_func(host_signature(index, [] { return wasm::FuncType{{V::I32}, {V::I32}}; }), [c = &call](Caller&, std::span<VMValue> v) -> Expected<void> {
        auto r = canon::resource_rep(*c->instance, *c->type, u32_at(v[0]));
        if (!r) return Error{r.trap().message};
        set_u32(v[0], *r);
        return {};
      });
      break;
    default:
      f = store().create_host_func(host_signature(index, [] { return wasm::FuncType{{V::I32}, {}}; }), [c = &call](Caller&, std::span<VMValue> v) -> Expected<void> {
        auto r = canon::resource_drop(*c->instance, *c->type, u32_at(v[0]));
        if (!r) return Error{r.trap().message};
        return {};
      });
      break;
  }
  core_funcs.push_back(f);
}

// `canon error-context.new`, `.debug-message` and `.drop` (CanonicalABI.md), on this instance's
// handle table.
void ComponentFrame::error_context_builtin(const Definition& d, size_t index) {
  ErrorContextCall& call = error_context_calls.emplace_back();
  call.options = options_for(d.options);
  call.instance = &canon;
  using V = wasm::ValType;
  FuncInstance* f = nullptr;
  switch (d.kind) {
    case Definition::Kind::ErrorContextNew:
      f = store().create_host_func(host_signature(index, [] { return wasm::FuncType{{V::I32, V::I32}, {V::I32}}; }), [c = &call](Caller&, std::span<VMValue> v) -> Expected<void> {
        auto r = canon::error_context_new(*c->instance, *c->options, u32_at(v[0]), u32_at(v[1]));
        if (!r) return Error{r.trap().message};
        set_u32(v[0], *r);
        return {};
      });
      break;
    case Definition::Kind::ErrorContextDebugMessage:
      f = store().create_host_func(host_signature(index, [] { return wasm::FuncType{{V::I32, V::I32}, {}}; }), [c = &call](Caller&, std::span<VMValue> v) -> Expected<void> {
        auto r = canon::error_context_debug_message(*c->instance, *c->options, u32_at(v[0]), u32_at(v[1]));
        if (!r) return Error{r.trap().message};
        return {};
      });
      break;
    default:
      f = store().create_host_func(host_signature(index, [] { return wasm::FuncType{{V::I32}, {}}; }), [c = &call](Caller&, std::span<VMValue> v) -> Expected<void> {
        auto r = canon::error_context_drop(*c->instance, u32_at(v[0]));
        if (!r) return Error{r.trap().message};
        return {};
      });
      break;
  }
  core_funcs.push_back(f);
}

// The 🔀 and 🧵 built-ins (canonical_abi/async_builtins.h), on this instance's handle table;
// core signatures as validation gave them (Definition::core_type).
void ComponentFrame::async_builtin(const Definition& d, size_t index) {
  namespace code = component::canon_code;
  AsyncCall& call = async_calls.emplace_back(AsyncCall{&d, {}, &canon});
  if (d.type.value) {
    call.copy.type = runtime(EntityType{Sort::Type, nullptr, nullptr, nullptr, d.type, nullptr, nullptr}).type.value;
    call.copy.options = *options_for(d.options);
    call.copy.async = d.options.async || d.flag;
  }
  auto host = [&](auto body) {
    core_funcs.push_back(store().create_host_func(host_signature(index, [&] { return d.core_type; }),
                                                  [c = &call, body](Caller&, std::span<VMValue> v) -> Expected<void> {
                                                    return body(*c, v);
                                                  }));
  };
  using canon::SwitchKind;
  bool flag = d.flag;
  uint32_t slot = d.index;
  switch (d.builtin) {
    case code::ContextGet: host([=](AsyncCall& c, std::span<VMValue> v) { return u32(canon::context_get(*c.instance, slot), v[0]); }); break;
    case code::ContextSet: host([=](AsyncCall& c, std::span<VMValue> v) { return none(canon::context_set(*c.instance, slot, u32_at(v[0]))); }); break;
    case code::BackpressureInc: host([=](AsyncCall& c, std::span<VMValue>) { return none(canon::backpressure_inc(*c.instance)); }); break;
    case code::BackpressureDec: host([=](AsyncCall& c, std::span<VMValue>) { return none(canon::backpressure_dec(*c.instance)); }); break;
    case code::TaskReturn: host([=](AsyncCall& c, std::span<VMValue>) { return none(canon::task_return(*c.instance)); }); break;
    case code::TaskCancel: host([=](AsyncCall& c, std::span<VMValue>) { return none(canon::task_cancel(*c.instance)); }); break;
    case code::ThreadIndex: host([=](AsyncCall& c, std::span<VMValue> v) { return u32(canon::thread_index(*c.instance), v[0]); }); break;
    case code::ThreadYield: host([=](AsyncCall& c, std::span<VMValue> v) { return u32(canon::thread_yield(*c.instance, flag), v[0]); }); break;
    case code::ThreadSuspend: host([=](AsyncCall& c, std::span<VMValue> v) { return u32(canon::thread_suspend(*c.instance, flag), v[0]); }); break;
    case code::ThreadResumeLater:
      host([=](AsyncCall& c, std::span<VMValue> v) { return none(canon::thread_resume_later(*c.instance, u32_at(v[0]))); });
      break;
    case code::ThreadSuspendThenResume: case code::ThreadYieldThenResume: case code::ThreadSuspendThenPromote:
    case code::ThreadYieldThenPromote: {
      auto kind = SwitchKind(d.builtin - code::ThreadSuspendThenResume);
      host([=](AsyncCall& c, std::span<VMValue> v) { return u32(canon::thread_switch(*c.instance, kind, flag, u32_at(v[0])), v[0]); });
      break;
    }
    case code::ThreadNewIndirect:
      host([=](AsyncCall& c, std::span<VMValue> v) {
        return u32(canon::thread_new_indirect(*c.instance, u32_at(v[0]), u32_at(v[1])), v[0]);
      });
      break;
    case code::WaitableSetNew: host([=](AsyncCall& c, std::span<VMValue> v) { return u32(canon::waitable_set_new(*c.instance), v[0]); }); break;
    case code::WaitableSetWait: case code::WaitableSetPoll: {
      call.copy.options = *options_for(d.options);
      bool wait = d.builtin == code::WaitableSetWait;
      host([=](AsyncCall& c, std::span<VMValue> v) {
        auto r = wait ? canon::waitable_set_wait(*c.instance, c.copy.options, flag, u32_at(v[0]), u32_at(v[1]))
                      : canon::waitable_set_poll(*c.instance, c.copy.options, flag, u32_at(v[0]), u32_at(v[1]));
        return u32(std::move(r), v[0]);
      });
      break;
    }
    case code::WaitableSetDrop: host([=](AsyncCall& c, std::span<VMValue> v) { return none(canon::waitable_set_drop(*c.instance, u32_at(v[0]))); }); break;
    case code::WaitableJoin:
      host([=](AsyncCall& c, std::span<VMValue> v) { return none(canon::waitable_join(*c.instance, u32_at(v[0]), u32_at(v[1]))); });
      break;
    case code::SubtaskCancel: host([=](AsyncCall& c, std::span<VMValue> v) { return u32(canon::subtask_cancel(*c.instance, flag, u32_at(v[0])), v[0]); }); break;
    case code::SubtaskDrop: host([=](AsyncCall& c, std::span<VMValue> v) { return none(canon::subtask_drop(*c.instance, u32_at(v[0]))); }); break;
    case code::StreamNew: case code::FutureNew:
      host([=](AsyncCall& c, std::span<VMValue> v) -> Expected<void> {
        auto r = canon::stream_or_future_new(*c.instance, c.copy);
        if (!r) return builtin_error(r.take_trap());
        set_u64(v[0], *r);
        return {};
      });
      break;
    case code::StreamRead: case code::StreamWrite:
      host([write = d.builtin == code::StreamWrite](AsyncCall& c, std::span<VMValue> v) {
        return u32(canon::copy(*c.instance, c.copy, write, u32_at(v[0]), u32_at(v[1]), u32_at(v[2])), v[0]);
      });
      break;
    case code::FutureRead: case code::FutureWrite:
      host([write = d.builtin == code::FutureWrite](AsyncCall& c, std::span<VMValue> v) {
        return u32(canon::copy(*c.instance, c.copy, write, u32_at(v[0]), u32_at(v[1]), 1), v[0]);
      });
      break;
    case code::StreamCancelRead: case code::StreamCancelWrite: case code::FutureCancelRead: case code::FutureCancelWrite:
      host([write = d.builtin == code::StreamCancelWrite || d.builtin == code::FutureCancelWrite](AsyncCall& c, std::span<VMValue> v) {
        return u32(canon::cancel_copy(*c.instance, c.copy, write, u32_at(v[0])), v[0]);
      });
      break;
    case code::StreamDropReadable: case code::StreamDropWritable: case code::FutureDropReadable: case code::FutureDropWritable:
      host([writable = d.builtin == code::StreamDropWritable || d.builtin == code::FutureDropWritable](AsyncCall& c, std::span<VMValue> v) {
        return none(canon::drop_end(*c.instance, c.copy, writable, u32_at(v[0])));
      });
      break;
    default: unsupported(fmt::format("canonical built-in 0x{:x} is not supported", d.builtin));
  }
}

std::shared_ptr<ComponentInstance> ComponentFrame::run(const Args* args) {
  auto result = std::make_shared<ComponentInstance>();
  resources.bind_any = true;
  resources.link_wording = true;
  if (plan) {
    lowered_calls.reserve(plan->lowers);
    resource_calls.reserve(plan->resource_builtins);
    error_context_calls.reserve(plan->error_context_builtins);
    async_calls.reserve(plan->async_builtins);
    resources.bound.reserve(plan->bindings);
    modules.reserve(plan->modules);
    core_instances.reserve(plan->core_instances);
    core_funcs.reserve(plan->core_funcs);
    tables.reserve(plan->tables);
    memories.reserve(plan->memories);
    globals.reserve(plan->globals);
    types.reserve(plan->types);
    funcs.reserve(plan->funcs);
    components.reserve(plan->components);
    instances.reserve(plan->instances);
  } else {
    size_t lowers = 0, resource_builtins = 0, error_context_builtins = 0, async_builtins = 0;
    for (const Definition& d : comp->definitions) {
      if (d.kind == Definition::Kind::CanonLower) ++lowers;
      else if (d.kind == Definition::Kind::ResourceNew || d.kind == Definition::Kind::ResourceDrop ||
               d.kind == Definition::Kind::ResourceRep)
        ++resource_builtins;
      else if (d.kind == Definition::Kind::ErrorContextNew || d.kind == Definition::Kind::ErrorContextDebugMessage ||
               d.kind == Definition::Kind::ErrorContextDrop)
        ++error_context_builtins;
      else if (d.kind == Definition::Kind::AsyncBuiltin)
        ++async_builtins;
    }
    lowered_calls.reserve(lowers);
    resource_calls.reserve(resource_builtins);
    error_context_calls.reserve(error_context_builtins);
    async_calls.reserve(async_builtins);
    if (recording) {
      recording->lowers = lowers;
      recording->resource_builtins = resource_builtins;
      recording->error_context_builtins = error_context_builtins;
      recording->async_builtins = async_builtins;
    }
  }
  for (size_t index = 0; index < comp->definitions.size(); ++index) {
    const Definition& d = comp->definitions[index];
    const ComponentPlan::Step* cached = plan && plan->steps[index].cached ? &plan->steps[index] : nullptr;
    ComponentPlan::Step* step = recording ? &recording->steps[index] : nullptr;
    switch (d.kind) {
      case Definition::Kind::CoreModule: {
        const auto& m = comp->modules[d.index];
        const ComponentTemplates::Core* core = linker->core_template(m.get());
        modules.push_back({m, core ? core->type : component::module_type(*m)});
        break;
      }
      case Definition::Kind::CoreInstantiate: instantiate_core(d, cached, step); break;
      case Definition::Kind::CoreInlineInstance: {
        std::pmr::polymorphic_allocator<> alloc(&linker->arena_);
        auto* items = alloc.allocate_object<std::pair<std::string_view, Extern>>(d.items.size());
        for (size_t i = 0; i < d.items.size(); ++i)
          alloc.construct(&items[i], d.items[i].name, core_item(d.items[i].item));
        core_instances.push_back(CoreInstanceItems{nullptr, {items, d.items.size()}});
        break;
      }
      case Definition::Kind::Component: {
        auto closure = std::make_shared<ComponentClosure>();
        closure->component = comp->components[d.index];
        closure->env = this;
        components.push_back(std::move(closure));
        break;
      }
      case Definition::Kind::Instantiate: {
        std::shared_ptr<ComponentClosure> closure = components[d.index];
        Args given;
        given.reserve(d.items.size());
        for (const auto& a : d.items) given.push_back(arg(a.name, a.item));
        ComponentFrame* frame = linker->new_frame(closure->component, closure->env, &canon);
        if (plan) frame->plan = plan->steps[index].nested;
        if (recording) {
          frame->recording = std::make_shared<ComponentPlan>();
          frame->recording->steps.resize(frame->comp->definitions.size());
          frame->fresh = fresh;
        }
        std::shared_ptr<ComponentInstance> inst = frame->run(&given);
        if (recording) step->nested = frame->finish_recording();
        instances.push_back(inst);
        if (recording) instance_fixed.push_back(false);
        if (cached) {
          replay_bindings(*cached);
          break;
        }
        EntityType type{Sort::Instance, nullptr, nullptr, nullptr, {}, nullptr, instance_type(*inst)};
        bool fixed = recording && fixed_type(d.entity) && !component::mentions_any(type, *fresh);
        check(step, fixed, [&] {
          if (auto r = resources.entity(type, d.entity); !r) link_error("instance type mismatch: " + r.error().message);
        });
        break;
      }
      case Definition::Kind::InlineInstance: {
        auto inst = std::make_shared<ComponentInstance>();
        for (const auto& e : d.items) inst->exports[e.name] = item(e.item);
        instances.push_back(std::move(inst));
        if (recording) instance_fixed.push_back(false);
        break;
      }
      case Definition::Kind::AliasExport: {
        if (cached && cached->item) {
          replay_bindings(*cached);
          push_planned(*cached->item);
          break;
        }
        const ComponentItem* e = instances[d.index]->find(d.name);
        if (!e) link_error(fmt::format("instance has no export `{}`", d.name));
        if (cached) {
          replay_bindings(*cached);
          push(*e, true, true);
          break;
        }
        // An export of one of the linker's instances, at a type that mentions nothing made per
        // instance, checks the same way every time (and, in the root component, is the same item).
        bool fixed = recording && instance_fixed[d.index] && fixed_type(d.entity);
        check(step, fixed, [&] {
          if (auto r = resources.entity(e->type, d.entity); !r) link_error("alias type mismatch: " + r.error().message);
        });
        if (fixed && !args) step->item = *e;
        push(*e, fixed, true);
        break;
      }
      case Definition::Kind::AliasCoreExport: {
        if (cached) {
          push_core(core_instances[d.index].at(cached->core_items[0].second));
          break;
        }
        auto position = core_instances[d.index].position(d.name);
        if (!position) link_error(fmt::format("core instance has no export `{}`", d.name));
        push_core(core_instances[d.index].at(*position));
        if (step) step->cached = true, step->core_items.emplace_back(d.index, *position);
        break;
      }
      case Definition::Kind::AliasOuter: {
        ComponentFrame* f = this;
        for (uint32_t i = 0; i < d.outer_count; ++i) f = f->env;
        if (d.sort == Sort::Component) components.push_back(f->components[d.index]);
        else if (d.sort == Sort::CoreModule) modules.push_back(f->modules[d.index]);
        break;
      }
      case Definition::Kind::Type: {
        if (d.type.kind == TypeDef::Kind::Resource && !resources.bound.count(d.type.resource.get())) {
          auto r = std::make_shared<component::ResourceType>();
          r->impl = &canon;
          if (d.dtor) {
            FuncInstance* dtor = core_funcs[*d.dtor];
            Store* st = &store();
            r->dtor = [st, dtor](uint32_t rep) -> TrapOr<void> {
              canon::FlatValue arg = rep;
              return call_core(*st, dtor, {&arg, 1}, {});
            };
          }
          resources.bound[d.type.resource.get()] = r;
          if (recording) per_instance.insert(d.type.resource.get()), fresh->insert(r.get());
        }
        if (cached) {
          push_type(cached->entity.type, true);
          break;
        }
        EntityType t;
        t.sort = Sort::Type;
        t.type = d.type;
        EntityType resolved = runtime(t);
        if (step && fixed_type(t)) step->cached = true, step->entity = resolved;
        push_type(resolved.type, false);
        break;
      }
      case Definition::Kind::CanonLift: {
        auto f = std::make_shared<ComponentFunc>();
        if (cached) {
          f->type = cached->func;
          f->abi = cached->abi;
        } else {
          f->type = runtime(d.func);
          f->abi = canon::compute_abi(*f->type);
          if (step && fixed_type(EntityType{Sort::Func, nullptr, d.func, nullptr, {}, nullptr, nullptr}))
            step->cached = true, step->func = f->type, step->abi = f->abi;
        }
        f->core = core_funcs[d.index];
        set_options(f->options, d.options);
        f->instance = &canon;
        funcs.push_back(std::move(f));
        break;
      }
      case Definition::Kind::CanonLower: lower(d, index); break;
      case Definition::Kind::ResourceNew:
      case Definition::Kind::ResourceDrop:
      case Definition::Kind::ResourceRep: resource_builtin(d, index); break;
      case Definition::Kind::ErrorContextNew:
      case Definition::Kind::ErrorContextDebugMessage:
      case Definition::Kind::ErrorContextDrop: error_context_builtin(d, index); break;
      case Definition::Kind::AsyncBuiltin: async_builtin(d, index); break;
      case Definition::Kind::Import: {
        if (cached && cached->item) {
          replay_bindings(*cached);
          push_planned(*cached->item);
          break;
        }
        const ComponentItem* given = nullptr;
        const Arg* given_arg = nullptr;
        if (args) {
          // The last of the same name, as a map's assignment would keep.
          for (auto it = args->rbegin(); it != args->rend() && !given_arg; ++it)
            if (it->name == d.name) given_arg = &*it;
          if (given_arg) given = &given_arg->item;
        } else {
          given = linker->lookup(d.name);
        }
        // The linker's items outlive the instance; a parent's arguments are its copies (but the
        // TypeDef of a type argument is the parent's own).
        if (cached && given) {
          replay_bindings(*cached);
          push(*given, true, !args, given_arg ? given_arg->type : nullptr);
          break;
        }
        std::optional<ComponentItem> synthesized;
        if (given_arg) synthesized = typed(*given_arg), given = &*synthesized;
        else if (!given && (synthesized = satisfiable(d.entity))) given = &*synthesized;
        if (!given) link_error(fmt::format("import `{}` was not found", d.name));
        // The linker's item checks the same way every time, unless the expected type mentions
        // something made per instance.
        bool fixed = recording && (!synthesized || given_arg) && fixed_type(d.entity) && fixed_item(*given);
        check(step, fixed, [&] {
          if (auto r = resources.entity(given->type, d.entity); !r)
            link_error(fmt::format("import `{}` has the wrong type: {}", d.name, r.error().message));
        });
        if (fixed && !args) step->item = *given;
        push(*given, fixed, !args && !synthesized, given_arg ? given_arg->type : nullptr);
        break;
      }
      case Definition::Kind::Export: {
        ComponentItem it = item(d.items[0].item, false);
        if (cached) {
          it.type = cached->entity;
        } else {
          it.type = runtime(d.entity);
          if (step && fixed_type(d.entity)) step->cached = true, step->entity = it.type;
        }
        if (it.type.sort == Sort::Type) it.type.type = *types[d.items[0].item.index];
        ComponentItem& exported = result->exports[d.name];
        exported = std::move(it);
        push(exported, false, true);
        break;
      }
    }
  }
  return result;
}

uint32_t ComponentLinker::max_resource_handles() const {
  return store_.limits().max_resource_handles.value_or(canon::Instance::kDefaultMaxHandles);
}

std::variant<std::shared_ptr<ComponentInstance>, ComponentInstantiationError> ComponentLinker::instantiate(
    std::shared_ptr<const component::Component> c) {
  ComponentFrame* frame = new_frame(std::move(c), nullptr, nullptr);
  if (templates_) {
    frame->plan = templates_->plan();
    if (!frame->plan) {
      frame->recording = std::make_shared<ComponentPlan>();
      frame->recording->steps.resize(frame->comp->definitions.size());
      frame->fresh = std::make_shared<std::unordered_set<const component::ResourceType*>>();
    }
  }
  try {
    size_t funcs_before = store_.func_count();
    if (frame->plan) store_.reserve_funcs(frame->plan->store_funcs);
    auto instance = frame->run(nullptr);
    if (frame->recording) {
      auto plan = frame->finish_recording();
      plan->store_funcs = store_.func_count() - funcs_before;
      templates_->publish(std::move(plan));
    }
    return instance;
  } catch (InstantiationFailed& f) {
    return std::move(f.error);
  }
}

TrapOr<std::optional<Val>> ComponentLinker::call(ComponentFunc& f, std::span<const Val> args) {
  if (f.host_lowered) return wasmrun::Trap{TrapCode::TypeMismatch, "a typed host function cannot be called with Vals"};
  if (f.host) {
    std::vector<Val> a(args.begin(), args.end());
    std::optional<Val> result;
    auto sink = [&](std::optional<Val> v) -> TrapOr<void> {
      result = std::move(v);
      return {};
    };
    if (auto r = f.host(a, sink, nullptr); !r) return r.take_trap();
    return result;
  }
  auto core = [&](std::span<const canon::FlatValue> a, std::span<canon::FlatValue> r) {
    return call_core(store_, f.core, a, r);
  };
  return canon::call_lifted(f.abi, f.options, *f.instance, nullptr, args, core);
}

Expected<void> check_root_imports(const component::Component& c) {
  for (const auto& import : c.type->imports) {
    if (import.type.sort == Sort::Component) return Error{"root-level component imports are not supported"};
  }
  return {};
}

}  // namespace wasmrun::vm
