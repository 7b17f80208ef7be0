#include "text/index_space.h"

#include <fmt/format.h>

namespace wasmrun::text {

uint32_t IndexSpace::add(const TokenCursor& c, const Token& at, const std::optional<std::string>& id,
                         std::string_view kind) {
  if (id) {
    if (!names_.emplace(*id, size_).second) c.fail(at, fmt::format("duplicate {} ${}", kind, *id));
  }
  return size_++;
}

uint32_t IndexSpace::resolve(TokenCursor& c, std::string_view kind) const {
  if (c.at_id()) {
    const Token& at = c.peek();
    std::string name = c.id();
    auto index = find(name);
    if (!index) c.fail(at, fmt::format("unknown {} ${}", kind, name));
    return *index;
  }
  if (!c.at(TokenKind::Number)) c.expected(fmt::format("a {} index", kind));
  return c.u32();
}

}  // namespace wasmrun::text
