// One scope of a component being encoded: a component, a component or instance type, or a core
// module type. Holds the index spaces of every sort and collects what the scope defines, as
// sections (components) or declarations (types), in definition order.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/component/binary_codes.h"
#include "text/binary_writer.h"
#include "text/core_types.h"
#include "text/index_space.h"

namespace wasmrun::text {

// Sorts and their codes come from the one table the decoder also reads.
using component::Sort;
using component::kSortCount;
using component::is_core;
using component::sort_name;
// The sort's encoding (Binary.md `sort` / `core:sort`): core sorts carry the 0x00 prefix here.
void encode_sort(BinaryWriter& out, Sort s);
void encode_core_sort(BinaryWriter& out, Sort s);  // without the prefix

// What a scope can contain: the section kinds of Binary.md.
using Item = component::SectionId;

class ComponentScope {
 public:
  enum class Kind : uint8_t { Component, ComponentType, InstanceType, ModuleType };

  ComponentScope(Kind kind, std::optional<std::string> id) : kind_(kind), id_(std::move(id)) {}

  Kind kind() const { return kind_; }
  const std::optional<std::string>& id() const { return id_; }
  IndexSpace& space(Sort s) { return s == Sort::CoreType ? core_types_.names : spaces_[size_t(s)]; }
  CoreTypeSpace& core_types() { return core_types_; }

  // Whether this scope may hold the item (types hold only types, aliases, imports, exports).
  bool allows(Item item) const;
  // Appends a definition: a section entry in a component, a declaration in a type.
  void emit(Item item, const BinaryWriter& bytes);
  // An inline `(export "name")` of a definition: emitted after everything else (as wasm-tools
  // does), when it also takes its index.
  void defer_export(Sort sort, BinaryWriter bytes) { deferred_exports_.push_back({sort, std::move(bytes)}); }

  // The finished component binary, or a type's declaration vector.
  std::vector<uint8_t> finish();

 private:
  void flush_section();

  Kind kind_;
  std::optional<std::string> id_;
  std::array<IndexSpace, kSortCount> spaces_;
  CoreTypeSpace core_types_;

  BinaryWriter out_;            // components: finished sections; types: declarations
  uint32_t declarations_ = 0;   // types
  uint8_t open_section_ = 0;    // components: the vector section being filled
  uint32_t open_count_ = 0;
  BinaryWriter open_body_;
  struct DeferredExport {
    Sort sort;
    BinaryWriter bytes;
  };
  std::vector<DeferredExport> deferred_exports_;
};

}  // namespace wasmrun::text
