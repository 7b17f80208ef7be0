// Component instances (component Explainer "Instance Definitions", CanonicalABI.md "canon lift",
// "canon lower", resource built-ins): instantiation of a validated component in a store — its
// core modules and instances linked together, nested components, aliases, imports and exports —
// and calls into its lifted functions. Lifting and lowering are canonical_abi's; this layer
// binds them to core functions, memories and the store.
#pragma once

#include <map>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "canonical_abi/call.h"
#include "canonical_abi/instance.h"
#include "runtime/component/component.h"
#include "runtime/component/type_matching.h"
#include "runtime/vm/compiled_module.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/instance_pre.h"
#include "wasmrun/component/val.h"

namespace wasmrun::vm {

class ComponentInstance;
struct ComponentFrame;

// A component-level function: lifted from a core function of some component instance, or
// provided by the host.
struct ComponentFunc {
  component::FuncTypePtr type;  // with this store's resource types
  canon::FuncAbi abi;  // compute_abi(*type), always: lowering shares it
  // Lifted.
  FuncInstance* core = nullptr;
  canon::CanonOptions options;
  canon::Instance* instance = nullptr;
  // Host: receives the lifted arguments and gives the result to the sink.
  std::function<component::TrapOr<void>(std::span<component::Val> args, canon::ResultSink on_result,
                                        canon::Instance* caller)>
      host;
  // Host, typed (canonical_abi/typed.h TypedLower): lowered straight from the caller's flat
  // values and memory, with no Val in between. Such a function is called from core code only.
  std::function<component::TrapOr<void>(const canon::FuncAbi& abi, const canon::CanonOptions& opts,
                                        canon::Instance& caller, std::span<const canon::FlatValue> args,
                                        std::span<canon::FlatValue> results)>
      host_lowered;
  bool is_host() const { return host || host_lowered; }
};

// Calls a core function with flat values; a trap comes back as a value (the core trap as is).
component::TrapOr<void> call_core(Store& store, FuncInstance* f, std::span<const canon::FlatValue> args,
                                  std::span<canon::FlatValue> results);

// A trap's message as Wasmtime words it for a component call ("wasm trap: ..." for core traps),
// as its component tests and fused adapters expect.
std::string wasmtime_message(const Trap& trap);


// A component together with the instance whose index spaces its outer aliases see. The frame
// belongs to the linker that instantiated it (a pointer, not a share: frames hold closures).
struct ComponentClosure {
  std::shared_ptr<const component::Component> component;
  ComponentFrame* env = nullptr;
};

// An item of a component sort, with its type as this store sees it (resources resolved).
struct ComponentItem {
  component::EntityType type;
  std::shared_ptr<ComponentFunc> func;
  std::shared_ptr<ComponentInstance> instance;
  std::shared_ptr<ComponentClosure> component;
  std::shared_ptr<const wasm::Module> module;
};

class ComponentInstance {
 public:
  std::map<std::string, ComponentItem, std::less<>> exports;
  const ComponentItem* find(std::string_view name) const;
};

struct ComponentInstantiationError {
  enum class Kind : uint8_t { Link, Trap, Unsupported } kind = Kind::Link;
  std::string message;
  // Kind::Trap: the trap (code, message, frames) when a core module's segments or start function
  // trapped; absent when its instantiation failed otherwise (a limit, an allocation).
  std::optional<wasmrun::Trap> trap;
};

// What instantiating a root component works out the same way every time from the same linker
// items, recorded by the first instantiation from a ComponentTemplates and replayed by the next:
// per definition, the type checks already passed (with the resource bindings they made) and the
// types already substituted; for each nested component instantiated, a plan of its own. Only
// what mentions no per-instance resource is recorded — a resource a component defines (fresh
// per instance, Explainer "Resource types") or one bound through a nested instance, or an
// argument of a nested instantiation whose type mentions one — so an instantiation substitutes
// and checks only types that mention those.
struct ComponentPlan {
  struct Step {
    bool cached = false;
    // Import, AliasExport: what the check bound, a static resource to this store's.
    std::vector<std::pair<const component::ResourceType*, component::ResourceTypePtr>> bindings;
    component::EntityType entity;  // Type (entity.type), Export
    component::FuncTypePtr func;   // CanonLift
    canon::FuncAbi abi;            // CanonLift
    // CoreInstantiate: per import of the module, the core instance that gives it and the
    // position of the item there; AliasCoreExport: the one item.
    std::vector<std::pair<uint32_t, uint32_t>> core_items;
    // CanonLower and the resource built-ins: the core function's signature and host stub.
    std::optional<Engine::HostSignature> host;
    // Instantiate: the plan of the nested component's instantiation.
    std::shared_ptr<const ComponentPlan> nested;
    // Import, AliasExport of the root component: the linker's item, found by name once.
    std::optional<ComponentItem> item;
  };
  std::vector<Step> steps;  // by definition
  // How many items each index space ends with, to reserve.
  size_t core_instances = 0, core_funcs = 0, types = 0, funcs = 0, instances = 0;
  size_t modules = 0, components = 0, tables = 0, memories = 0, globals = 0;
  // How many definitions make host callbacks of each kind (canon lower, the resource,
  // error-context and async built-ins), to size their arrays once.
  size_t lowers = 0, resource_builtins = 0, error_context_builtins = 0, async_builtins = 0;
  // Store functions this instantiation makes, nested components' included, to allocate at once.
  size_t store_funcs = 0;
  size_t bindings = 0;  // resources bound, to size the map once
};

// What every instantiation of one component can share, worked out once (by a component
// InstancePre) and read by instantiations on any thread: per core module its instance template,
// whose imports stay open (sibling instances give them at each instantiation) and whose memory
// images, lazy tables and pool slots make a core instance cost microseconds; and its type.
struct ComponentTemplates {
  struct Core {
    std::shared_ptr<const InstancePre> pre;
    component::ModuleTypePtr type;
  };
  std::unordered_map<const wasm::Module*, Core> cores;

  // The plan of the root component once an instantiation has recorded one (null before).
  std::shared_ptr<const ComponentPlan> plan() const {
    std::lock_guard lock(plan_mutex_);
    return plan_;
  }
  void publish(std::shared_ptr<const ComponentPlan> p) const {
    std::lock_guard lock(plan_mutex_);
    if (!plan_) plan_ = std::move(p);
  }

 private:
  mutable std::mutex plan_mutex_;
  mutable std::shared_ptr<const ComponentPlan> plan_;
};

// Templates of every compiled core module, instances taking slots of `pool` when given.
Expected<std::shared_ptr<const ComponentTemplates>> make_component_templates(
    const std::vector<std::pair<const wasm::Module*, std::shared_ptr<const CompiledModule>>>& compiled,
    std::shared_ptr<PoolingAllocator> pool);

// Instantiates components in one store. Items defined on the linker satisfy the imports of the
// components it instantiates, by name; a versioned interface name also matches imports of an
// older compatible version (Wasmtime's semver rule: a provider of `a:b/c@0.2.12` satisfies
// `a:b/c@0.2.0`).
// What a root component may import, as Wasmtime's embedding restricts it: a host cannot define a
// component (neither the public Linker nor Wasmtime's has a way to), so a root-level component
// import could never be satisfied and is rejected when the component is compiled, with
// Wasmtime's message. (Root exports of components and re-exported imported functions, which
// Wasmtime also rejects, work here and stay accepted.)
Expected<void> check_root_imports(const component::Component& c);

class ComponentLinker {
 public:
  explicit ComponentLinker(Store& store);
  ~ComponentLinker();

  Store& store() { return store_; }

  void define(const std::string& name, ComponentItem item);
  // Machine code compiled beforehand for a core module of the components instantiated here
  // (otherwise each module is compiled on first use by this linker).
  void add_compiled(const wasm::Module* m, std::shared_ptr<const CompiledModule> code) { compiled_[m] = std::move(code); }
  // The same two, as lists the caller keeps alive while this linker instantiates (an
  // InstancePre's resolved imports and its component's code): nothing copied per instance.
  using NamedItems = std::vector<std::pair<std::string, ComponentItem>>;
  using CompiledModules = std::vector<std::pair<const wasm::Module*, std::shared_ptr<const CompiledModule>>>;
  void use_items(const NamedItems* items, const CompiledModules* compiled) {
    items_ = items;
    compiled_list_ = compiled;
  }
  // Core instances from these templates where they have the module (else compiled code alone).
  void use_templates(std::shared_ptr<const ComponentTemplates> t) { templates_ = std::move(t); }
  const ComponentItem* lookup(std::string_view name) const;

  std::variant<std::shared_ptr<ComponentInstance>, ComponentInstantiationError> instantiate(
      std::shared_ptr<const component::Component> c);

  // Calls a function from the host with component values; the result, if any, or a trap.
  component::TrapOr<std::optional<component::Val>> call(ComponentFunc& f, std::span<const component::Val> args);

 private:
  friend struct ComponentFrame;
  std::shared_ptr<const CompiledModule> compiled(const std::shared_ptr<const wasm::Module>& m);
  ComponentFrame* new_frame(std::shared_ptr<const component::Component> c, ComponentFrame* env,
                            canon::Instance* parent);
  const ComponentTemplates::Core* core_template(const wasm::Module* m) const;
  // The handle-table bound of each component instance made here (the store's limit).
  uint32_t max_resource_handles() const;

  Store& store_;
  std::map<std::string, ComponentItem, std::less<>> defined_;
  std::unordered_map<const wasm::Module*, std::shared_ptr<const CompiledModule>> compiled_;
  const NamedItems* items_ = nullptr;
  const CompiledModules* compiled_list_ = nullptr;
  std::shared_ptr<const ComponentTemplates> templates_;
  // Every frame and canonical-ABI instance lives as long as the linker: functions, resource
  // types and handles refer to them. They and their arrays are allocated from `arena_`, freed
  // at once with the linker (an allocation and a free each were a large part of an
  // instantiation from a plan and of its teardown).
  static constexpr size_t kArenaBlock = 8 * 1024;
  // The arena's first block, from a small per-thread cache of them (declared before the arena,
  // it outlives it): a fresh 8 KiB malloc per instantiation made malloc consolidate its fast
  // bins every time (a request that large does), a visible part of a `wasmrun serve` request.
  struct FirstBlock {
    FirstBlock();
    ~FirstBlock();
    FirstBlock(const FirstBlock&) = delete;
    FirstBlock& operator=(const FirstBlock&) = delete;
    void* bytes;
  };
  FirstBlock first_block_;
  std::pmr::monotonic_buffer_resource arena_;
  std::vector<ComponentFrame*> frames_;
};

}  // namespace wasmrun::vm
