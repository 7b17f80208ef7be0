// Header and trailer fields: an ordered list of (name, value) pairs. Names are stored as
// received or given; lookups are case-insensitive (RFC 9110 §5.1). HTTP/2 lowercases names on the
// wire (RFC 9113 §8.2.1), which the HTTP/2 code does when it encodes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/syntax.h"

namespace wasmrun::http {

struct Field {
  std::string name;
  std::string value;
};

class Fields {
 public:
  Fields() = default;
  Fields(std::initializer_list<Field> fields) : list_(fields) {}

  void add(std::string_view name, std::string_view value) {
    list_.push_back({std::string(name), std::string(value)});
  }
  // Replaces every field called `name` with one field.
  void set(std::string_view name, std::string_view value) {
    remove(name);
    add(name, value);
  }
  void remove(std::string_view name) {
    std::erase_if(list_, [&](const Field& f) { return iequals(f.name, name); });
  }
  // The first value of `name`, or nullptr.
  const std::string* get(std::string_view name) const {
    for (const Field& f : list_)
      if (iequals(f.name, name)) return &f.value;
    return nullptr;
  }
  bool has(std::string_view name) const { return get(name) != nullptr; }
  size_t count(std::string_view name) const {
    size_t n = 0;
    for (const Field& f : list_) n += iequals(f.name, name);
    return n;
  }

  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  void clear() { list_.clear(); }
  void reserve(size_t n) { list_.reserve(n); }
  auto begin() const { return list_.begin(); }
  auto end() const { return list_.end(); }
  const std::vector<Field>& list() const { return list_; }

 private:
  std::vector<Field> list_;
};

}  // namespace wasmrun::http
