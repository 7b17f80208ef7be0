#include "text/lexer.h"

#include <fmt/format.h>

#include "text/literals.h"
#include "text/utf8.h"

namespace wasmrun::text {
namespace {

// idchar (§6.2.4): the characters of keywords, numbers and identifiers.
bool is_idchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '/': case ':': case '<': case '=': case '>': case '?': case '@': case '\\':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Characters that may only appear in reserved tokens (3.0 §6.2.5).
bool is_reserved_char(char c) { return c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}'; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct LexError {
  std::string message;
};

class Lexer {
 public:
  Lexer(std::string_view source, std::string_view file) : s_(source), file_(file) {}

  std::vector<Token> run() {
    size_t bad = find_invalid_utf8(s_);
    if (bad != std::string_view::npos) {
      seek(bad);
      fail_here("malformed UTF-8 encoding");
    }
    std::vector<Token> tokens;
    int annotation_depth = 0;  // > 0 while inside `(@name ...)`, whose tokens are dropped
    for (;;) {
      skip_space_and_comments();
      if (pos_ == s_.size()) break;
      Token t = token();
      if (annotation_depth == 0 && t.kind == TokenKind::LParen && pos_ < s_.size() && s_[pos_] == '@') {
        annotation_id(token());
        annotation_depth = 1;
        continue;
      }
      if (annotation_depth > 0) {
        if (t.kind == TokenKind::LParen) ++annotation_depth;
        if (t.kind == TokenKind::RParen) --annotation_depth;
        continue;
      }
      tokens.push_back(t);
    }
    if (annotation_depth > 0) fail_here("unclosed annotation");
    Token end;
    end.kind = TokenKind::End;
    end.line = line_;
    end.column = column();
    end.text = s_.substr(s_.size());
    tokens.push_back(end);
    return tokens;
  }

 private:
  [[noreturn]] void fail_at(uint32_t line, uint32_t column, std::string_view message) {
    throw LexError{fmt::format("{}:{}:{}: {}", file_, line, column, message)};
  }
  [[noreturn]] void fail_at(const Token& t, std::string_view message) { fail_at(t.line, t.column, message); }
  [[noreturn]] void fail_here(std::string_view message) { fail_at(line_, column(), message); }

  // 1-based column of pos_, in characters; cached so a long line costs linear time overall.
  uint32_t column() {
    if (column_pos_ < line_start_ || column_pos_ > pos_) column_pos_ = line_start_, column_ = 1;
    for (; column_pos_ < pos_; ++column_pos_)
      if ((uint8_t(s_[column_pos_]) & 0xC0) != 0x80) ++column_;
    return column_;
  }

  void seek(size_t target) {
    while (pos_ < target) advance();
  }

  void advance() {
    if (s_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  void skip_space_and_comments() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (is_space(c)) {
        advance();
      } else if (c == ';' && peek(1) == ';') {
        while (pos_ < s_.size() && s_[pos_] != '\n') advance();
      } else if (c == '(' && peek(1) == ';') {
        block_comment();
      } else {
        return;
      }
    }
  }

  char peek(size_t ahead) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }

  // Block comments nest (§6.2.3).
  void block_comment() {
    uint32_t line = line_, col = column();
    int depth = 0;
    while (pos_ < s_.size()) {
      if (s_[pos_] == '(' && peek(1) == ';') {
        ++depth;
        advance(), advance();
      } else if (s_[pos_] == ';' && peek(1) == ')') {
        advance(), advance();
        if (--depth == 0) return;
      } else {
        advance();
      }
    }
    fail_at(line, col, "unclosed block comment");
  }

  // `@name` or `@"name"` (3.0 §6.2.6): a nonempty identifier.
  void annotation_id(const Token& t) {
    std::string_view name = t.text.substr(1);
    if (!name.empty() && name[0] == '"') {
      auto bytes = name.size() >= 2 && name.back() == '"' ? parse_string(name) : std::nullopt;
      if (!bytes || bytes->empty() || find_invalid_utf8(*bytes) != std::string::npos)
        fail_at(t, "malformed annotation id");
      return;
    }
    bool plain = !name.empty();
    for (char c : name) plain &= is_idchar(c);
    if (!plain) fail_at(t, "empty or malformed annotation id");
  }

  Token token() {
    Token t;
    t.line = line_;
    t.column = column();
    size_t start = pos_;
    char c = s_[pos_];
    if (c == '(' || c == ')') {
      advance();
      t.kind = c == '(' ? TokenKind::LParen : TokenKind::RParen;
      t.text = s_.substr(start, 1);
      return t;
    }
    // A token is the longest run of identifier characters and strings (3.0 §6.2.5); anything
    // but a lone keyword, number, string or identifier is reserved.
    bool any_string = false, any_reserved = false;
    size_t strings = 0;
    while (pos_ < s_.size()) {
      char d = s_[pos_];
      if (d == '"') {
        string_literal(t);
        any_string = true;
        ++strings;
      } else if (is_idchar(d)) {
        advance();
      } else if (is_reserved_char(d) && !(d == ';' && peek(1) == ';')) {
        any_reserved = true;
        advance();
      } else {
        break;
      }
    }
    if (pos_ == start) fail_at(t, fmt::format("unexpected character {}", printable(c)));
    t.text = s_.substr(start, pos_ - start);
    std::string_view text = t.text;
    if (any_reserved) {
      t.kind = TokenKind::Reserved;
    } else if (any_string) {
      bool quoted_id = text.size() > 1 && text[0] == '$' && text[1] == '"' && strings == 1 && text.back() == '"';
      if (quoted_id) t.kind = TokenKind::Id;
      else if (strings == 1 && text.front() == '"' && text.back() == '"') t.kind = TokenKind::String;
      else t.kind = TokenKind::Reserved;
    } else if (text[0] == '$') {
      t.kind = text.size() > 1 ? TokenKind::Id : TokenKind::Reserved;
    } else if (text[0] >= 'a' && text[0] <= 'z') {
      t.kind = TokenKind::Keyword;
    } else if ((text[0] >= '0' && text[0] <= '9') || text[0] == '+' || text[0] == '-') {
      t.kind = TokenKind::Number;
    } else {
      t.kind = TokenKind::Reserved;
    }
    return t;
  }

  // Skips a string literal, checking its characters; escapes are decoded by the parser.
  void string_literal(const Token& t) {
    advance();  // the opening quote
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        advance();
        return;
      }
      if (c == '\n') break;
      if (uint8_t(c) < 0x20 || c == 0x7F) fail_here(fmt::format("illegal character {} in string", printable(c)));
      if (c == '\\' && pos_ + 1 < s_.size()) advance();
      advance();
    }
    fail_at(t, "unclosed string");
  }

  static std::string printable(char c) {
    if (uint8_t(c) >= 0x20 && uint8_t(c) < 0x7F) return fmt::format("'{}'", c);
    return fmt::format("0x{:02x}", uint8_t(c));
  }

  std::string_view s_;
  std::string_view file_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  size_t column_pos_ = 0;
  uint32_t column_ = 1;
};

}  // namespace

Expected<std::vector<Token>> tokenize(std::string_view source, std::string_view file_name) {
  try {
    return Lexer(source, file_name).run();
  } catch (const LexError& e) {
    return Error{e.message};
  }
}

std::string describe(const Token& token) {
  if (token.kind == TokenKind::End) return "end of input";
  std::string_view text = token.text;
  if (text.size() > 40) return fmt::format("\"{}...\"", text.substr(0, 37));
  return fmt::format("\"{}\"", text);
}

}  // namespace wasmrun::text
