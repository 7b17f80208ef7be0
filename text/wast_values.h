// Values in WAST scripts: core constants and reference patterns (`(i32.const 1)`,
// `(f32.const nan:canonical)`, `(ref.null func)`, `(either ...)`) and component-model values
// (`(str.const "x")`, `(record.const (field "a" u8.const 1))`, ...).
#pragma once

#include "text/token_cursor.h"
#include "text/wast_script.h"

namespace wasmrun::text {

class WastValueParser {
 public:
  explicit WastValueParser(TokenCursor& c) : c_(c) {}

  bool at_value() const { return c_.at(TokenKind::LParen); }
  // One `( ... )` value. For a component action every value is a component value (so
  // `(f32.const 1)` is the component f32); otherwise core syntax comes first.
  WastValue value(bool component, bool result);

 private:
  WastValue core(std::string_view keyword, bool result);
  WastValue reference(std::string_view keyword, bool result);
  void v128(WastValue& v, bool result);
  // A component value's body: the keyword and operands inside its parentheses.
  ComponentValue component_body();
  ComponentValue component_value();  // "(" body ")"

  TokenCursor& c_;
  int depth_ = 0;
};

}  // namespace wasmrun::text
