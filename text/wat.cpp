#include "text/wat.h"

#include "text/component_parser.h"
#include "text/lexer.h"
#include "text/token_cursor.h"
#include "text/wat_module_parser.h"

namespace wasmrun::text {

Expected<std::vector<uint8_t>> parse_wat(std::string_view source, std::string_view file_name) {
  auto tokens = tokenize(source, file_name);
  if (!tokens) return tokens.error();
  TokenCursor c(*tokens, file_name);
  try {
    std::vector<uint8_t> binary;
    if (c.take_form("module")) {
      take_id(c);
      binary = ModuleParser(c).parse();
      c.expect_rparen();
    } else if (c.take_form("component")) {
      std::optional<std::string> id = take_id(c);
      binary = ComponentParser(c, id).parse();
      c.expect_rparen();
    } else {
      binary = ModuleParser(c).parse();
    }
    if (!c.at(TokenKind::End)) c.expected("end of input");
    return binary;
  } catch (const ParseError& e) {
    return Error{e.message};
  }
}

bool is_wat_text(std::span<const uint8_t> bytes) {
  size_t i = 0, n = bytes.size();
  auto at = [&](size_t k, char c) { return k < n && bytes[k] == uint8_t(c); };
  while (i < n) {
    uint8_t b = bytes[i];
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
      ++i;
    } else if (at(i, ';') && at(i + 1, ';')) {
      while (i < n && bytes[i] != '\n') ++i;
    } else if (at(i, '(') && at(i + 1, ';')) {
      // A block comment (they nest, §6.2.3).
      int depth = 0;
      do {
        if (at(i, '(') && at(i + 1, ';')) ++depth, i += 2;
        else if (at(i, ';') && at(i + 1, ')')) --depth, i += 2;
        else ++i;
      } while (depth > 0 && i < n);
    } else {
      return b == '(';
    }
  }
  return false;
}

}  // namespace wasmrun::text
