#include "canonical_abi/wave_printer.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "canonical_abi/transcode.h"

namespace wasmrun::wave {

using canon::decode_utf8;
using canon::utf8_length;
using canon::valid_utf8;
using component::Val;

namespace {

bool is_keyword(std::string_view s) {
  for (std::string_view k : {"true", "false", "some", "none", "ok", "err", "inf", "nan"}) {
    if (s == k) return true;
  }
  return false;
}

// The shortest digits that read back as `f`, in plain decimal notation as Rust's Display writes
// floats (no exponent, no `.0` on whole numbers).
template <class F>
void print_float(std::string& out, F f) {
  if (std::isnan(f)) {
    out += "nan";
    return;
  }
  if (std::isinf(f)) {
    out += f < 0 ? "-inf" : "inf";
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string_view sci(buf, size_t(r.ptr - buf));  // -d.ddde+XX
  if (sci.starts_with('-')) {
    out += '-';
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.starts_with('+')) exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  long point = long(exponent) + 1;  // digits before the decimal point
  long n = long(digits.size());
  if (point <= 0) {
    out += "0.";
    out.append(size_t(-point), '0');
    out += digits;
  } else if (point >= n) {
    out += digits;
    out.append(size_t(point - n), '0');
  } else {
    out += digits.substr(0, size_t(point));
    out += '.';
    out += digits.substr(size_t(point));
  }
}

// Characters that Rust's `escape_debug` writes as `\u{...}` besides controls: the common
// invisible format characters and combining marks (an approximation of its tables).
bool invisible(char32_t c) {
  return c == 0xad || (c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
         (c >= 0x2060 && c <= 0x206f) || c == 0xfeff;
}

void print_char(std::string& out, char32_t c) {
  switch (c) {
    case '\\': out += "\\\\"; return;
    case '"': out += "\\\""; return;
    case '\'': out += "\\'"; return;
    case '\t': out += "\\t"; return;
    case '\r': out += "\\r"; return;
    case '\n': out += "\\n"; return;
    default: break;
  }
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || invisible(c)) {
    out += fmt::format("\\u{{{:x}}}", uint32_t(c));
    return;
  }
  canon::append_utf8(out, c);
}

void print_value(std::string& out, const Val& v);

void print_sequence(std::string& out, const std::vector<Val>& elements, char open, char close) {
  out += open;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ", ";
    print_value(out, elements[i]);
  }
  out += close;
}

void print_case(std::string& out, std::string_view name, const Val& v, bool escape_keyword) {
  if (escape_keyword && is_keyword(name)) out += '%';
  out += name;
  if (v.has_payload()) {
    out += '(';
    print_value(out, v.payload());
    out += ')';
  }
}

void print_value(std::string& out, const Val& v) {
  using K = Val::Kind;
  switch (v.kind()) {
    case K::Bool: out += v.as_bool() ? "true" : "false"; return;
    case K::S8: case K::S16: case K::S32: case K::S64: out += fmt::format("{}", v.as_signed()); return;
    case K::U8: case K::U16: case K::U32: case K::U64: out += fmt::format("{}", v.as_unsigned()); return;
    case K::F32: print_float(out, v.as_f32()); return;
    case K::F64: print_float(out, v.as_f64()); return;
    case K::Char:
      out += '\'';
      print_char(out, v.as_char());
      out += '\'';
      return;
    case K::String: {
      // Lifted strings are valid UTF-8; a host's Val may not be: a bad byte prints as U+FFFD.
      const std::string& s = v.as_string();
      out += '"';
      for (size_t i = 0; i < s.size();) {
        size_t n = utf8_length(uint8_t(s[i]));
        bool valid = i + n <= s.size() && valid_utf8(std::string_view(s).substr(i, n));
        print_char(out, valid ? decode_utf8(s, i) : U'\ufffd');
        i += valid ? n : 1;
      }
      out += '"';
      return;
    }
    case K::List: print_sequence(out, v.elements(), '[', ']'); return;
    case K::Tuple: print_sequence(out, v.elements(), '(', ')'); return;
    case K::Record: {
      // Fields that are `none` are left out; `{:}` when nothing is left (`{}` is flags).
      out += '{';
      bool any = false;
      for (size_t i = 0; i < v.elements().size(); ++i) {
        const Val& field = v.elements()[i];
        if (field.kind() == K::Option && !field.is_some()) continue;
        if (any) out += ", ";
        any = true;
        out += v.field_names()[i];
        out += ": ";
        print_value(out, field);
      }
      out += any ? "}" : ":}";
      return;
    }
    case K::Variant: print_case(out, v.case_name(), v, true); return;
    case K::Enum:
      if (is_keyword(v.case_name())) out += '%';
      out += v.case_name();
      return;
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
        print_case(out, "some", v, false);
      } else {
        out += "none";
      }
      return;
    case K::Result: print_case(out, v.is_ok() ? "ok" : "err", v, false); return;
    // WAVE has no syntax for resources yet (README "Resources": TBD); the handle's
    // representation is shown.
    case K::Own: out += fmt::format("own({})", v.resource().rep); return;
    case K::Borrow: out += fmt::format("borrow({})", v.resource().rep); return;
    // Nor for error contexts: the debug message is shown.
    case K::ErrorContext:
      out += "error-context(";
      print_value(out, Val::string(v.error_context().debug_message ? *v.error_context().debug_message : ""));
      out += ")";
      return;
  }
}

}  // namespace

std::string print(const Val& v) {
  std::string out;
  print_value(out, v);
  return out;
}

std::string print_results(const std::optional<Val>& result) { return result ? print(*result) : "()"; }

}  // namespace wasmrun::wave
