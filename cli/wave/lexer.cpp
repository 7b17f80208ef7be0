#include "cli/wave/lexer.h"

namespace wasmrun::wave {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

size_t run_of(std::string_view s, size_t pos, bool (*accept)(char)) {
  size_t n = 0;
  while (pos + n < s.size() && accept(s[pos + n])) ++n;
  return n;
}

bool lower_or_digit(char c) { return is_lower(c) || is_digit(c); }
bool upper_or_digit(char c) { return is_upper(c) || is_digit(c); }

// A word after a hyphen: the longer of `[a-z0-9]+` and `[A-Z0-9]+`.
size_t word_length(std::string_view s, size_t pos) {
  size_t lower = run_of(s, pos, lower_or_digit), upper = run_of(s, pos, upper_or_digit);
  return lower > upper ? lower : upper;
}

}  // namespace

const char* to_string(TokenKind k) {
  switch (k) {
    case TokenKind::BraceOpen: return "`{`";
    case TokenKind::BraceClose: return "`}`";
    case TokenKind::ParenOpen: return "`(`";
    case TokenKind::ParenClose: return "`)`";
    case TokenKind::BracketOpen: return "`[`";
    case TokenKind::BracketClose: return "`]`";
    case TokenKind::Colon: return "`:`";
    case TokenKind::Comma: return "`,`";
    case TokenKind::Number: return "a number";
    case TokenKind::Label: return "a label";
    case TokenKind::Char: return "a char";
    case TokenKind::String: return "a string";
    case TokenKind::MultilineString: return "a multiline string";
    case TokenKind::End: return "the end";
    case TokenKind::Invalid: return "an invalid token";
  }
  return "?";
}

size_t label_length(std::string_view s, size_t pos, bool allow_percent) {
  size_t p = pos;
  if (allow_percent && p < s.size() && s[p] == '%') ++p;
  if (p >= s.size()) return 0;
  size_t first = is_lower(s[p]) ? run_of(s, p, lower_or_digit) : is_upper(s[p]) ? run_of(s, p, upper_or_digit) : 0;
  if (first == 0) return 0;
  p += first;
  while (p < s.size() && s[p] == '-') {
    size_t word = word_length(s, p + 1);
    if (word == 0) break;  // the hyphen is not part of the label
    p += 1 + word;
  }
  return p - pos;
}

size_t escape_length(std::string_view s, size_t pos) {
  if (pos + 1 >= s.size() || s[pos] != '\\') return 0;
  switch (s[pos + 1]) {
    case '\'': case '"': case 't': case 'n': case 'r': case '\\': return 2;
    case 'u': {
      if (pos + 2 >= s.size() || s[pos + 2] != '{') return 0;
      size_t digits = 0;
      while (pos + 3 + digits < s.size() && is_hex(s[pos + 3 + digits])) ++digits;
      if (digits < 1 || digits > 6 || pos + 3 + digits >= s.size() || s[pos + 3 + digits] != '}') return 0;
      return 4 + digits;
    }
    default: return 0;
  }
}

std::optional<char32_t> unescape(std::string_view s, size_t pos) {
  switch (s[pos + 1]) {
    case 't': return U'\t';
    case 'n': return U'\n';
    case 'r': return U'\r';
    case 'u': {
      char32_t c = 0;
      for (size_t i = pos + 3; s[i] != '}'; ++i) {
        char h = s[i];
        c = c << 4 | char32_t(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return std::nullopt;
      return c;
    }
    default: return char32_t(s[pos + 1]);  // ' " and backslash stand for themselves
  }
}

Token Lexer::next() {
  // Whitespace and comments between tokens.
  for (;;) {
    while (pos_ < source_.size() && (source_[pos_] == ' ' || source_[pos_] == '\t' || source_[pos_] == '\n' ||
                                     source_[pos_] == '\r'))
      ++pos_;
    if (source_.substr(pos_, 2) != "//") break;
    while (pos_ < source_.size() && source_[pos_] != '\n') ++pos_;
  }
  size_t start = pos_;
  if (start >= source_.size()) return Token{TokenKind::End, start, start};
  char c = source_[start];
  switch (c) {
    case '{': return make(TokenKind::BraceOpen, start, start + 1);
    case '}': return make(TokenKind::BraceClose, start, start + 1);
    case '(': return make(TokenKind::ParenOpen, start, start + 1);
    case ')': return make(TokenKind::ParenClose, start, start + 1);
    case '[': return make(TokenKind::BracketOpen, start, start + 1);
    case ']': return make(TokenKind::BracketClose, start, start + 1);
    case ':': return make(TokenKind::Colon, start, start + 1);
    case ',': return make(TokenKind::Comma, start, start + 1);
    case '\'': return lex_char(start);
    case '"': return lex_string(start);
    default: break;
  }
  if (c == '-' || is_digit(c)) return lex_number(start);
  if (c == '%' || is_lower(c) || is_upper(c)) return lex_label(start);
  return make(TokenKind::Invalid, start, start + utf8_length(uint8_t(c)));
}

Token Lexer::lex_number(size_t start) {
  std::string_view s = source_;
  size_t p = start;
  if (s[p] == '-') {
    ++p;
    if (s.substr(p, 3) == "inf") return make(TokenKind::Number, start, p + 3);
  }
  if (p >= s.size() || !is_digit(s[p])) return make(TokenKind::Invalid, start, start + 1);
  p += s[p] == '0' ? 1 : run_of(s, p, [](char d) { return is_digit(d); });
  if (p + 1 < s.size() && s[p] == '.' && is_digit(s[p + 1])) p += 1 + run_of(s, p + 1, [](char d) { return is_digit(d); });
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    size_t q = p + 1;
    if (q < s.size() && (s[q] == '+' || s[q] == '-')) ++q;
    size_t digits = run_of(s, q, [](char d) { return is_digit(d); });
    if (digits > 0) p = q + digits;
  }
  return make(TokenKind::Number, start, p);
}

Token Lexer::lex_label(size_t start) {
  size_t n = label_length(source_, start, true);
  if (n == 0) return make(TokenKind::Invalid, start, start + 1);
  return make(TokenKind::Label, start, start + n);
}

Token Lexer::lex_char(size_t start) {
  std::string_view s = source_;
  size_t p = start + 1;
  if (p < s.size() && s[p] == '\\') {
    size_t n = escape_length(s, p);
    if (n == 0) return make(TokenKind::Invalid, start, p + 1);
    p += n;
  } else if (p < s.size() && s[p] != '\'' && s[p] != '\n') {
    p += utf8_length(uint8_t(s[p]));
  } else {
    return make(TokenKind::Invalid, start, p);
  }
  if (p >= s.size() || s[p] != '\'') return make(TokenKind::Invalid, start, p);
  return make(TokenKind::Char, start, p + 1);
}

Token Lexer::lex_string(size_t start) {
  std::string_view s = source_;
  if (s.substr(start, 3) == "\"\"\"") {
    size_t close = s.find("\"\"\"", start + 3);
    if (close == std::string_view::npos) return make(TokenKind::Invalid, start, start + 3);
    return make(TokenKind::MultilineString, start, close + 3);
  }
  size_t p = start + 1;
  while (p < s.size() && s[p] != '"') {
    if (s[p] == '\n') return make(TokenKind::Invalid, start, p);
    if (s[p] == '\\') {
      size_t n = escape_length(s, p);
      if (n == 0) return make(TokenKind::Invalid, start, p + 1);
      p += n;
    } else {
      p += utf8_length(uint8_t(s[p]));
    }
  }
  if (p >= s.size()) return make(TokenKind::Invalid, start, p);
  return make(TokenKind::String, start, p + 1);
}

}  // namespace wasmrun::wave
