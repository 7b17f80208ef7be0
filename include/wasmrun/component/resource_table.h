// The host's side of resources (Wasmtime's `ResourceTable`): host objects that guests hold
// handles to. push() stores an object and gives the Resource<T> whose representation a guest's
// handle carries; get() finds it again when a guest passes the handle back (own or borrow);
// remove() takes it out, typically in the resource's destructor (Linker::resource). A lookup
// checks the entry's C++ type, so a representation of another resource type is refused.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "wasmrun/component/types.h"
#include "wasmrun/expected.h"

namespace wasmrun::component {

class ResourceTable {
 public:
  // At most `capacity` live entries (Wasmtime's default is 1 << 20).
  explicit ResourceTable(uint32_t capacity = uint32_t(1) << 20) : capacity_(capacity) {}

  template <class T>
  Expected<Resource<T>> push(T value) {
    auto object = std::make_unique<Holder<T>>(std::move(value));
    auto index = insert(std::move(object));
    if (!index) return index.error();
    return Resource<T>{*index};
  }

  // The object of a handle, or null when the representation names no live entry of type T.
  template <class T>
  T* get(Resource<T> r) { return find<T>(r.rep); }
  template <class T>
  T* get(Borrow<T> r) { return find<T>(r.rep); }

  // Takes the object out; nullopt when the representation names no live entry of type T.
  template <class T>
  std::optional<T> remove(Resource<T> r) {
    T* found = find<T>(r.rep);
    if (!found) return std::nullopt;
    T value = std::move(*found);
    erase(r.rep);
    return value;
  }

  size_t size() const { return live_; }

 private:
  struct Entry {
    virtual ~Entry() = default;
    virtual const void* type() const = 0;
  };
  template <class T>
  struct Holder final : Entry {
    explicit Holder(T v) : value(std::move(v)) {}
    const void* type() const override { return tag<T>(); }
    T value;
  };
  // One address per type: a type identity without RTTI.
  template <class T>
  static const void* tag() {
    static const char id = 0;
    return &id;
  }

  template <class T>
  T* find(uint32_t rep) {
    if (rep == 0 || rep >= slots_.size() || !slots_[rep] || slots_[rep]->type() != tag<T>()) return nullptr;
    return &static_cast<Holder<T>*>(slots_[rep].get())->value;
  }
  Expected<uint32_t> insert(std::unique_ptr<Entry> e);
  void erase(uint32_t rep);

  uint32_t capacity_;
  size_t live_ = 0;
  std::vector<std::unique_ptr<Entry>> slots_{1};  // representation 0 is never handed out
  std::vector<uint32_t> free_;
};

}  // namespace wasmrun::component
