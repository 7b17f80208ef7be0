// A table (core spec §4.2.8) of references: VMFuncRef* for funcref tables, host pointers for
// externref tables; null is nullptr.
//
// A funcref table an instance defines may be initialised lazily: its element segments are
// worked out once per InstancePre into an image of function indices, and an element still null
// reads as its image entry, resolved (and stored) on first use — so a table of thousands of
// functions costs nothing at instantiation. JIT code takes the slow path through a libcall
// whenever it loads a null element, and stores a null through one, because the first null
// stored resolves the whole image (after it, null means null).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/vm/vmcontext.h"
#include "runtime/wasm/types.h"

namespace wasmrun::vm {

class Instance;

class Table {
 public:
  // Elements on the heap, growing as needed. `limit`: the embedder's limit on elements (a
  // store's ResourceLimits); growth past it returns -1. The caller checks the minimum against it.
  Table(const wasm::TableType& type, void* init, uint64_t limit = UINT64_MAX);
  // Elements in `storage` the caller owns (a pooling-allocator slot), zeroed, with room for
  // `capacity` of them: the table cannot grow past it.
  Table(const wasm::TableType& type, void** storage, uint32_t capacity, uint64_t limit = UINT64_MAX);

  // Elements [0, n) that are null read as function image[i] - 1 of `owner` (0: null).
  void set_lazy_image(const Instance* owner, const uint32_t* image, uint32_t n);

  // table.grow: the old size, or -1 (§4.4.6.4).
  int64_t grow(uint32_t delta, void* init);

  uint32_t size() const { return vm_.size; }
  void* get(uint32_t i) const {
    void* v = vm_.elements[i];
    return v || !lazy_image_ ? v : resolve(i);
  }
  void set(uint32_t i, void* value) {
    if (!value && lazy_image_) resolve_all();
    vm_.elements[i] = value;
  }
  const wasm::TableType& type() const { return type_; }
  VMTable* vm() { return &vm_; }
  // Set once the embedder's limit refused a growth the type allowed: what was refused.
  const std::optional<std::string>& limit_refusal() const { return limit_refusal_; }

 private:
  void* resolve(uint32_t i) const;
  void resolve_all();

  wasm::TableType type_;
  uint64_t limit_;
  std::optional<std::string> limit_refusal_;
  std::vector<void*> heap_;  // the elements, unless they live in borrowed storage
  bool borrowed_;
  uint32_t capacity_;        // of borrowed storage
  VMTable vm_;
  const Instance* lazy_owner_ = nullptr;
  const uint32_t* lazy_image_ = nullptr;
  uint32_t lazy_size_ = 0;
};

}  // namespace wasmrun::vm
