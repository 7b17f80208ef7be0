#include "text/literals.h"

#include <bit>
#include <charconv>
#include <cstring>

#include "text/utf8.h"

namespace wasmrun::text {
namespace {

int digit_value(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (!hex) return -1;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// num / hexnum (§6.3.1): digits, each `_` between two digits. Returns the digits without `_`,
// or nullopt when text is empty or not of that form.
std::optional<std::string> digits_of(std::string_view text, bool hex) {
  std::string out;
  if (text.empty()) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      if (i == 0 || i + 1 == text.size() || text[i + 1] == '_') return std::nullopt;
      continue;
    }
    if (digit_value(c, hex) < 0) return std::nullopt;
    out += c;
  }
  return out;
}

std::optional<uint64_t> accumulate(std::string_view digits, bool hex) {
  uint64_t value = 0;
  uint64_t base = hex ? 16 : 10;
  for (char c : digits) {
    uint64_t d = uint64_t(digit_value(c, hex));
    if (value > (UINT64_MAX - d) / base) return std::nullopt;
    value = value * base + d;
  }
  return value;
}

std::optional<uint64_t> unsigned_value(std::string_view text) {
  bool hex = text.starts_with("0x");
  if (hex) text.remove_prefix(2);
  auto digits = digits_of(text, hex);
  if (!digits) return std::nullopt;
  return accumulate(*digits, hex);
}

// A float's exponent: sign? num, in decimal, clamped far beyond any finite result.
std::optional<int64_t> exponent_of(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) negative = text[0] == '-', text.remove_prefix(1);
  auto digits = digits_of(text, false);
  if (!digits) return std::nullopt;
  int64_t exponent = 0;
  for (char c : *digits) exponent = std::min<int64_t>(exponent * 10 + (c - '0'), 1 << 20);
  return negative ? -exponent : exponent;
}

// The layout of an IEEE 754 binary format.
struct FloatFormat {
  int mantissa_bits;  // stored fraction bits: 23 or 52
  int exponent_bits;  // 8 or 11
  int bias() const { return (1 << (exponent_bits - 1)) - 1; }
  uint64_t infinity() const { return uint64_t((1 << exponent_bits) - 1) << mantissa_bits; }
  uint64_t sign_bit() const { return uint64_t(1) << (mantissa_bits + exponent_bits); }
};

constexpr FloatFormat kF32{23, 8};
constexpr FloatFormat kF64{52, 11};

// Rounds m * 2^e (plus a sticky bit for nonzero digits below m) to the nearest representable
// value, ties to even. nullopt when the result overflows to infinity.
std::optional<uint64_t> round_binary(uint64_t m, int64_t e, bool sticky, const FloatFormat& f) {
  if (m == 0) return 0;
  int msb = 63 - std::countl_zero(m);
  int64_t exponent = msb + e;  // the value is 1.xxx * 2^exponent
  int64_t min_exponent = 1 - f.bias();
  if (exponent > f.bias()) return std::nullopt;
  int64_t keep = f.mantissa_bits + 1;
  bool normal = exponent >= min_exponent;
  if (!normal) keep -= min_exponent - exponent;
  int64_t shift = msb + 1 - keep;
  uint64_t kept;
  if (shift <= 0) {
    kept = m << -shift;
  } else if (shift > 64) {
    kept = 0;  // far below half the smallest subnormal
  } else {
    kept = shift == 64 ? 0 : m >> shift;
    uint64_t rest = shift == 64 ? m : m & ((uint64_t(1) << shift) - 1);
    uint64_t half = uint64_t(1) << (shift - 1);
    if (rest > half || (rest == half && (sticky || (kept & 1)))) ++kept;
  }
  uint64_t bits = normal ? (uint64_t(exponent + f.bias() - 1) << f.mantissa_bits) + kept : kept;
  if (bits >= f.infinity()) return std::nullopt;
  return bits;
}

// hexfloat (§6.3.2) after "0x": hexdigits with an optional fraction and binary exponent.
std::optional<uint64_t> hex_float(std::string_view text, const FloatFormat& f) {
  size_t p = text.find_first_of("pP");
  std::string_view mantissa = text.substr(0, p);
  int64_t exponent = 0;
  if (p != std::string_view::npos) {
    auto e = exponent_of(text.substr(p + 1));
    if (!e) return std::nullopt;
    exponent = *e;
  }
  size_t dot = mantissa.find('.');
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
  auto whole_digits = digits_of(whole, true);
  if (!whole_digits) return std::nullopt;
  std::optional<std::string> fraction_digits = std::string();
  if (!fraction.empty()) fraction_digits = digits_of(fraction, true);
  if (!fraction_digits) return std::nullopt;

  uint64_t m = 0;
  int64_t e = exponent;
  bool sticky = false;
  auto add = [&](char c, bool in_fraction) {
    uint64_t d = uint64_t(digit_value(c, true));
    if (m < (uint64_t(1) << 56)) {
      m = m * 16 + d;
      if (in_fraction) e -= 4;
    } else {
      if (!in_fraction) e += 4;
      sticky |= d != 0;
    }
  };
  for (char c : *whole_digits) add(c, false);
  for (char c : *fraction_digits) add(c, true);
  return round_binary(m, e, sticky, f);
}

// float (§6.3.2) in decimal: digits, optional fraction, optional exponent. Rounded by
// std::from_chars, which is exact; only its out-of-range case needs telling apart.
template <class F>
std::optional<uint64_t> decimal_float(std::string_view text) {
  size_t e = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, e);
  size_t dot = mantissa.find('.');
  auto whole = digits_of(mantissa.substr(0, dot), false);
  if (!whole) return std::nullopt;
  std::string fraction;
  if (dot != std::string_view::npos && dot + 1 < mantissa.size()) {
    auto digits = digits_of(mantissa.substr(dot + 1), false);
    if (!digits) return std::nullopt;
    fraction = *digits;
  }
  int64_t exponent = 0;
  if (e != std::string_view::npos) {
    auto value = exponent_of(text.substr(e + 1));
    if (!value) return std::nullopt;
    exponent = *value;
  }
  std::string normalized = *whole + "." + fraction + "e" + std::to_string(exponent);
  F value{};
  auto [end, ec] = std::from_chars(normalized.data(), normalized.data() + normalized.size(), value);
  if (end != normalized.data() + normalized.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error; underflow rounds to zero. The decimal exponent of the leading
    // nonzero digit tells which.
    size_t first = whole->find_first_not_of('0');
    int64_t magnitude;
    if (first != std::string::npos) {
      magnitude = exponent + int64_t(whole->size() - first);
    } else {
      first = fraction.find_first_not_of('0');
      if (first == std::string::npos) return 0;
      magnitude = exponent - int64_t(first);
    }
    if (magnitude > 0) return std::nullopt;
    return 0;
  }
  if (ec != std::errc()) return std::nullopt;
  if constexpr (sizeof(F) == 4) return std::bit_cast<uint32_t>(value);
  else return std::bit_cast<uint64_t>(value);
}

template <class F>
std::optional<uint64_t> parse_float(std::string_view text, const FloatFormat& f) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) negative = text[0] == '-', text.remove_prefix(1);
  std::optional<uint64_t> bits;
  if (text == "inf") {
    bits = f.infinity();
  } else if (text == "nan") {
    bits = f.infinity() | uint64_t(1) << (f.mantissa_bits - 1);
  } else if (text.starts_with("nan:0x")) {
    auto payload = digits_of(text.substr(6), true);
    if (!payload) return std::nullopt;
    auto value = accumulate(*payload, true);
    if (!value || *value == 0 || *value >= uint64_t(1) << f.mantissa_bits) return std::nullopt;
    bits = f.infinity() | *value;
  } else if (text.starts_with("0x")) {
    bits = hex_float(text.substr(2), f);
  } else if (!text.empty() && text[0] >= '0' && text[0] <= '9') {
    bits = decimal_float<F>(text);
  }
  if (!bits) return std::nullopt;
  return negative ? *bits | f.sign_bit() : *bits;
}

}  // namespace

std::optional<uint64_t> parse_unsigned(std::string_view text, uint64_t max) {
  auto value = unsigned_value(text);
  if (!value || *value > max) return std::nullopt;
  return value;
}

std::optional<SignedLiteral> parse_signed(std::string_view text) {
  SignedLiteral literal;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    literal.negative = text[0] == '-';
    text.remove_prefix(1);
  }
  auto value = unsigned_value(text);
  if (!value) return std::nullopt;
  literal.magnitude = *value;
  if (literal.negative && literal.magnitude == 0) literal.negative = false;
  if (literal.negative && literal.magnitude > (uint64_t(1) << 63)) return std::nullopt;
  return literal;
}

std::optional<uint64_t> parse_integer(std::string_view text, unsigned bits) {
  bool has_sign = !text.empty() && (text[0] == '+' || text[0] == '-');
  auto literal = parse_signed(text);
  if (!literal) return std::nullopt;
  uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
  uint64_t half = uint64_t(1) << (bits - 1);
  if (literal->negative) {
    if (literal->magnitude > half) return std::nullopt;
    return (0 - literal->magnitude) & mask;
  }
  if (has_sign ? literal->magnitude >= half : literal->magnitude > mask) return std::nullopt;
  return literal->magnitude;
}

std::optional<uint32_t> parse_f32(std::string_view text) {
  auto bits = parse_float<float>(text, kF32);
  if (!bits) return std::nullopt;
  return uint32_t(*bits);
}

std::optional<uint64_t> parse_f64(std::string_view text) { return parse_float<double>(text, kF64); }

std::optional<std::string> parse_string(std::string_view token, size_t* error_at) {
  std::string out;
  auto fail = [&](size_t at) -> std::optional<std::string> {
    if (error_at) *error_at = at;
    return std::nullopt;
  };
  size_t end = token.size() - 1;  // the closing quote
  for (size_t i = 1; i < end; ++i) {
    char c = token[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    size_t at = i;
    if (++i >= end) return fail(at);
    char e = token[i];
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\'': out += '\''; break;
      case '\\': out += '\\'; break;
      case 'u': {
        if (i + 1 >= end || token[i + 1] != '{') return fail(at);
        size_t close = token.find('}', i + 2);
        if (close == std::string_view::npos || close >= end) return fail(at);
        auto digits = digits_of(token.substr(i + 2, close - i - 2), true);
        if (!digits) return fail(at);
        auto value = accumulate(*digits, true);
        if (!value) return fail(at);
        uint64_t c32 = *value;
        if (c32 > 0x10FFFF || (c32 >= 0xD800 && c32 < 0xE000)) return fail(at);
        append_utf8(out, uint32_t(c32));
        i = close;
        break;
      }
      default: {
        int hi = digit_value(e, true);
        int lo = i + 1 < end ? digit_value(token[i + 1], true) : -1;
        if (hi < 0 || lo < 0) return fail(at);
        out += char(hi * 16 + lo);
        ++i;
      }
    }
  }
  return out;
}

}  // namespace wasmrun::text
