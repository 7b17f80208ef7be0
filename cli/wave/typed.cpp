#include "cli/wave/typed.h"

#include <fmt/format.h>

#include <cstdlib>
#include <limits>
#include <map>

#include "canonical_abi/transcode.h"
#include "canonical_abi/values.h"
#include "cli/wave/lexer.h"

namespace wasmrun::wave {

using component::FuncType;
using component::Val;
using component::ValueKind;
using component::ValueType;
using Kind = Node::Kind;

namespace {

// Options and results are written flat only when their payload is neither (wasm-wave
// `flattenable`), so `some(none)` and `none` stay apart.
bool flattenable(const ValueType& t) { return t.kind != ValueKind::Option && t.kind != ValueKind::Result; }

class Reader {
 public:
  explicit Reader(std::string_view source) : src_(source) {}

  Expected<Val> read(const Node& n, const ValueType& t) {
    switch (t.kind) {
      case ValueKind::Bool:
        if (n.kind == Kind::True || n.kind == Kind::False) return Val::boolean(n.kind == Kind::True);
        return wrong_type(n, t);
      case ValueKind::S8: return integer<int8_t>(n, t, Val::s8);
      case ValueKind::U8: return integer<uint8_t>(n, t, Val::u8);
      case ValueKind::S16: return integer<int16_t>(n, t, Val::s16);
      case ValueKind::U16: return integer<uint16_t>(n, t, Val::u16);
      case ValueKind::S32: return integer<int32_t>(n, t, Val::s32);
      case ValueKind::U32: return integer<uint32_t>(n, t, Val::u32);
      case ValueKind::S64: return integer<int64_t>(n, t, Val::s64);
      case ValueKind::U64: return integer<uint64_t>(n, t, Val::u64);
      case ValueKind::F32: {
        auto f = floating(n, t);
        if (!f) return f.error();
        return Val::f32(float(*f));
      }
      case ValueKind::F64: {
        auto f = floating(n, t);
        if (!f) return f.error();
        return Val::f64(*f);
      }
      case ValueKind::Char: return character(n, t);
      case ValueKind::String: return string(n, t);
      case ValueKind::List:
      case ValueKind::FixedList:
      case ValueKind::Map: return list(n, t);  // entries as a list of (key, value) tuples
      case ValueKind::Record: return record(n, t);
      case ValueKind::Tuple: return tuple(n, t);
      case ValueKind::Variant: return variant(n, t);
      case ValueKind::Enum: return enumeration(n, t);
      case ValueKind::Option: return option(n, t);
      case ValueKind::Result: return result(n, t);
      case ValueKind::Flags: return flags(n, t);
      case ValueKind::Own:
      case ValueKind::Borrow:
      case ValueKind::ErrorContext:
      case ValueKind::Stream:
      case ValueKind::Future:
        return error_at(fmt::format("unsupported type: a {} cannot be written in WAVE", canon::describe(t)), n.begin,
                        n.end);
    }
    return wrong_type(n, t);
  }

  // A call's parameters: a tuple of the parameter types; trailing options may be left out.
  Expected<std::vector<Val>> params(const Node* tuple, size_t name_end, const FuncType& f) {
    std::vector<Val> out;
    size_t given = tuple ? tuple->children.size() : 0;
    if (given > f.params.size()) {
      const Node& extra = tuple->children[f.params.size()];
      return error_at(fmt::format("invalid params: more params than the {} of `{}`", f.params.size(),
                                  describe_params(f)),
                      extra.begin, extra.end);
    }
    for (size_t i = 0; i < given; ++i) {
      auto v = read(tuple->children[i], *f.params[i].type);
      if (!v) return v.error();
      out.push_back(v.take());
    }
    for (size_t i = given; i < f.params.size(); ++i) {
      if (f.params[i].type->kind != ValueKind::Option) {
        size_t end = tuple ? tuple->end : name_end;
        return error_at(fmt::format("invalid params: missing required param `{}` of `{}`", f.params[i].name,
                                    describe_params(f)),
                        end - 1, end);
      }
      out.push_back(Val::option(std::nullopt));
    }
    return out;
  }

 private:
  static std::string describe_params(const FuncType& f) {
    std::string s = "func(";
    for (size_t i = 0; i < f.params.size(); ++i) {
      if (i) s += ", ";
      s += fmt::format("{}: {}", f.params[i].name, canon::describe(*f.params[i].type));
    }
    return s + ")";
  }

  Error wrong_type(const Node& n, const ValueType& t) const {
    return error_at(fmt::format("invalid value type: `{}` is not a {}", abbreviated(n), canon::describe(t)), n.begin,
                    n.end);
  }
  Error invalid_value(const Node& n, std::string_view why) const {
    return error_at(fmt::format("invalid value `{}`: {}", abbreviated(n), why), n.begin, n.end);
  }
  std::string abbreviated(const Node& n) const {
    std::string_view t = n.text(src_);
    if (t.size() <= 40) return std::string(t);
    size_t cut = 37;
    while (cut > 0 && (uint8_t(t[cut]) & 0xc0) == 0x80) --cut;  // not inside a UTF-8 sequence
    return std::string(t.substr(0, cut)) + "...";
  }

  template <class T>
  Expected<Val> integer(const Node& n, const ValueType& t, Val (*make)(T)) {
    if (n.kind != Kind::Number) return wrong_type(n, t);
    std::string_view s = n.text(src_);
    bool negative = s.starts_with('-');
    if (negative) s.remove_prefix(1);
    if (s.empty() || (negative && !std::numeric_limits<T>::is_signed))
      return invalid_value(n, fmt::format("not a {}", canon::describe(t)));
    // |value| as u64, then range-checked for T (the lexer's numbers have no sign but `-`).
    uint64_t magnitude = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return invalid_value(n, fmt::format("not a {}", canon::describe(t)));
      if (magnitude > (UINT64_MAX - uint64_t(c - '0')) / 10) return invalid_value(n, "out of range");
      magnitude = magnitude * 10 + uint64_t(c - '0');
    }
    uint64_t max = uint64_t(std::numeric_limits<T>::max());
    if (negative ? magnitude > max + 1 : magnitude > max)
      return invalid_value(n, fmt::format("out of range for {}", canon::describe(t)));
    T value = negative ? T(uint64_t(0) - magnitude) : T(magnitude);
    return make(value);
  }

  // A JSON-style number, `inf`, `-inf` or `nan`, rounded to the nearest value (past the range:
  // infinity, as Rust's parse does).
  Expected<double> floating(const Node& n, const ValueType& t) {
    if (n.kind != Kind::Number) return wrong_type(n, t);
    std::string s(n.text(src_));
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    if (t.kind == ValueKind::F32) return double(std::strtof(s.c_str(), nullptr));
    return std::strtod(s.c_str(), nullptr);
  }

  Expected<Val> character(const Node& n, const ValueType& t) {
    if (n.kind != Kind::Char) return wrong_type(n, t);
    size_t inner = n.begin + 1;
    if (src_[inner] != '\\') return Val::character(decode_utf8(src_, inner));
    auto c = unescape(src_, inner);
    if (!c) return invalid_value(n, "invalid character escape");
    return Val::character(*c);
  }

  // The characters of [begin, end): escapes decoded, the rest copied.
  // (A multiline string's escapes were not checked by the lexer.)
  Expected<void> append_decoded(std::string& out, size_t begin, size_t end) {
    for (size_t p = begin; p < end;) {
      if (src_[p] != '\\') {
        out += src_[p++];
        continue;
      }
      size_t length = escape_length(src_.substr(0, end), p);
      auto c = length ? unescape(src_, p) : std::nullopt;
      if (!c) return error_at("invalid character escape", p, p + (length ? length : 1));
      canon::append_utf8(out, *c);
      p += length;
    }
    return {};
  }

  Expected<Val> string(const Node& n, const ValueType& t) {
    std::string out;
    if (n.kind == Kind::String) {
      if (auto ok = append_decoded(out, n.begin + 1, n.end - 1); !ok) return ok.error();
      return Val::string(std::move(out));
    }
    if (n.kind != Kind::MultilineString) return wrong_type(n, t);
    // README "Multiline Strings": `"""` and a line break open it; the spaces before the closing
    // `"""` are the indent every other line must start with and loses; the inner line breaks
    // are `\n`.
    size_t begin = n.begin + 3, end = n.end - 3;
    std::string_view inner = src_.substr(begin, end - begin);
    size_t last_break = inner.rfind('\n');
    if (last_break == std::string_view::npos || (inner[0] != '\n' && inner.substr(0, 2) != "\r\n"))
      return error_at("invalid multiline string: opening \"\"\" must be followed immediately by newline", n.begin,
                      n.begin + 3);
    std::string_view indent = inner.substr(last_break + 1);
    if (indent.find_first_not_of(' ') != std::string_view::npos)
      return error_at("invalid multiline string: closing \"\"\" must be on a line preceded only by spaces", end, n.end);
    size_t line = begin + (inner[0] == '\r' ? 2 : 1);
    size_t stop = begin + last_break;  // the break before the closing line
    bool first = true;
    while (line <= stop) {
      size_t line_end = src_.find('\n', line);
      if (line_end > stop) break;
      if (src_.substr(line, indent.size()) != indent)
        return error_at("invalid multiline string: lines must be indented at least as much as closing \"\"\"", line,
                        line + 1);
      size_t text_end = line_end;
      if (text_end > line + indent.size() && src_[text_end - 1] == '\r') --text_end;
      if (!first) out += '\n';
      first = false;
      if (auto ok = append_decoded(out, line + indent.size(), text_end); !ok) return ok.error();
      line = line_end + 1;
    }
    return Val::string(std::move(out));
  }

  Expected<Val> list(const Node& n, const ValueType& t) {
    if (n.kind != Kind::List) return wrong_type(n, t);
    if (t.kind == ValueKind::FixedList && n.children.size() != t.length)
      return invalid_value(n, fmt::format("{} values for a {}", n.children.size(), canon::describe(t)));
    std::vector<Val> elements;
    elements.reserve(n.children.size());
    for (const Node& child : n.children) {
      auto v = read(child, *t.element);
      if (!v) return v.error();
      elements.push_back(v.take());
    }
    return Val::list(std::move(elements));
  }

  Expected<Val> record(const Node& n, const ValueType& t) {
    if (n.kind != Kind::Record) return wrong_type(n, t);
    std::map<std::string_view, const Node*> given;
    for (size_t i = 0; i < n.children.size(); i += 2) {
      const Node& label = n.children[i];
      std::string_view name = label.label(src_);
      bool known = false;
      for (const auto& f : t.fields) known = known || f.name == name;
      if (!known) return error_at(fmt::format("unknown field `{}`", name), label.begin, label.end);
      given[name] = &n.children[i + 1];
    }
    std::vector<std::pair<std::string, Val>> fields;
    for (const auto& f : t.fields) {
      auto it = given.find(f.name);
      if (it == given.end()) {
        if (f.type->kind != ValueKind::Option) return invalid_value(n, fmt::format("missing field `{}`", f.name));
        fields.emplace_back(f.name, Val::option(std::nullopt));
        continue;
      }
      auto v = read(*it->second, *f.type);
      if (!v) return v.error();
      fields.emplace_back(f.name, v.take());
    }
    return Val::record(std::move(fields));
  }

  Expected<Val> tuple(const Node& n, const ValueType& t) {
    if (n.kind != Kind::Tuple) return wrong_type(n, t);
    if (n.children.size() != t.fields.size())
      return invalid_value(n, fmt::format("{} values for a tuple of {}", n.children.size(), t.fields.size()));
    std::vector<Val> elements;
    for (size_t i = 0; i < t.fields.size(); ++i) {
      auto v = read(n.children[i], *t.fields[i].type);
      if (!v) return v.error();
      elements.push_back(v.take());
    }
    return Val::tuple(std::move(elements));
  }

  // A case's payload: present exactly when the case has a type.
  Expected<std::optional<Val>> payload(const Node& n, std::string_view name, const ValueType* type,
                                       const Node* given) {
    if (type && !given) return invalid_value(n, fmt::format("case `{}` needs a payload", name));
    if (!type && given) return invalid_value(n, fmt::format("case `{}` takes no payload", name));
    if (!type) return std::optional<Val>();
    auto v = read(*given, *type);
    if (!v) return v.error();
    return std::optional<Val>(v.take());
  }

  Expected<Val> variant(const Node& n, const ValueType& t) {
    if (n.kind != Kind::Label && n.kind != Kind::Case) return wrong_type(n, t);
    std::string_view name = n.kind == Kind::Label ? n.label(src_) : n.children[0].label(src_);
    const Node* given = n.kind == Kind::Case ? &n.children[1] : nullptr;
    for (const auto& c : t.cases) {
      if (c.name != name) continue;
      auto p = payload(n, name, c.type.get(), given);
      if (!p) return p.error();
      return Val::variant(c.name, p.take());
    }
    return invalid_value(n, fmt::format("unknown case `{}`", name));
  }

  Expected<Val> enumeration(const Node& n, const ValueType& t) {
    if (n.kind != Kind::Label) return wrong_type(n, t);
    std::string_view name = n.label(src_);
    for (const auto& c : t.names) {
      if (c == name) return Val::enumeration(c);
    }
    return invalid_value(n, fmt::format("unknown case `{}`", name));
  }

  Expected<Val> option(const Node& n, const ValueType& t) {
    if (n.kind == Kind::None) return Val::option(std::nullopt);
    if (n.kind == Kind::Some) {
      auto v = read(n.children[0], *t.element);
      if (!v) return v.error();
      return Val::option(v.take());
    }
    if (!flattenable(*t.element)) return wrong_type(n, t);
    auto v = read(n, *t.element);
    if (!v) return v.error();
    return Val::option(v.take());
  }

  Expected<Val> result(const Node& n, const ValueType& t) {
    if (n.kind == Kind::Ok || n.kind == Kind::Err) {
      bool ok = n.kind == Kind::Ok;
      const Node* given = n.children.empty() ? nullptr : &n.children[0];
      auto p = payload(n, ok ? "ok" : "err", ok ? t.ok.get() : t.err.get(), given);
      if (!p) return p.error();
      return ok ? Val::ok(p.take()) : Val::err(p.take());
    }
    if (!t.ok || !flattenable(*t.ok)) return wrong_type(n, t);
    auto v = read(n, *t.ok);
    if (!v) return v.error();
    return Val::ok(v.take());
  }

  Expected<Val> flags(const Node& n, const ValueType& t) {
    if (n.kind != Kind::Flags) return wrong_type(n, t);
    std::vector<bool> set(t.names.size());
    for (const Node& label : n.children) {
      std::string_view name = label.label(src_);
      size_t i = 0;
      while (i < t.names.size() && t.names[i] != name) ++i;
      if (i == t.names.size()) return error_at(fmt::format("unknown flag `{}`", name), label.begin, label.end);
      set[i] = true;
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < t.names.size(); ++i) {
      if (set[i]) names.push_back(t.names[i]);
    }
    return Val::flags(std::move(names));
  }

  std::string_view src_;
};

}  // namespace

Expected<Val> to_val(const Node& node, std::string_view source, const ValueType& type) {
  return Reader(source).read(node, type);
}

Expected<Val> parse_value(std::string_view source, const ValueType& type) {
  auto node = parse_untyped(source);
  if (!node) return node.error();
  return to_val(*node, source, type);
}

Expected<std::vector<Val>> call_arguments(const UntypedCall& call, std::string_view source, const FuncType& type) {
  return Reader(source).params(call.params ? &*call.params : nullptr, call.name.size(), type);
}

}  // namespace wasmrun::wave
