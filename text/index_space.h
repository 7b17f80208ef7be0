// A named index space of the text format (core spec §6.6.1 "identifier context"; component
// Explainer "Index Spaces"): entries are numbered in order of definition, some carry an `$id`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "text/token_cursor.h"

namespace wasmrun::text {

class IndexSpace {
 public:
  uint32_t size() const { return size_; }

  // Appends an entry, named when id is set; a name defined twice is an error at `at`.
  uint32_t add(const TokenCursor& c, const Token& at, const std::optional<std::string>& id, std::string_view kind);
  // Appends an unnamed entry.
  uint32_t add() { return size_++; }

  std::optional<uint32_t> find(const std::string& name) const {
    auto it = names_.find(name);
    if (it == names_.end()) return std::nullopt;
    return it->second;
  }

  // Reads an index: a u32 (taken as is; range checks are validation's job) or an `$id` that must
  // name an entry.
  uint32_t resolve(TokenCursor& c, std::string_view kind) const;

 private:
  uint32_t size_ = 0;
  std::unordered_map<std::string, uint32_t> names_;
};

// An index token: a u32 or an identifier.
inline bool at_index(const TokenCursor& c) { return c.at_id() || c.at_u32(); }

// An optional `$id` at the cursor.
inline std::optional<std::string> take_id(TokenCursor& c) {
  if (!c.at_id()) return std::nullopt;
  return c.id();
}

}  // namespace wasmrun::text
