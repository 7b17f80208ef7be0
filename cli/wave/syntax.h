// WAVE values and function calls parsed but not yet typed (wasm-wave's UntypedValue and
// UntypedFuncCall): a tree of nodes over the source text. What a node means depends on the type
// it is read as (cli/wave/typed.h): `{}` is empty flags, `a` an enum case or a variant case,
// `1` a number or `some(1)` flattened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasmrun/expected.h"

namespace wasmrun::wave {

struct Node {
  enum class Kind : uint8_t {
    True, False, Number, Char, String, MultilineString,
    Tuple, List,
    Record,  // children: label, value, label, value, ...
    Label,   // an enum case or a variant case without payload; `%` prefix kept in the span
    Case,    // a variant case with payload: children label, payload
    Some, None, Ok, Err,  // Some has one child, Ok and Err zero or one
    Flags,   // children: labels
  };
  Kind kind = Kind::True;
  size_t begin = 0, end = 0;  // the node's bytes in the source
  std::vector<Node> children;

  std::string_view text(std::string_view source) const { return source.substr(begin, end - begin); }
  // A label's name, without its `%` prefix.
  std::string_view label(std::string_view source) const;
};

// Values nest at most this deep (lists in lists ...), as in wasm-wave: deeper input is an error,
// not a stack overflow.
inline constexpr size_t kMaxDepth = 100;

// Parses one value; nothing but whitespace and comments may follow it. The source must outlive
// the node. Errors say what and where: "unexpected token `)` at 4..5".
Expected<Node> parse_untyped(std::string_view source);

// A function call `name(args...)` as `wasmtime run --invoke` takes it: the name is a WIT item
// name, `func`, `iface.func` or `ns:pkg/iface.func@1.2.3` (wit-parser's ItemName).
struct UntypedCall {
  std::string_view name;                     // as written
  std::string_view package, interface, func, version;  // its parts; empty when absent
  std::optional<Node> params;                // a Tuple; none for `name()`
};
Expected<UntypedCall> parse_call(std::string_view source);

// The message of an error at bytes [begin, end) of the source, in wasm-wave's form.
Error error_at(std::string_view what, size_t begin, size_t end);

}  // namespace wasmrun::wave
