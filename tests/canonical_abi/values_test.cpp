// Lifting and lowering of every kind of value, through memory and through flat values, and the
// traps of bad values.
#include <bit>
#include <cmath>

#include "fixture.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::test;

namespace {

struct Case {
  const char* name;
  ValueTypePtr type;
  Val value;
};

std::vector<Case> every_kind(const ResourceTypePtr& rt) {
  auto u8 = prim(ValueKind::U8);
  auto u32 = prim(ValueKind::U32);
  auto str = prim(ValueKind::String);
  auto shape = variant({{"circle", prim(ValueKind::F32)}, {"square", prim(ValueKind::U64)}, {"none", nullptr}});
  return {
      {"bool true", prim(ValueKind::Bool), Val::boolean(true)},
      {"bool false", prim(ValueKind::Bool), Val::boolean(false)},
      {"s8", prim(ValueKind::S8), Val::s8(-128)},
      {"u8", u8, Val::u8(255)},
      {"s16", prim(ValueKind::S16), Val::s16(-12345)},
      {"u16", prim(ValueKind::U16), Val::u16(65535)},
      {"s32", prim(ValueKind::S32), Val::s32(-2147483647 - 1)},
      {"u32", u32, Val::u32(4000000000u)},
      {"s64", prim(ValueKind::S64), Val::s64(-(int64_t(1) << 62))},
      {"u64", prim(ValueKind::U64), Val::u64(~uint64_t(0))},
      {"f32", prim(ValueKind::F32), Val::f32(-1.5f)},
      {"f32 -0", prim(ValueKind::F32), Val::f32(-0.0f)},
      {"f64", prim(ValueKind::F64), Val::f64(3.141592653589793)},
      {"f64 inf", prim(ValueKind::F64), Val::f64(-INFINITY)},
      {"char", prim(ValueKind::Char), Val::character(U'🍰')},
      {"string", str, Val::string("hö☃🍰")},
      {"empty string", str, Val::string("")},
      {"list<u32>", list(u32), Val::list({Val::u32(1), Val::u32(2), Val::u32(3)})},
      {"empty list", list(u32), Val::list({})},
      {"list<string>", list(str), Val::list({Val::string("a"), Val::string("bc")})},
      {"list<list<u8>>", list(list(u8)), Val::list({Val::list({Val::u8(1)}), Val::list({})})},
      {"fixed list", fixed_list(prim(ValueKind::U16), 3), Val::list({Val::u16(1), Val::u16(2), Val::u16(3)})},
      {"record", record({{"a", u8}, {"b", str}, {"c", prim(ValueKind::U64)}}),
       Val::record({{"a", Val::u8(7)}, {"b", Val::string("x")}, {"c", Val::u64(9)}})},
      {"tuple", tuple({u8, prim(ValueKind::F64)}), Val::tuple({Val::u8(1), Val::f64(2.5)})},
      {"variant f32 case", shape, Val::variant("circle", Val::f32(2.5f))},
      {"variant u64 case", shape, Val::variant("square", Val::u64(1ull << 40))},
      {"variant empty case", shape, Val::variant("none")},
      {"enum", enumeration({"a", "b", "c"}), Val::enumeration("c")},
      {"flags", flags(numbered(20)), Val::flags({"f0", "f9", "f19"})},
      {"no flags", flags(numbered(3)), Val::flags({})},
      {"option some", option(str), Val::option(Val::string("yes"))},
      {"option none", option(str), Val::option(std::nullopt)},
      {"result ok", result(u32, str), Val::ok(Val::u32(5))},
      {"result err", result(u32, str), Val::err(Val::string("bad"))},
      {"result no payloads", result(nullptr, nullptr), Val::err()},
      {"option<option<u8>>", option(option(u8)), Val::option(Val::option(std::nullopt))},
      {"own", handle(ValueKind::Own, rt), Val::own({rt, 42, true})},
      {"borrow", handle(ValueKind::Borrow, rt), Val::borrow({rt, 43, false})},
  };
}

}  // namespace

TEST_CASE("every kind of value survives store/load and lower_flat/lift_flat") {
  auto rt = resource_type("r");
  for (const auto& c : every_kind(rt)) {
    CAPTURE(c.name);
    Guest g;
    Cx cx = g.cx();
    uint32_t ptr = align_to(64, alignment(*c.type));
    auto stored = catch_trap([&] {
      store(cx, c.value, *c.type, ptr);
      return load(cx, ptr, *c.type);
    });
    REQUIRE_MESSAGE(stored.ok(), stored.trap().message);
    CHECK_MESSAGE(*stored == c.value, (stored->to_string() + " vs " + c.value.to_string()));

    FlatValue flat[32];
    FlatWriter writer{flat};
    auto lifted = catch_trap([&] {
      lower_flat(cx, c.value, *c.type, writer);
      FlatReader reader{std::span<const FlatValue>(flat, writer.count)};
      Val v = lift_flat(cx, reader, *c.type);
      CHECK(reader.next_index == writer.count);
      return v;
    });
    REQUIRE_MESSAGE(lifted.ok(), lifted.trap().message);
    CHECK(writer.count == flat_count(*c.type));
    CHECK_MESSAGE(*lifted == c.value, (lifted->to_string() + " vs " + c.value.to_string()));
  }
}

TEST_CASE("memory layout of a record and a variant is the spec's") {
  Guest g;
  Cx cx = g.cx();
  auto t = record({{"a", prim(ValueKind::U8)}, {"b", prim(ValueKind::U32)}, {"c", prim(ValueKind::U16)}});
  REQUIRE(catch_trap([&] { store(cx, Val::record({{"a", Val::u8(1)}, {"b", Val::u32(2)}, {"c", Val::u16(3)}}), *t, 16); }));
  CHECK(g.memory[16] == 1);
  CHECK(g.get32(20) == 2);
  CHECK(load_le<uint16_t>(&g.memory[24]) == 3);

  auto v = result(prim(ValueKind::U64), nullptr);
  REQUIRE(catch_trap([&] { store(cx, Val::ok(Val::u64(0x1122334455667788)), *v, 32); }));
  CHECK(g.memory[32] == 0);
  CHECK(load_le<uint64_t>(&g.memory[40]) == 0x1122334455667788);
}

TEST_CASE("variant payloads are coerced into their joined flat slots") {
  Guest g;
  Cx cx = g.cx();
  auto t = variant({{"a", prim(ValueKind::F32)}, {"b", prim(ValueKind::U64)}});  // [i32, i64]
  FlatValue flat[2];
  FlatWriter writer{flat};
  REQUIRE(catch_trap([&] { lower_flat(cx, Val::variant("a", Val::f32(1.0f)), *t, writer); }));
  CHECK(flat[0] == 0);
  CHECK(flat[1] == std::bit_cast<uint32_t>(1.0f));  // the f32 bits, zero-extended to i64

  // An i64 slot holding a case's i32 is read from its low 32 bits (wrap_i64_to_i32).
  auto u = variant({{"a", prim(ValueKind::U32)}, {"b", prim(ValueKind::U64)}});
  FlatValue in[] = {0, 0xffffffff00000005ull};
  FlatReader reader{in};
  auto lifted = catch_trap([&] { return lift_flat(cx, reader, *u); });
  REQUIRE(lifted.ok());
  CHECK(*lifted == Val::variant("a", Val::u32(5)));
}

TEST_CASE("integers lifted from flat values keep their low bits; bools are any non-zero") {
  Guest g;
  Cx cx = g.cx();
  auto lift1 = [&](ValueKind k, FlatValue v) {
    FlatValue in[] = {v};
    FlatReader r{in};
    return lift_flat(cx, r, *prim(k));
  };
  CHECK(lift1(ValueKind::U8, 0x1ff) == Val::u8(255));
  CHECK(lift1(ValueKind::S8, 0xff) == Val::s8(-1));
  CHECK(lift1(ValueKind::S16, 0x18000) == Val::s16(-32768));
  CHECK(lift1(ValueKind::U16, 0xabcd1234) == Val::u16(0x1234));
  CHECK(lift1(ValueKind::S32, 0xffffffff) == Val::s32(-1));
  CHECK(lift1(ValueKind::Bool, 2) == Val::boolean(true));
  CHECK(lift1(ValueKind::Bool, 0x100) == Val::boolean(true));
  CHECK(lift1(ValueKind::Bool, 0) == Val::boolean(false));
  g.memory[8] = 7;
  CHECK(load(cx, 8, *prim(ValueKind::Bool)) == Val::boolean(true));

  FlatValue out[1];
  FlatWriter w{out};
  lower_flat(cx, Val::s8(-1), *prim(ValueKind::S8), w);
  CHECK(out[0] == 0xffffffffu);  // sign-extended to i32, zero-extended in the slot
}

TEST_CASE("NaNs are canonicalized both ways") {
  Guest g;
  Cx cx = g.cx();
  g.put32(0, 0x7fa00001);  // a signalling NaN with payload
  Val v = load(cx, 0, *prim(ValueKind::F32));
  CHECK(std::isnan(v.as_f32()));
  CHECK(std::bit_cast<uint32_t>(v.as_f32()) == 0x7fc00000u);
  store(cx, Val::f32(std::bit_cast<float>(0xffc12345u)), *prim(ValueKind::F32), 4);
  CHECK(g.get32(4) == 0x7fc00000u);
  FlatValue out[1];
  FlatWriter w{out};
  lower_flat(cx, Val::f64(std::bit_cast<double>(0xfff0000000000001ull)), *prim(ValueKind::F64), w);
  CHECK(out[0] == 0x7ff8000000000000ull);
  CHECK(Val::f32(NAN) == Val::f32(std::bit_cast<float>(0x7fa00001u)));
  CHECK_FALSE(Val::f32(0.0f) == Val::f32(-0.0f));
}

TEST_CASE("invalid chars trap") {
  Guest g;
  Cx cx = g.cx();
  for (uint32_t bad : {0xd800u, 0xdfffu, 0x110000u, 0xffffffffu}) {
    CAPTURE(bad);
    g.put32(0, bad);
    check_trap([&] { return load(cx, 0, *prim(ValueKind::Char)); }, TrapCode::InvalidChar, "invalid `char` bit pattern");
    FlatValue in[] = {bad};
    FlatReader r{in};
    check_trap([&] { return lift_flat(cx, r, *prim(ValueKind::Char)); }, TrapCode::InvalidChar, "invalid `char` bit pattern");
    check_trap([&] { store(cx, Val::character(bad), *prim(ValueKind::Char), 0); }, TrapCode::InvalidChar, "invalid `char`");
  }
  g.put32(0, 0xd7ff);
  CHECK(load(cx, 0, *prim(ValueKind::Char)) == Val::character(0xd7ff));
  g.put32(0, 0x10ffff);
  CHECK(load(cx, 0, *prim(ValueKind::Char)) == Val::character(0x10ffff));
}

TEST_CASE("discriminants out of range trap") {
  Guest g;
  Cx cx = g.cx();
  auto e = enumeration({"a", "b", "c"});
  g.memory[0] = 3;
  check_trap([&] { return load(cx, 0, *e); }, TrapCode::InvalidDiscriminant, "invalid variant discriminant");
  g.memory[0] = 2;
  auto o = option(prim(ValueKind::U8));
  check_trap([&] { return load(cx, 0, *o); }, TrapCode::InvalidDiscriminant, "invalid variant discriminant");
  auto r = result(nullptr, nullptr);
  FlatValue in[] = {2};
  FlatReader reader{in};
  check_trap([&] { return lift_flat(cx, reader, *r); }, TrapCode::InvalidDiscriminant, "invalid variant discriminant");
  // Lifted by the host, the message names the index and the range, as Wasmtime's host does.
  Cx host = g.cx(true);
  g.memory[0] = 3;
  check_trap([&] { return load(host, 0, *e); }, TrapCode::InvalidDiscriminant, "discriminant 3 out of range [0..3)");
  // Unknown flag bits are ignored, not a trap.
  g.memory[0] = 0xff;
  CHECK(load(cx, 0, *flags({"x", "y"})) == Val::flags({"x", "y"}));
}

TEST_CASE("lists out of bounds, misaligned or too long trap, in both wordings") {
  Guest g;
  Cx cx = g.cx();
  auto t = list(prim(ValueKind::U32));
  auto lift_list = [&](Cx& c, uint32_t ptr, uint32_t len) {
    FlatValue in[] = {ptr, len};
    FlatReader r{in};
    return lift_flat(c, r, *t);
  };
  check_trap([&] { return lift_list(cx, 65532, 2); }, TrapCode::OutOfBounds, "list content out-of-bounds");
  check_trap([&] { return lift_list(cx, 2, 1); }, TrapCode::UnalignedPointer, "unaligned pointer");
  check_trap([&] { return lift_list(cx, 0, 1u << 27); }, TrapCode::TooLong, "out-of-bounds");
  Cx host = g.cx(true);
  check_trap([&] { return lift_list(host, 65532, 2); }, TrapCode::OutOfBounds, "list pointer/length out of bounds of memory");
  CHECK(lift_list(cx, 65532, 1) == Val::list({Val::u32(0)}));
  // An empty list is still bounds-checked.
  check_trap([&] { return lift_list(cx, 0xdeadbeec, 0); }, TrapCode::OutOfBounds, "list content out-of-bounds");
}

TEST_CASE("realloc results are checked") {
  Guest g;
  auto t = list(prim(ValueKind::U32));
  Val v = Val::list({Val::u32(1), Val::u32(2)});
  auto lower_list = [&](Cx& c) {
    FlatValue out[2];
    FlatWriter w{out};
    lower_flat(c, v, *t, w);
  };
  g.forced_result = 2;
  Cx cx = g.cx();
  check_trap([&] { lower_list(cx); }, TrapCode::ReallocUnaligned, "unaligned pointer");
  Cx host = g.cx(true);
  check_trap([&] { lower_list(host); }, TrapCode::ReallocUnaligned, "realloc return: result not aligned");
  g.forced_result = 65532;
  check_trap([&] { lower_list(cx); }, TrapCode::ReallocOutOfBounds, "list content out-of-bounds");
  check_trap([&] { lower_list(host); }, TrapCode::ReallocOutOfBounds, "realloc return: beyond end of memory");
  // Even an empty list calls realloc(0, 0, align, 0), and its result is bounds-checked.
  g.forced_result = 0xfffffffc;
  v = Val::list({});
  check_trap([&] { lower_list(host); }, TrapCode::ReallocOutOfBounds, "beyond end of memory");
  CHECK(g.reallocs.back() == ReallocCall{0, 0, 4, 0, 0xfffffffc});
  CHECK_FALSE(g.inst.may_leave == false);  // restored after the call
}

TEST_CASE("host values that do not match the type trap as type mismatches") {
  Guest g;
  Cx cx = g.cx();
  check_trap([&] { store(cx, Val::u32(1), *prim(ValueKind::String), 0); }, TrapCode::TypeMismatch, "expected string");
  check_trap([&] { store(cx, Val::u8(1), *prim(ValueKind::S8), 0); }, TrapCode::TypeMismatch, "type mismatch");
  auto r = record({{"a", prim(ValueKind::U8)}});
  check_trap([&] { store(cx, Val::record({{"b", Val::u8(1)}}), *r, 0); }, TrapCode::TypeMismatch, "expected record");
  auto v = variant({{"a", prim(ValueKind::U8)}, {"b", nullptr}});
  check_trap([&] { store(cx, Val::variant("c"), *v, 0); }, TrapCode::TypeMismatch, "expected variant");
  check_trap([&] { store(cx, Val::variant("a"), *v, 0); }, TrapCode::TypeMismatch, "expected variant");
  check_trap([&] { store(cx, Val::variant("b", Val::u8(1)), *v, 0); }, TrapCode::TypeMismatch, "expected variant");
  check_trap([&] { store(cx, Val::flags({"z"}), *flags({"a"}), 0); }, TrapCode::TypeMismatch, "expected flags");
  check_trap([&] { store(cx, Val::list({Val::u8(1)}), *fixed_list(prim(ValueKind::U8), 2), 0); }, TrapCode::TypeMismatch,
             "expected list<u8, 2>");
  auto r1 = resource_type("r1");
  auto r2 = resource_type("r2");
  check_trap([&] { store(cx, Val::own({r1, 1, true}), *handle(ValueKind::Own, r2), 0); }, TrapCode::TypeMismatch,
             "a resource of type `r1` given for `r2`");
  check_trap([&] { store(cx, Val::borrow({r1, 1, false}), *handle(ValueKind::Own, r1), 0); }, TrapCode::TypeMismatch,
             "expected own<r1>");
}

TEST_CASE("values print in WAVE syntax") {
  CHECK(Val::record({{"a", Val::u8(1)}, {"b", Val::string("x\"\n")}}).to_string() == "{a: 1, b: \"x\\\"\\n\"}");
  CHECK(Val::list({Val::s32(-1), Val::s32(2)}).to_string() == "[-1, 2]");
  CHECK(Val::tuple({Val::boolean(true), Val::character(U'\'')}).to_string() == "(true, '\\'')");
  CHECK(Val::option(std::nullopt).to_string() == "none");
  CHECK(Val::option(Val::f32(NAN)).to_string() == "some(nan)");
  CHECK(Val::ok().to_string() == "ok");
  CHECK(Val::err(Val::f64(-INFINITY)).to_string() == "err(-inf)");
  CHECK(Val::variant("v", Val::f64(0.5)).to_string() == "v(0.5)");
  CHECK(Val::enumeration("e").to_string() == "e");
  CHECK(Val::flags({"a", "b"}).to_string() == "{a, b}");
  CHECK(Val::string("ö\x01").to_string() == "\"ö\\u{1}\"");
}
