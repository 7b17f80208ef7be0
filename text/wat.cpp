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

bool is_wasm_binary(std::span<const uint8_t> bytes) {
  return bytes.size() >= 4 && bytes[0] == 0x00 && bytes[1] == 0x61 && bytes[2] == 0x73 && bytes[3] == 0x6D;
}

}  // namespace wasmrun::text
