#include "wit/lexer.h"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace wasmrun::wit {
namespace {

constexpr std::array<std::pair<std::string_view, Tok>, 43> keywords = {{
    {"as", Tok::As}, {"async", Tok::Async}, {"bool", Tok::Bool}, {"borrow", Tok::Borrow},
    {"char", Tok::Char}, {"constructor", Tok::Constructor}, {"enum", Tok::Enum},
    {"error-context", Tok::ErrorContext}, {"export", Tok::Export}, {"f32", Tok::F32},
    {"f64", Tok::F64}, {"flags", Tok::Flags}, {"from", Tok::From}, {"func", Tok::Func},
    {"future", Tok::Future}, {"import", Tok::Import}, {"include", Tok::Include},
    {"interface", Tok::Interface}, {"list", Tok::List}, {"map", Tok::Map},
    {"option", Tok::Option}, {"own", Tok::Own}, {"package", Tok::Package},
    {"record", Tok::Record}, {"resource", Tok::Resource}, {"result", Tok::Result},
    {"s8", Tok::S8}, {"s16", Tok::S16}, {"s32", Tok::S32}, {"s64", Tok::S64},
    {"static", Tok::Static}, {"stream", Tok::Stream}, {"string", Tok::String},
    {"tuple", Tok::Tuple}, {"type", Tok::Type}, {"u8", Tok::U8}, {"u16", Tok::U16},
    {"u32", Tok::U32}, {"u64", Tok::U64}, {"use", Tok::Use}, {"variant", Tok::Variant},
    {"with", Tok::With}, {"world", Tok::World},
}};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_id_char(char c) { return is_alpha(c) || is_digit(c) || c == '-'; }

// Decodes one UTF-8 character at `pos`; returns its code point and length, or length 0 when the
// bytes are not valid UTF-8.
std::pair<uint32_t, size_t> decode_utf8(std::string_view s, size_t pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  if (c < 0x80) return {c, 1};
  size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
  if (len == 0 || c >= 0xf8 || pos + len > s.size()) return {0, 0};
  uint32_t cp = c & (0x7f >> len);
  for (size_t i = 1; i < len; ++i) {
    unsigned char cc = static_cast<unsigned char>(s[pos + i]);
    if ((cc & 0xc0) != 0x80) return {0, 0};
    cp = (cp << 6) | (cc & 0x3f);
  }
  static constexpr uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {0, 0};
  return {cp, len};
}

// Characters WIT forbids anywhere (WIT.md "Lexical structure"): control codes other than
// tab, newline and carriage return, and the bidirectional overrides.
bool is_forbidden(uint32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n' && cp != '\r';
  if (cp == 0x7f) return true;
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string describe(Tok kind) {
  switch (kind) {
    case Tok::End: return "end of file";
    case Tok::Id: case Tok::ExplicitId: return "an identifier";
    case Tok::Integer: return "an integer";
    case Tok::Equals: return "`=`";
    case Tok::Comma: return "`,`";
    case Tok::Colon: return "`:`";
    case Tok::Semicolon: return "`;`";
    case Tok::LParen: return "`(`";
    case Tok::RParen: return "`)`";
    case Tok::LBrace: return "`{`";
    case Tok::RBrace: return "`}`";
    case Tok::LAngle: return "`<`";
    case Tok::RAngle: return "`>`";
    case Tok::Star: return "`*`";
    case Tok::Arrow: return "`->`";
    case Tok::Slash: return "`/`";
    case Tok::Dot: return "`.`";
    case Tok::At: return "`@`";
    case Tok::Underscore: return "`_`";
    default: break;
  }
  for (const auto& [word, tok] : keywords) {
    if (tok == kind) return fmt::format("keyword `{}`", word);
  }
  return "a token";
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case Tok::Id: return fmt::format("identifier `{}`", token.text);
    case Tok::ExplicitId: return fmt::format("identifier `%{}`", token.text);
    case Tok::Integer: return fmt::format("integer `{}`", token.text);
    default: return describe(token.kind);
  }
}

bool is_kebab_id(std::string_view id) {
  if (id.empty()) return false;
  size_t start = 0;
  for (;;) {
    size_t dash = id.find('-', start);
    std::string_view word = id.substr(start, dash == std::string_view::npos ? dash : dash - start);
    if (word.empty() || !is_alpha(word[0])) return false;
    bool lower = word[0] >= 'a', upper = !lower;
    for (char c : word) {
      if (is_digit(c)) continue;
      if (!is_alpha(c)) return false;
      if ((c >= 'a') != lower || (c < 'a') != upper) return false;
    }
    if (dash == std::string_view::npos) return true;
    start = dash + 1;
  }
}

Error Lexer::error(size_t offset, const std::string& message) const {
  return Error{file_.error_at(uint32_t(offset), message)};
}

Expected<void> Lexer::skip_trivia(std::string& docs) {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos_;
      continue;
    }
    if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos_, end - pos_);
      for (size_t i = 0; i < line.size();) {  // comments may hold any character but forbidden ones
        auto [cp, len] = decode_utf8(line, i);
        if (len == 0) return error(pos_ + i, "invalid UTF-8 in a comment");
        if (is_forbidden(cp) && cp != '\r') return error(pos_ + i, fmt::format("character U+{:04X} is not allowed in WIT", cp));
        i += len;
      }
      bool doc = line.size() >= 3 && line[2] == '/' && !(line.size() >= 4 && line[3] == '/');
      if (doc) {
        std::string_view body = line.substr(3);
        while (!body.empty() && body.back() == '\r') body.remove_suffix(1);  // CRLF, and stray CRs (printing drops them)
        if (!body.empty() && body[0] == ' ') body.remove_prefix(1);
        if (!docs.empty()) docs += '\n';
        docs += body;
      }
      pos_ = end;
      continue;
    }
    if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
      size_t start = pos_;
      bool doc = pos_ + 2 < text_.size() && text_[pos_ + 2] == '*' &&
                 !(pos_ + 3 < text_.size() && (text_[pos_ + 3] == '*' || text_[pos_ + 3] == '/'));
      pos_ += 2;
      int depth = 1;
      while (depth > 0) {
        if (pos_ >= text_.size()) return error(start, "unterminated block comment");
        if (text_.compare(pos_, 2, "/*") == 0) {
          ++depth;
          pos_ += 2;
        } else if (text_.compare(pos_, 2, "*/") == 0) {
          --depth;
          pos_ += 2;
        } else {
          auto [cp, len] = decode_utf8(text_, pos_);
          if (len == 0) return error(pos_, "invalid UTF-8 in a comment");
          if (is_forbidden(cp)) return error(pos_, fmt::format("character U+{:04X} is not allowed in WIT", cp));
          pos_ += len;
        }
      }
      if (doc) {
        if (!docs.empty()) docs += '\n';
        docs += text_.substr(start + 3, pos_ - start - 5);
      }
      continue;
    }
    return {};
  }
  return {};
}

Expected<Token> Lexer::next() {
  Token token;
  if (auto trivia = skip_trivia(token.docs); !trivia) return trivia.error();
  token.offset = uint32_t(pos_);
  if (pos_ >= text_.size()) return token;
  char c = text_[pos_];
  auto single = [&](Tok kind) {
    token.kind = kind;
    token.text = text_.substr(pos_, 1);
    ++pos_;
    return token;
  };
  switch (c) {
    case '=': return single(Tok::Equals);
    case ',': return single(Tok::Comma);
    case ':': return single(Tok::Colon);
    case ';': return single(Tok::Semicolon);
    case '(': return single(Tok::LParen);
    case ')': return single(Tok::RParen);
    case '{': return single(Tok::LBrace);
    case '}': return single(Tok::RBrace);
    case '<': return single(Tok::LAngle);
    case '>': return single(Tok::RAngle);
    case '*': return single(Tok::Star);
    case '/': return single(Tok::Slash);
    case '.': return single(Tok::Dot);
    case '@': return single(Tok::At);
    case '_': return single(Tok::Underscore);
    case '-':
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '>') {
        token.kind = Tok::Arrow;
        token.text = text_.substr(pos_, 2);
        pos_ += 2;
        return token;
      }
      break;
    default: break;
  }
  if (is_digit(c)) {
    size_t start = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    token.kind = Tok::Integer;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }
  bool explicit_id = c == '%';
  if (explicit_id || is_alpha(c)) {
    size_t start = pos_ + (explicit_id ? 1 : 0);
    size_t end = start;
    while (end < text_.size() && is_id_char(text_[end])) ++end;
    std::string_view word = text_.substr(start, end - start);
    pos_ = end;
    token.text = word;
    if (!explicit_id) {
      for (const auto& [kw, tok] : keywords) {
        if (kw == word) {
          token.kind = tok;
          return token;
        }
      }
    }
    if (!is_kebab_id(word)) {
      if (word.empty()) return error(token.offset, "expected an identifier after `%`");
      return error(token.offset, fmt::format("identifier `{}` is not in kebab case: words of letters and digits, "
                                             "each starting with a letter and all lowercase or all uppercase, "
                                             "joined by `-`", word));
    }
    token.kind = explicit_id ? Tok::ExplicitId : Tok::Id;
    return token;
  }
  auto [cp, len] = decode_utf8(text_, pos_);
  if (len == 0) return error(pos_, "invalid UTF-8");
  return error(pos_, fmt::format("unexpected character `{}`", text_.substr(pos_, len)));
}

Expected<Version> Lexer::take_version() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  auto scanned = scan_version(text_.substr(pos_));
  if (!scanned) return error(pos_, "expected a semver version such as `1.2.3` or `0.2.0-rc.1`");
  pos_ += scanned->length;
  return scanned->version;
}

}  // namespace wasmrun::wit
