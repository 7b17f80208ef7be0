// A store (core spec §4.2.3) owns every runtime object its instances create or import: functions,
// tables, memories, globals and instances themselves. Objects live as long as their store; the
// raw pointers handed out (Extern) stay valid until then. A store is used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "runtime/vm/compiled_module.h"
#include "runtime/vm/engine.h"
#include "runtime/vm/memory.h"
#include "runtime/vm/table.h"

namespace wasmrun::vm {

class Instance;
class Store;

// A table larger than this is refused at creation: its elements would take 80 MB.
constexpr uint64_t kMaxInitialTableElements = 10'000'000;

// What a host function sees of its caller.
struct Caller {
  Store& store;
  Instance* instance;  // the calling instance; null when the host calls a host function directly
  // Set by a host function to end the guest's computation once it returns: the entry point gets
  // a Trap with TrapCode::Exit and this status (WASI proc_exit), whatever the function returned.
  std::optional<uint32_t> exit_status;
};

// A host function gets its arguments in values[0..params) and writes its results to
// values[0..results). An Error becomes a trap carrying its message.
using HostCallback = std::function<Expected<void>(Caller& caller, std::span<VMValue> values)>;

struct FuncInstance {
  VMFuncRef ref;                   // what tables, ref.func and importers point at
  const wasm::FuncType* type;      // owned by the engine's registry
  // The store that made it. A host function called from wasm sees its caller's store instead,
  // so one made for an InstancePre serves instances in any store.
  Store* store = nullptr;
  HostCallback host;               // set for host functions
  Instance* owner = nullptr;       // set for functions defined by an instance
  EntryTrampoline entry = nullptr;  // how the host calls it, found on its first call from the host
};

struct GlobalInstance {
  wasm::GlobalType type;
  alignas(16) uint8_t cell[16] = {};
};

using Extern = std::variant<FuncInstance*, Table*, LinearMemory*, GlobalInstance*>;

inline wasm::ExternKind kind_of(const Extern& e) {
  switch (e.index()) {
    case 0: return wasm::ExternKind::Func;
    case 1: return wasm::ExternKind::Table;
    case 2: return wasm::ExternKind::Memory;
    default: return wasm::ExternKind::Global;
  }
}

// What an embedder allows a store's guests (as Wasmtime's StoreLimits): memories and tables
// whose minimum is over a limit are not created; memory.grow and table.grow past it return -1.
struct ResourceLimits {
  uint64_t max_memory_bytes = UINT64_MAX;    // per linear memory
  uint64_t max_table_elements = UINT64_MAX;  // per table
  std::optional<uint32_t> max_resource_handles;  // per component instance; none: canon's default
};

class Store {
 public:
  explicit Store(Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine& engine() { return engine_; }
  VMStoreContext* context() { return &context_; }

  Expected<FuncInstance*> create_host_func(const wasm::FuncType& type, HostCallback callback);
  FuncInstance* create_host_func(const Engine::HostSignature& signature, HostCallback callback);
  Expected<LinearMemory*> create_memory(const wasm::MemoryType& type);
  Expected<Table*> create_table(const wasm::TableType& type, void* init);
  GlobalInstance* create_global(const wasm::GlobalType& type);
  // A new function of this store, to be filled in (stable address, freed with the store).
  FuncInstance* new_func();
  // Room for `n` more functions in one block: an instantiation that knows how many it makes
  // allocates them at once.
  void reserve_funcs(size_t n);
  // How many functions new_func made.
  size_t func_count() const { return func_count_; }
  LinearMemory* adopt_memory(std::unique_ptr<LinearMemory> memory);
  // Instances are destroyed with the store, latest first (Instance::destroy).
  void adopt_instance(Instance* instance);
  // Destroys `instance`, which must be the latest adopted: an instantiation that failed before
  // anything could refer to it gives its memory (its pool slot) back at once.
  void destroy_last_instance(Instance* instance);

  // Interrupt guests (compiled with epoch checks) once the engine's epoch reaches `deadline`.
  void set_epoch_deadline(uint64_t deadline) { context_.epoch_deadline = deadline; }

  // Applies to the memories and tables created from now on.
  void set_limits(const ResourceLimits& limits) { limits_ = limits; }
  const ResourceLimits& limits() const { return limits_; }
  // Whether a table of this type may be created here (its minimum against the limits).
  Expected<void> check_table_minimum(const wasm::TableType& type) const;
  // What a limit refused last, if any growth was refused (for a run's failure message).
  std::optional<std::string> limit_refusal() const;

  // Whether `ref` is a function reference this store's guests may hold: one of its functions, or
  // a function one of its instances defines or imports. A scan, for the embedding API's checks
  // of values it is given (Table::set of a funcref), never on a wasm path.
  bool owns_func_ref(const VMFuncRef* ref) const;

  void* embedder = nullptr;  // the embedding API's Store object, if any

 private:
  Engine& engine_;
  VMStoreContext context_;
  ResourceLimits limits_;
  // Functions in blocks that never move: functions are made per instance (each lowered
  // function, each core export used), and an allocation per function, or per deque block of
  // five, was a visible part of a component's instantiation and teardown. A block of up to
  // kCachedFuncBlock functions comes from a per-thread cache (a fresh one per store was a
  // malloc large enough to make malloc consolidate its fast bins every request); larger ones
  // are sized by reserve_funcs or grow geometrically.
  static constexpr size_t kCachedFuncBlock = 64;
  struct FuncBlock {
    FuncInstance* funcs;  // storage for `capacity`; the first `used` are constructed
    size_t used = 0, capacity = 0;
  };
  std::vector<FuncBlock> func_blocks_;
  size_t func_count_ = 0;
  std::vector<std::unique_ptr<LinearMemory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<GlobalInstance>> globals_;
  Instance* instances_ = nullptr;  // the latest; each links to the one before
};

}  // namespace wasmrun::vm
