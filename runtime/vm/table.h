// A table (core spec §4.2.8) of references: VMFuncRef* for funcref tables, host pointers for
// externref tables; null is nullptr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/vm/vmcontext.h"
#include "runtime/wasm/types.h"

namespace wasmrun::vm {

class Table {
 public:
  // `limit`: the embedder's limit on elements (a store's ResourceLimits); growth past it returns
  // -1. The caller checks the minimum against it.
  Table(const wasm::TableType& type, void* init, uint64_t limit = UINT64_MAX);

  // table.grow: the old size, or -1 (§4.4.6.4).
  int64_t grow(uint32_t delta, void* init);

  uint32_t size() const { return vm_.size; }
  void* get(uint32_t i) const { return elements_[i]; }
  void set(uint32_t i, void* value) { elements_[i] = value; }
  const wasm::TableType& type() const { return type_; }
  VMTable* vm() { return &vm_; }
  // Set once the embedder's limit refused a growth the type allowed: what was refused.
  const std::optional<std::string>& limit_refusal() const { return limit_refusal_; }

 private:
  void sync() {
    vm_.elements = elements_.data();
    vm_.size = uint32_t(elements_.size());
  }

  wasm::TableType type_;
  uint64_t limit_;
  std::optional<std::string> limit_refusal_;
  std::vector<void*> elements_;
  VMTable vm_;
};

}  // namespace wasmrun::vm
