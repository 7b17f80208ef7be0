#include "cli/wave/syntax.h"

#include <fmt/format.h>

#include <set>

#include "cli/wave/lexer.h"

namespace wasmrun::wave {

std::string_view Node::label(std::string_view source) const {
  std::string_view t = text(source);
  if (!t.empty() && t.front() == '%') t.remove_prefix(1);
  return t;
}

Error error_at(std::string_view what, size_t begin, size_t end) {
  return Error{fmt::format("{} at {}..{}", what, begin, end)};
}

namespace {

// A recursive-descent parser over the lexer, holding the current token as wasm-wave's does.
class Parser {
 public:
  explicit Parser(Lexer lexer) : lex_(lexer) {}

  Expected<Node> value() {
    if (depth_ >= kMaxDepth) return error_at("value nesting too deep", cur_.begin, cur_.end);
    ++depth_;
    auto node = value_inner();
    --depth_;
    return node;
  }

  // The current token is `(`: the elements up to `)`.
  Expected<Node> tuple() {
    size_t start = cur_.begin;
    std::vector<Node> children;
    if (auto ok = sequence(TokenKind::ParenClose, children); !ok) return ok.error();
    if (children.empty()) return error_at("empty tuple", start, cur_.end);
    return Node{Node::Kind::Tuple, start, cur_.end, std::move(children)};
  }

  Expected<void> advance() {
    cur_ = lex_.next();
    if (cur_.kind == TokenKind::Invalid) return error_at("invalid token", cur_.begin, cur_.end);
    if (cur_.kind == TokenKind::End) return error_at("unexpected end of input", cur_.begin, cur_.end);
    return {};
  }

  Expected<void> expect(TokenKind k) {
    if (cur_.kind == k) return {};
    return error_at(fmt::format("unexpected token: expected {}, found {}", to_string(k), to_string(cur_.kind)),
                    cur_.begin, cur_.end);
  }

  bool next_is(TokenKind k) const { return lex_.peek().kind == k; }

  // Nothing but whitespace and comments may remain.
  Expected<void> finish() const {
    Token t = lex_.peek();
    if (t.kind == TokenKind::End) return {};
    return error_at("trailing characters after value", t.begin, t.end);
  }

  const Token& current() const { return cur_; }

 private:
  Node leaf(Node::Kind k) const { return Node{k, cur_.begin, cur_.end, {}}; }
  std::string_view slice() const { return lex_.source().substr(cur_.begin, cur_.end - cur_.begin); }

  Expected<Node> value_inner() {
    if (auto ok = advance(); !ok) return ok.error();
    switch (cur_.kind) {
      case TokenKind::Number: return leaf(Node::Kind::Number);
      case TokenKind::Char: return leaf(Node::Kind::Char);
      case TokenKind::String: return leaf(Node::Kind::String);
      case TokenKind::MultilineString: return leaf(Node::Kind::MultilineString);
      case TokenKind::ParenOpen: return tuple();
      case TokenKind::BracketOpen: {
        size_t start = cur_.begin;
        std::vector<Node> children;
        if (auto ok = sequence(TokenKind::BracketClose, children); !ok) return ok.error();
        return Node{Node::Kind::List, start, cur_.end, std::move(children)};
      }
      case TokenKind::BraceOpen: return record_or_flags();
      case TokenKind::Label: {
        std::string_view s = slice();
        if (s == "true") return leaf(Node::Kind::True);
        if (s == "false") return leaf(Node::Kind::False);
        if (s == "inf" || s == "nan") return leaf(Node::Kind::Number);
        if (s == "none") return leaf(Node::Kind::None);
        if (s == "some") return some();
        if (s == "ok") return result(Node::Kind::Ok);
        if (s == "err") return result(Node::Kind::Err);
        return label_maybe_payload();
      }
      default:
        return error_at(fmt::format("unexpected token {}", to_string(cur_.kind)), cur_.begin, cur_.end);
    }
  }

  // The current token is the opening one: comma-separated values up to `close`; a trailing
  // comma is allowed.
  Expected<void> sequence(TokenKind close, std::vector<Node>& out) {
    if (next_is(close)) return advance();
    for (;;) {
      auto node = value();
      if (!node) return node.error();
      out.push_back(node.take());
      if (auto ok = advance(); !ok) return ok;
      if (cur_.kind != TokenKind::Comma) return expect(close);
      if (next_is(close)) return advance();
    }
  }

  // `(value)` after a case label, `some`, `ok` or `err`.
  Expected<Node> parenthesized() {
    if (auto ok = advance(); !ok) return ok.error();
    if (auto ok = expect(TokenKind::ParenOpen); !ok) return ok.error();
    auto payload = value();
    if (!payload) return payload.error();
    if (auto ok = advance(); !ok) return ok.error();
    if (auto ok = expect(TokenKind::ParenClose); !ok) return ok.error();
    return payload;
  }

  Expected<Node> some() {
    size_t start = cur_.begin;
    auto payload = parenthesized();
    if (!payload) return payload.error();
    return Node{Node::Kind::Some, start, cur_.end, {payload.take()}};
  }

  Expected<Node> result(Node::Kind k) {
    Node node = leaf(k);
    if (next_is(TokenKind::ParenOpen)) {
      auto payload = parenthesized();
      if (!payload) return payload.error();
      node.children.push_back(payload.take());
      node.end = cur_.end;
    }
    return node;
  }

  Expected<Node> label_maybe_payload() {
    Node label = leaf(Node::Kind::Label);
    if (!next_is(TokenKind::ParenOpen)) return label;
    auto payload = parenthesized();
    if (!payload) return payload.error();
    size_t start = label.begin;
    return Node{Node::Kind::Case, start, cur_.end, {std::move(label), payload.take()}};
  }

  Expected<Node> record_or_flags() {
    size_t start = cur_.begin;
    if (auto ok = advance(); !ok) return ok.error();
    if (cur_.kind == TokenKind::Colon) {  // `{:}`, the empty record
      if (auto ok = advance(); !ok) return ok.error();
      if (auto ok = expect(TokenKind::BraceClose); !ok) return ok.error();
      return Node{Node::Kind::Record, start, cur_.end, {}};
    }
    if (cur_.kind == TokenKind::BraceClose) return Node{Node::Kind::Flags, start, cur_.end, {}};
    bool record = next_is(TokenKind::Colon);
    Node node{record ? Node::Kind::Record : Node::Kind::Flags, start, start, {}};
    std::set<std::string_view> seen;
    // As wasm-wave: entries are separated by commas, a trailing one allowed.
    for (;;) {
      if (auto ok = expect(TokenKind::Label); !ok) return ok.error();
      Node label = leaf(Node::Kind::Label);
      std::string_view name = label.label(lex_.source());
      if (!seen.insert(name).second)
        return error_at(fmt::format("duplicate {}: \"{}\"", record ? "field" : "flag", name), label.begin, label.end);
      node.children.push_back(std::move(label));
      if (record) {
        if (auto ok = advance(); !ok) return ok.error();
        if (auto ok = expect(TokenKind::Colon); !ok) return ok.error();
        auto v = value();
        if (!v) return v.error();
        node.children.push_back(v.take());
      }
      if (auto ok = advance(); !ok) return ok.error();
      if (cur_.kind == TokenKind::Comma) {
        if (auto ok = advance(); !ok) return ok.error();
      }
      if (cur_.kind == TokenKind::BraceClose) break;
    }
    node.end = cur_.end;
    return node;
  }

  Lexer lex_;
  Token cur_;
  size_t depth_ = 0;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `0|[1-9][0-9]*`: its length at pos, 0 if none.
size_t version_number(std::string_view s, size_t pos) {
  if (pos >= s.size() || !is_digit(s[pos])) return 0;
  if (s[pos] == '0') return 1;
  size_t n = 0;
  while (pos + n < s.size() && is_digit(s[pos + n])) ++n;
  return n;
}

// `major.minor.patch` at pos: its length, 0 if none.
size_t semver_length(std::string_view s, size_t pos) {
  size_t p = pos;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (p >= s.size() || s[p] != '.') return 0;
      ++p;
    }
    size_t n = version_number(s, p);
    if (n == 0) return 0;
    p += n;
  }
  return p - pos;
}

// The function name at the start of a call, as wasm-wave's FuncNameToken matches it:
// `((label:label)/)?label(.label)?(@semver)?`, labels without `%`. The package form, when it
// does not match whole, falls back to the bare form (longest match).
std::optional<UntypedCall> lex_call_name(std::string_view s) {
  UntypedCall call;
  size_t p = 0;
  size_t ns = label_length(s, 0, false);
  if (ns == 0) return std::nullopt;
  if (ns < s.size() && s[ns] == ':') {
    size_t pkg = label_length(s, ns + 1, false);
    size_t slash = ns + 1 + pkg;
    if (pkg > 0 && slash < s.size() && s[slash] == '/' && label_length(s, slash + 1, false) > 0) {
      call.package = s.substr(0, slash);
      p = slash + 1;
    }
  }
  size_t first = label_length(s, p, false);
  std::string_view name = s.substr(p, first);
  p += first;
  if (p < s.size() && s[p] == '.') {
    if (size_t second = label_length(s, p + 1, false); second > 0) {
      call.interface = name;
      name = s.substr(p + 1, second);
      p += 1 + second;
    }
  }
  call.func = name;
  if (p < s.size() && s[p] == '@') {
    if (size_t v = semver_length(s, p + 1); v > 0) {
      call.version = s.substr(p + 1, v);
      p += 1 + v;
    }
  }
  call.name = s.substr(0, p);
  return call;
}

}  // namespace

Expected<Node> parse_untyped(std::string_view source) {
  if (!valid_utf8(source)) return Error{"WAVE text is not valid UTF-8"};
  Parser parser{Lexer(source)};
  auto node = parser.value();
  if (!node) return node.error();
  if (auto ok = parser.finish(); !ok) return ok.error();
  return node;
}

Expected<UntypedCall> parse_call(std::string_view source) {
  if (!valid_utf8(source)) return Error{"WAVE text is not valid UTF-8"};
  auto call = lex_call_name(source);
  if (!call) return error_at("invalid token: expected a function name", 0, source.empty() ? 0 : 1);
  // A version belongs to a package (wit-parser's ItemName): `f@1.0.0` is not a name.
  if (!call->version.empty() && call->package.empty())
    return error_at("a version needs a package name (`ns:pkg/iface.func@1.0.0`)", 0, call->name.size());
  Parser parser{Lexer(source, call->name.size())};
  if (auto ok = parser.advance(); !ok) return ok.error();
  if (auto ok = parser.expect(TokenKind::ParenOpen); !ok) return ok.error();
  if (parser.next_is(TokenKind::ParenClose)) {
    if (auto ok = parser.advance(); !ok) return ok.error();
  } else {
    auto params = parser.tuple();
    if (!params) return params.error();
    call->params = params.take();
  }
  if (auto ok = parser.finish(); !ok) return ok.error();
  return *call;
}

}  // namespace wasmrun::wave
