// A table (core spec §4.2.8) of references: VMFuncRef* for funcref tables, host pointers for
// externref tables; null is nullptr.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/vm/vmcontext.h"
#include "runtime/wasm/types.h"

namespace wasmrun::vm {

class Table {
 public:
  Table(const wasm::TableType& type, void* init);

  // table.grow: the old size, or -1 (§4.4.6.4).
  int64_t grow(uint32_t delta, void* init);

  uint32_t size() const { return vm_.size; }
  void* get(uint32_t i) const { return elements_[i]; }
  void set(uint32_t i, void* value) { elements_[i] = value; }
  const wasm::TableType& type() const { return type_; }
  VMTable* vm() { return &vm_; }

 private:
  void sync() {
    vm_.elements = elements_.data();
    vm_.size = uint32_t(elements_.size());
  }

  wasm::TableType type_;
  std::vector<void*> elements_;
  VMTable vm_;
};

}  // namespace wasmrun::vm
