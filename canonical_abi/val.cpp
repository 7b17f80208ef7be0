#include "wasmrun/component/val.h"

#include <fmt/format.h>

#include "canonical_abi/transcode.h"

#include <bit>
#include <cmath>

namespace wasmrun::component {

Val::Val(const Val& other) : kind_(other.kind_), bits_(other.bits_) {
  if (other.body_) body_ = std::make_unique<Body>(*other.body_);
}

Val& Val::operator=(const Val& other) {
  if (this != &other) {
    kind_ = other.kind_;
    bits_ = other.bits_;
    body_ = other.body_ ? std::make_unique<Body>(*other.body_) : nullptr;
  }
  return *this;
}

Val::~Val() = default;

const Val::Body& Val::body() const {
  static const Body kEmpty;
  return body_ ? *body_ : kEmpty;
}

Val::Body& Val::make_body() {
  if (!body_) body_ = std::make_unique<Body>();
  return *body_;
}

Val Val::f32(float v) { return scalar(Kind::F32, std::bit_cast<uint32_t>(v)); }
Val Val::f64(double v) { return scalar(Kind::F64, std::bit_cast<uint64_t>(v)); }
float Val::as_f32() const { return std::bit_cast<float>(uint32_t(bits_)); }
double Val::as_f64() const { return std::bit_cast<double>(bits_); }

Val Val::string(std::string utf8) {
  uint32_t units = uint32_t(utf8.size());
  return string_from(std::move(utf8), 0, units);
}

Val Val::string_from(std::string utf8, uint8_t source, uint32_t code_units) {
  Val v;
  v.kind_ = Kind::String;
  v.make_body().text = std::move(utf8);
  v.bits_ = uint64_t(source) << 32 | code_units;
  return v;
}

Val Val::list(std::vector<Val> elements) {
  Val v;
  v.kind_ = Kind::List;
  v.make_body().elements = std::move(elements);
  return v;
}

Val Val::record(std::vector<std::pair<std::string, Val>> fields) {
  Val v;
  v.kind_ = Kind::Record;
  Body& b = v.make_body();
  b.names.reserve(fields.size());
  b.elements.reserve(fields.size());
  for (auto& [name, value] : fields) {
    b.names.push_back(std::move(name));
    b.elements.push_back(std::move(value));
  }
  return v;
}

Val Val::tuple(std::vector<Val> elements) {
  Val v;
  v.kind_ = Kind::Tuple;
  v.make_body().elements = std::move(elements);
  return v;
}

Val Val::variant(std::string case_name, std::optional<Val> payload) {
  Val v;
  v.kind_ = Kind::Variant;
  v.make_body().text = std::move(case_name);
  if (payload) v.make_body().elements.push_back(std::move(*payload));
  return v;
}

Val Val::enumeration(std::string case_name) {
  Val v;
  v.kind_ = Kind::Enum;
  v.make_body().text = std::move(case_name);
  return v;
}

Val Val::flags(std::vector<std::string> set_flags) {
  Val v;
  v.kind_ = Kind::Flags;
  v.make_body().names = std::move(set_flags);
  return v;
}

Val Val::option(std::optional<Val> payload) {
  Val v;
  v.kind_ = Kind::Option;
  if (payload) v.make_body().elements.push_back(std::move(*payload));
  return v;
}

Val Val::ok(std::optional<Val> payload) {
  Val v;
  v.kind_ = Kind::Result;
  if (payload) v.make_body().elements.push_back(std::move(*payload));
  return v;
}

Val Val::err(std::optional<Val> payload) {
  Val v = ok(std::move(payload));
  v.bits_ = 1;
  return v;
}

Val Val::own(ResourceAny r) {
  Val v;
  v.kind_ = Kind::Own;
  r.own = true;
  v.make_body().resource = std::move(r);
  return v;
}

Val Val::borrow(ResourceAny r) {
  Val v;
  v.kind_ = Kind::Borrow;
  r.own = false;
  v.make_body().resource = std::move(r);
  return v;
}

bool Val::operator==(const Val& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::F32:
      if (std::isnan(as_f32()) && std::isnan(other.as_f32())) return true;
      return bits_ == other.bits_;
    case Kind::F64:
      if (std::isnan(as_f64()) && std::isnan(other.as_f64())) return true;
      return bits_ == other.bits_;
    case Kind::String:
      return as_string() == other.as_string();
    case Kind::Own:
    case Kind::Borrow:
      return resource() == other.resource();
    default: {
      if (bits_ != other.bits_) return false;
      const Body& a = body();
      const Body& b = other.body();
      return a.text == b.text && a.names == b.names && a.elements == b.elements;
    }
  }
}

namespace {

void append_escaped(std::string& out, char32_t c, char quote) {
  switch (c) {
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  if (c == char32_t(quote)) {
    out += '\\';
    out += quote;
  } else if (c < 0x20 || c == 0x7f) {
    out += fmt::format("\\u{{{:x}}}", uint32_t(c));
  } else {
    canon::append_utf8(out, c);
  }
}

template <class F>
std::string wave_float(F f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f < 0 ? "-inf" : "inf";
  return fmt::format("{}", f);
}

void print(std::string& out, const Val& v);

void print_sequence(std::string& out, const std::vector<Val>& elements, char open, char close) {
  out += open;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ", ";
    print(out, elements[i]);
  }
  out += close;
}

void print_case(std::string& out, const std::string& name, const Val& v) {
  out += name;
  if (v.has_payload()) {
    out += '(';
    print(out, v.payload());
    out += ')';
  }
}

void print(std::string& out, const Val& v) {
  using K = Val::Kind;
  switch (v.kind()) {
    case K::Bool: out += v.as_bool() ? "true" : "false"; return;
    case K::S8: case K::S16: case K::S32: case K::S64: out += fmt::format("{}", v.as_signed()); return;
    case K::U8: case K::U16: case K::U32: case K::U64: out += fmt::format("{}", v.as_unsigned()); return;
    case K::F32: out += wave_float(v.as_f32()); return;
    case K::F64: out += wave_float(v.as_f64()); return;
    case K::Char:
      out += '\'';
      append_escaped(out, v.as_char(), '\'');
      out += '\'';
      return;
    case K::String: {
      out += '"';
      // Strings are valid UTF-8 here; escape ASCII specials and control bytes, copy the rest.
      for (unsigned char c : v.as_string()) {
        if (c < 0x80) {
          append_escaped(out, c, '"');
        } else {
          out += char(c);
        }
      }
      out += '"';
      return;
    }
    case K::List: print_sequence(out, v.elements(), '[', ']'); return;
    case K::Tuple: print_sequence(out, v.elements(), '(', ')'); return;
    case K::Record:
      out += '{';
      for (size_t i = 0; i < v.elements().size(); ++i) {
        if (i) out += ", ";
        out += v.field_names()[i];
        out += ": ";
        print(out, v.elements()[i]);
      }
      out += '}';
      return;
    case K::Variant: print_case(out, v.case_name(), v); return;
    case K::Enum: out += v.case_name(); return;
    case K::Flags:
      out += '{';
      for (size_t i = 0; i < v.set_flags().size(); ++i) {
        if (i) out += ", ";
        out += v.set_flags()[i];
      }
      out += '}';
      return;
    case K::Option:
      if (v.is_some()) {
        print_case(out, "some", v);
      } else {
        out += "none";
      }
      return;
    case K::Result: print_case(out, v.is_ok() ? "ok" : "err", v); return;
    case K::Own: out += fmt::format("own({})", v.resource().rep); return;
    case K::Borrow: out += fmt::format("borrow({})", v.resource().rep); return;
  }
}

}  // namespace

std::string Val::to_string() const {
  std::string out;
  print(out, *this);
  return out;
}

}  // namespace wasmrun::component
