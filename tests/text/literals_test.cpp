#include <doctest/doctest.h>

#include "text/literals.h"

using namespace wasmrun::text;

TEST_CASE("integers: signs, hex, underscores and ranges per width") {
  CHECK(parse_integer("0", 32) == 0u);
  CHECK(parse_integer("-1", 32) == 0xFFFFFFFFu);
  CHECK(parse_integer("4294967295", 32) == 0xFFFFFFFFu);
  CHECK(parse_integer("0xffff_ffff", 32) == 0xFFFFFFFFu);
  CHECK(parse_integer("-0x8000_0000", 32) == 0x80000000u);
  CHECK(parse_integer("+0x7fffffff", 32) == 0x7FFFFFFFu);
  CHECK_FALSE(parse_integer("+0x80000000", 32));  // signed literals stay in the signed range
  CHECK_FALSE(parse_integer("4294967296", 32));
  CHECK_FALSE(parse_integer("-0x8000_0001", 32));
  CHECK(parse_integer("18446744073709551615", 64) == UINT64_MAX);
  CHECK(parse_integer("-9223372036854775808", 64) == 0x8000000000000000u);
  CHECK_FALSE(parse_integer("18446744073709551616", 64));
  CHECK(parse_integer("-128", 8) == 0x80u);
  CHECK(parse_integer("255", 8) == 0xFFu);
  CHECK_FALSE(parse_integer("256", 8));
  for (const char* bad : {"1__0", "_1", "1_", "0x", "0x_1", "1a", "--1", ""}) CHECK_FALSE(parse_integer(bad, 32));
  CHECK(parse_unsigned("65536", UINT32_MAX) == 65536u);
  CHECK_FALSE(parse_unsigned("-1", UINT32_MAX));
}

TEST_CASE("f32: decimal and hex literals round to nearest, ties to even") {
  CHECK(parse_f32("1") == 0x3F800000u);
  CHECK(parse_f32("-0") == 0x80000000u);
  CHECK(parse_f32("0x1p-149") == 0x00000001u);                // smallest subnormal
  CHECK(parse_f32("0x1p-150") == 0x00000000u);                // half of it: ties to even (zero)
  CHECK(parse_f32("0x1.000001p-150") == 0x00000001u);         // just above half
  CHECK(parse_f32("0x1.00000100000000000p-50") == 0x26800000u);  // tie below: even
  CHECK(parse_f32("0x1.000003p-50") == 0x26800002u);          // tie above: even
  CHECK(parse_f32("0x1.fffffefffffffffp127") == 0x7F7FFFFFu);  // below the overflow bound
  CHECK_FALSE(parse_f32("0x1.ffffffp127"));                   // rounds to infinity
  CHECK_FALSE(parse_f32("1e39"));
  CHECK(parse_f32("1e-46") == 0x00000000u);                   // underflows to zero
  CHECK(parse_f32("3.4028235e38") == 0x7F7FFFFFu);
  CHECK(parse_f32("1.000000059604644775390625") == 0x3F800000u);  // exactly half an ulp: even
  CHECK(parse_f32("1_000.5") == 0x447A2000u);
  CHECK(parse_f32("0x1.8p1") == 0x40400000u);
}

TEST_CASE("f64 literals, infinities and NaN payloads") {
  CHECK(parse_f64("0.1") == 0x3FB999999999999Au);
  CHECK(parse_f64("0x1p-1074") == 1u);
  CHECK(parse_f64("-inf") == 0xFFF0000000000000u);
  CHECK(parse_f64("nan") == 0x7FF8000000000000u);
  CHECK(parse_f64("-nan:0x1") == 0xFFF0000000000001u);
  CHECK(parse_f32("nan:0x7fffff") == 0x7FFFFFFFu);
  CHECK_FALSE(parse_f32("nan:0x800000"));  // payload wider than the mantissa
  CHECK_FALSE(parse_f32("nan:0x0"));
  CHECK_FALSE(parse_f64("1e400"));
  for (const char* bad : {".5", "1.e", "0x.8", "0x1p", "1e+", "nan:1", "infinity", "1__0.0"}) CHECK_FALSE(parse_f64(bad));
  CHECK(parse_f64("1.") == 0x3FF0000000000000u);
  CHECK(parse_f64("1.e1") == 0x4024000000000000u);
}

TEST_CASE("strings: escapes and their errors") {
  CHECK(parse_string(R"("a\tb\n\r\"\'\\")") == "a\tb\n\r\"'\\");
  CHECK(parse_string(R"("\00\ff\7F")") == std::string("\x00\xff\x7f", 3));
  CHECK(parse_string(R"("\u{41}\u{1F600}")") == "A\xF0\x9F\x98\x80");
  size_t at = 0;
  CHECK_FALSE(parse_string(R"("ab\q")", &at));
  CHECK(at == 3);
  CHECK_FALSE(parse_string(R"("\u{D800}")"));
  CHECK_FALSE(parse_string(R"("\u{110000}")"));
  CHECK_FALSE(parse_string(R"("\u{}")"));
  CHECK_FALSE(parse_string(R"("\f")"));
}
