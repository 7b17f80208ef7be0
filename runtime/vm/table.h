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
  // Elements on the heap, growing as needed.
  Table(const wasm::TableType& type, void* init);
  // Elements in `storage` the caller owns (a pooling-allocator slot), zeroed, with room for
  // `capacity` of them: the table cannot grow past it.
  Table(const wasm::TableType& type, void** storage, uint32_t capacity);

  // table.grow: the old size, or -1 (§4.4.6.4).
  int64_t grow(uint32_t delta, void* init);

  uint32_t size() const { return vm_.size; }
  void* get(uint32_t i) const { return vm_.elements[i]; }
  void set(uint32_t i, void* value) { vm_.elements[i] = value; }
  const wasm::TableType& type() const { return type_; }
  VMTable* vm() { return &vm_; }

 private:
  wasm::TableType type_;
  std::vector<void*> heap_;  // the elements, unless they live in borrowed storage
  bool borrowed_;
  uint32_t capacity_;        // of borrowed storage
  VMTable vm_;
};

}  // namespace wasmrun::vm
