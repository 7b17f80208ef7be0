// Validation of components (component Explainer, Binary.md; wasmparser's rules where the spec
// leaves a choice): index spaces of every sort, type definitions resolved into types.h trees,
// canonical definitions, instantiation arguments, aliases, names, external visibility of types
// and resources. The decoder (runtime/decode/component_decoder.cpp) calls it as it reads each
// definition, so a component is validated in the pass that decodes it; errors are thrown as
// wasm::DecodeError (malformed = false) and leave it at the decoder's entry point.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "runtime/component/component.h"
#include "runtime/validate/extern_names.h"

namespace wasmrun::component {

// --- What the decoder hands over, indices unresolved ----------------------------------------

struct ValTypeRef {  // `valtype`: a primitive or a type index
  bool indexed = false;
  uint32_t index = 0;
  ValueKind primitive = ValueKind::Bool;
};

struct LabeledType {  // a record field, a function parameter, a variant case (type optional)
  std::string label;
  std::optional<ValTypeRef> type;
};

struct DefValTypeSyntax {  // `defvaltype`
  uint8_t code = 0;        // a type_code, or 0 for a primitive
  ValueKind primitive = ValueKind::Bool;
  std::vector<LabeledType> labeled;  // record fields, variant cases
  std::vector<ValTypeRef> types;     // tuple
  std::vector<std::string> names;    // flags, enum
  std::optional<ValTypeRef> a, b;    // list/option/fixed list/map key: a; result: ok a, err b; map value: b
  uint32_t length = 0;               // fixed list
  uint32_t resource = 0;             // own, borrow: a type index
};

struct FuncTypeSyntax {
  bool async = false;
  std::vector<LabeledType> params;
  std::optional<ValTypeRef> result;
};

struct ExternDescSyntax {
  ExternCode code = ExternCode::Func;
  uint32_t index = 0;          // a (core) type index, or the bound's index
  bool sub_resource = false;   // Type: `(sub resource)` rather than `(eq index)`
  bool value_eq = false;       // Value: `(eq value-index)` rather than a valtype
  ValTypeRef value;            // Value
};

struct NameSyntax {
  std::string name;
  std::optional<std::string> implements;
  size_t offset = 0;
};

struct AliasSyntax {
  enum class Target : uint8_t { Export, CoreExport, Outer } target = Target::Export;
  Sort sort = Sort::Func;
  uint32_t instance_or_count = 0;
  uint32_t index = 0;  // Outer
  std::string name;    // Export, CoreExport
};

struct CanonSyntax {
  const CanonCode* code = nullptr;
  uint32_t func = 0;  // Lift: core func; Lower: func
  // Lift: func type; resource, stream and future built-ins: their type; context.get/set: the
  // slot; thread.new-indirect and spawns: the core func type
  uint32_t type = 0;
  std::vector<std::pair<uint8_t, uint32_t>> options;  // canonopt code, its index (if any)
  bool flag = false;                  // the `async?`, `cancel?` or `shared?` immediate
  uint32_t memory = 0;                // waitable-set.wait/poll
  uint32_t table = 0;                 // thread.new-indirect, thread.spawn-indirect
  std::optional<ValTypeRef> result;   // task.return
  wasm::ValType context_type = wasm::ValType::I32;  // context.get/set
};

// A declaration of a core module type (`core:moduledecl`).
struct ModuleDeclSyntax {
  enum class Kind : uint8_t { Import, Type, Alias, Export } kind = Kind::Import;
  std::string module, name;
  CoreExternType type;           // Import, Export (func types resolved by the decoder's caller)
  uint32_t func_type_index = 0;  // Import, Export of a func or tag: the module type's type index
  wasm::FuncType func;           // Type
  uint32_t outer_count = 0, outer_index = 0;  // Alias
};

// --- The validator ----------------------------------------------------------------------------

// The component-model features beyond the MVP that we implement, each one of Wasmtime's
// switches; all on by default (the spec suite uses them unannounced), and `wasmrun wast` reads
// Wasmtime's `;;! component_model_... = false` lines.
struct ComponentDecodeOptions {
  bool fixed_length_lists = true;  // component-model-fixed-length-lists
  bool implements = true;          // component-model-implements (`implements` names)
  bool error_context = true;       // component-model-error-context: the type and its built-ins
  bool map = true;                 // component-model-map: `map<K, V>`
  // component-model-async: stream and future types, async function types, the `async` and
  // `callback` options, the 🔀 built-ins (tasks, subtasks, waitable sets, streams, futures)
  bool async = true;
  bool threading = true;           // component-model-threading: the 🧵 `thread.*` built-ins
};

class ComponentValidator {
 public:
  enum class ScopeKind : uint8_t { Component, ComponentType, InstanceType };

  explicit ComponentValidator(ComponentDecodeOptions features = {});
  ~ComponentValidator();

  // Components (the outermost one and nested ones).
  void begin_component(std::shared_ptr<Component> ir);
  std::shared_ptr<Component> end_component(size_t offset);

  // Sections, one definition at a time.
  void core_module(std::shared_ptr<const wasm::Module> module, size_t offset);
  void core_instantiate(uint32_t module, std::vector<NamedSortIndex> args, size_t offset);
  void core_inline_instance(std::vector<NamedSortIndex> exports, size_t offset);
  void core_func_type(wasm::FuncType type, size_t offset);
  void core_module_type(const std::vector<ModuleDeclSyntax>& decls, size_t offset);
  void nested_component(std::shared_ptr<const Component> c, size_t offset);
  void instantiate(uint32_t component, std::vector<NamedSortIndex> args, size_t offset);
  void inline_instance(std::vector<std::pair<NameSyntax, SortIndex>> exports, size_t offset);
  void alias(const AliasSyntax& a, size_t offset);
  void defined_type(const DefValTypeSyntax& t, size_t offset);
  void func_type(const FuncTypeSyntax& t, size_t offset);
  void resource_type(wasm::ValType rep, std::optional<uint32_t> dtor, size_t offset);
  void begin_type(ScopeKind kind, size_t offset);  // a component or instance type's declarations
  void end_type(size_t offset);
  void canon(const CanonSyntax& c, size_t offset);
  // The start section needs values, which are not supported: it is reported unsupported.
  void start(uint32_t func, const std::vector<uint32_t>& args, uint32_t results, size_t offset);
  void import(const NameSyntax& name, const ExternDescSyntax& desc, size_t offset);
  void export_(const NameSyntax& name, SortIndex item, const std::optional<ExternDescSyntax>& ascribed, size_t offset);


  [[noreturn]] static void fail(std::string message, size_t offset);
  // A feature outside the synchronous component model: neither valid nor invalid to us.
  [[noreturn]] static void unsupported(std::string message, size_t offset);

  struct Scope;

 private:
  Scope& scope() { return *scopes_.back(); }
  Scope& outer(uint32_t count, size_t offset);

  // Resolution of indices into the current scope's index spaces.
  const TypeDef& type_at(uint32_t index, size_t offset);
  ValueTypePtr valtype(const ValTypeRef& r, size_t offset, bool* vis_import, bool* vis_export);
  FuncTypePtr func_type_at(uint32_t index, size_t offset);
  EntityType entity_of(SortIndex item, size_t offset, bool* vis_import, bool* vis_export);
  EntityType extern_desc(const ExternDescSyntax& d, size_t offset, bool* vis_import, bool* vis_export);
  uint32_t count(Sort s) const;
  void check_index(Sort s, uint32_t index, size_t offset);
  const wasm::FuncType& core_func(uint32_t index, size_t offset);
  CoreExternType core_extern(Sort s, uint32_t index, size_t offset);

  // Adds an entity to the index space of its sort.
  void push_entity(const EntityType& t, bool vis_import, bool vis_export, bool imported_instance);
  void push_type(TypeDef def, bool vis_import, bool vis_export, bool contents_import, bool contents_export,
                 bool nominal = false);

  void check_name(const NameSyntax& n, bool import, const EntityType& t, size_t offset);
  void check_implements(const NameSyntax& ns, const ExternName& n, const EntityType& t);
  void check_annotated_func(const ExternName& n, const EntityType& t, bool import, size_t offset);
  void check_canon_options(const CanonSyntax& c, const FuncType& type, bool lift, size_t offset, CanonOptions& out);
  // The 🔀 and 🧵 built-ins (CanonicalABI.md "Canonical definitions"): their immediates and
  // options, and the core function type each is given.
  void async_builtin(const CanonSyntax& c, size_t offset, Definition& d);
  uint64_t type_size(const ValueTypePtr& t);
  uint64_t value_bytes(const ValueTypePtr& t);  // elem_size with 64-bit pointers
  void count_type(uint64_t size, size_t offset);

  ComponentDecodeOptions features_;
  std::vector<std::unique_ptr<Scope>> scopes_;
  std::unordered_map<const ValueType*, uint64_t> sizes_, bytes_;
  uint64_t total_type_size_ = 0;
};

}  // namespace wasmrun::component
