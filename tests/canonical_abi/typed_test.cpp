// The typed mapping: signature checks, and agreement with the dynamic Val path for every kind
// of type, through memory and flat values; typed canon lift and canon lower.
#include "canonical_abi/typed.h"

#include "fixture.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::test;

namespace {

struct Point {
  int32_t x = 0;
  std::string label;
  bool operator==(const Point&) const = default;
};
inline constexpr auto kPointFields = std::tuple(field("x", &Point::x), field("label", &Point::label));

struct Shape {
  std::variant<float, uint64_t, std::monostate> v;
  bool operator==(const Shape&) const = default;
};
inline constexpr std::array<const char*, 3> kShapeCases = {"circle", "square", "none"};

enum class Color : uint8_t { Red, Green, Blue };
inline constexpr std::array<const char*, 3> kColorNames = {"red", "green", "blue"};

enum class Perms : uint32_t {};
inline constexpr std::array<const char*, 10> kPermNames = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};

struct File {};

}  // namespace

namespace wasmrun::canon {
template <> struct ComponentTraits<Point> : RecordTraits<Point, kPointFields> {};
template <> struct ComponentTraits<Shape> : VariantTraits<Shape, &Shape::v, kShapeCases> {};
template <> struct ComponentTraits<Color> : EnumTraits<Color, kColorNames> {};
template <> struct ComponentTraits<Perms> : FlagsTraits<Perms, kPermNames> {};
}  // namespace wasmrun::canon

namespace {

// Lowers `value` typed and lifts it as a Val (and the reverse), through memory and flat values.
template <class T>
void check_agrees(const ValueTypePtr& t, const T& value, const Val& expected) {
  REQUIRE(Traits<T>::matches(*t));
  Guest g;
  Cx cx = g.cx();
  uint32_t ptr = align_to(64, alignment(*t));
  auto r = catch_trap([&] {
    Traits<T>::store(cx, *t, value, ptr);
    CHECK_MESSAGE(load(cx, ptr, *t) == expected, (load(cx, ptr, *t).to_string() + " vs " + expected.to_string()));
    store(cx, expected, *t, ptr);
    CHECK(Traits<T>::load(cx, *t, ptr) == value);

    FlatValue flat[32];
    FlatWriter w{flat};
    Traits<T>::lower_flat(cx, *t, value, w);
    CHECK(w.count == flat_count(*t));
    FlatReader r{std::span<const FlatValue>(flat, w.count)};
    CHECK(lift_flat(cx, r, *t) == expected);
    FlatWriter w2{flat};
    lower_flat(cx, expected, *t, w2);
    FlatReader r2{std::span<const FlatValue>(flat, w2.count)};
    CHECK(Traits<T>::lift_flat(cx, *t, r2) == value);
    CHECK(r2.next_index == w2.count);
  });
  REQUIRE_MESSAGE(r.ok(), r.trap().message);
}

}  // namespace

TEST_CASE("typed values agree with the dynamic path") {
  check_agrees(prim(ValueKind::Bool), true, Val::boolean(true));
  check_agrees(prim(ValueKind::S8), int8_t(-3), Val::s8(-3));
  check_agrees(prim(ValueKind::U16), uint16_t(65000), Val::u16(65000));
  check_agrees(prim(ValueKind::S32), int32_t(-70000), Val::s32(-70000));
  check_agrees(prim(ValueKind::U64), uint64_t(1) << 63, Val::u64(uint64_t(1) << 63));
  check_agrees(prim(ValueKind::F32), 2.5f, Val::f32(2.5f));
  check_agrees(prim(ValueKind::F64), -0.0, Val::f64(-0.0));
  check_agrees(prim(ValueKind::Char), U'☃', Val::character(U'☃'));
  check_agrees(prim(ValueKind::String), std::string("hö"), Val::string("hö"));
  check_agrees(list(prim(ValueKind::U8)), std::vector<uint8_t>{1, 2, 255}, Val::list({Val::u8(1), Val::u8(2), Val::u8(255)}));
  check_agrees(list(prim(ValueKind::S32)), std::vector<int32_t>{-1, 5}, Val::list({Val::s32(-1), Val::s32(5)}));
  check_agrees(list(prim(ValueKind::String)), std::vector<std::string>{"a", ""}, Val::list({Val::string("a"), Val::string("")}));
  check_agrees(fixed_list(prim(ValueKind::U16), 2), std::array<uint16_t, 2>{7, 8}, Val::list({Val::u16(7), Val::u16(8)}));
  check_agrees(option(prim(ValueKind::String)), std::optional<std::string>("x"), Val::option(Val::string("x")));
  check_agrees(option(prim(ValueKind::String)), std::optional<std::string>(), Val::option(std::nullopt));
  using R = Result<uint32_t, std::string>;
  check_agrees(result(prim(ValueKind::U32), prim(ValueKind::String)), R::ok(4), Val::ok(Val::u32(4)));
  check_agrees(result(prim(ValueKind::U32), prim(ValueKind::String)), R::err("no"), Val::err(Val::string("no")));
  using Unit = Result<std::monostate, std::monostate>;
  check_agrees(result(nullptr, nullptr), Unit::err({}), Val::err());
  check_agrees(tuple({prim(ValueKind::U8), prim(ValueKind::F64)}), std::tuple<uint8_t, double>{1, 0.5},
               Val::tuple({Val::u8(1), Val::f64(0.5)}));
  auto point = record({{"x", prim(ValueKind::S32)}, {"label", prim(ValueKind::String)}});
  check_agrees(point, Point{-4, "p"}, Val::record({{"x", Val::s32(-4)}, {"label", Val::string("p")}}));
  auto shape = variant({{"circle", prim(ValueKind::F32)}, {"square", prim(ValueKind::U64)}, {"none", nullptr}});
  check_agrees(shape, Shape{1.5f}, Val::variant("circle", Val::f32(1.5f)));
  check_agrees(shape, Shape{uint64_t(9)}, Val::variant("square", Val::u64(9)));
  check_agrees(shape, Shape{std::monostate{}}, Val::variant("none"));
  check_agrees(enumeration({"red", "green", "blue"}), Color::Blue, Val::enumeration("blue"));
  check_agrees(flags(std::vector<std::string>(kPermNames.begin(), kPermNames.end())), Perms(0x201),
               Val::flags({"a", "j"}));
  check_agrees(list(point), std::vector<Point>{{1, "a"}, {2, "b"}},
               Val::list({Val::record({{"x", Val::s32(1)}, {"label", Val::string("a")}}),
                          Val::record({{"x", Val::s32(2)}, {"label", Val::string("b")}})}));
}

TEST_CASE("typed resources") {
  auto rt = resource_type("file");
  Guest g;
  Cx cx = g.cx();
  CallScope scope;
  cx.borrow_scope = &scope;
  auto own_t = handle(ValueKind::Own, rt);
  auto borrow_t = handle(ValueKind::Borrow, rt);
  FlatValue flat[1];
  FlatWriter w{flat};
  Traits<Resource<File>>::lower_flat(cx, *own_t, Resource<File>{12}, w);
  CHECK(*resource_rep(g.inst, *rt, uint32_t(flat[0])) == 12);
  FlatReader r{std::span<const FlatValue>(flat, 1)};
  CHECK(Traits<Resource<File>>::lift_flat(cx, *own_t, r) == Resource<File>{12});
  CHECK(g.inst.handles.live_count() == 0);

  FlatWriter w2{flat};
  Traits<Borrow<File>>::lower_flat(cx, *borrow_t, Borrow<File>{13}, w2);
  CHECK(scope.num_borrows == 1);
  FlatReader r2{std::span<const FlatValue>(flat, 1)};
  CHECK(Traits<ResourceAny>::lift_flat(cx, *borrow_t, r2) == ResourceAny{rt, 13, false});

  auto other = resource_type("other");
  FlatWriter w3{flat};
  check_trap([&] { Traits<ResourceAny>::lower_flat(cx, *own_t, ResourceAny{other, 1, true}, w3); }, TrapCode::TypeMismatch,
             "a resource of another type");
}

TEST_CASE("typed signatures are checked against component function types") {
  FuncType f;
  f.params = {{"s", prim(ValueKind::String)}, {"n", prim(ValueKind::U32)}};
  f.result = option(prim(ValueKind::String));
  CHECK(signature_matches<std::optional<std::string>(std::string_view, uint32_t)>(f));
  CHECK(signature_matches<std::optional<std::string>(std::string, uint32_t)>(f));
  CHECK_FALSE(signature_matches<std::optional<std::string>(std::string, int32_t)>(f));
  CHECK_FALSE(signature_matches<std::string(std::string, uint32_t)>(f));
  CHECK_FALSE(signature_matches<void(std::string, uint32_t)>(f));
  CHECK_FALSE(signature_matches<std::optional<std::string>(std::string)>(f));
  FuncType g;
  CHECK(signature_matches<void()>(g));
  auto point = record({{"x", prim(ValueKind::S32)}, {"label", prim(ValueKind::String)}});
  auto renamed = record({{"y", prim(ValueKind::S32)}, {"label", prim(ValueKind::String)}});
  CHECK(Traits<Point>::matches(*point));
  CHECK_FALSE(Traits<Point>::matches(*renamed));
  CHECK_FALSE(Traits<Color>::matches(*enumeration({"red", "green"})));
}

TEST_CASE("typed canon lift: func(s: string) -> string") {
  Guest g;
  FuncType f;
  f.params = {{"s", prim(ValueKind::String)}};
  f.result = prim(ValueKind::String);
  FuncAbi abi = compute_abi(f);
  REQUIRE(signature_matches<std::string(std::string_view)>(f));
  int post_returns = 0;
  g.opts.post_return = [&](std::span<const FlatValue>) -> TrapOr<void> {
    ++post_returns;
    return {};
  };
  auto core = [&](std::span<const FlatValue> args, std::span<FlatValue> results) -> TrapOr<void> {
    g.put32(8, uint32_t(args[0]));
    g.put32(12, uint32_t(args[1]));
    results[0] = 8;
    return {};
  };
  auto r = typed_canon_lift<std::string>(abi, g.opts, g.inst, nullptr, core, std::string_view("hello, world"));
  REQUIRE_MESSAGE(r.ok(), r.trap().message);
  CHECK(*r == "hello, world");
  CHECK(post_returns == 1);
  CHECK(g.inst.may_enter);

  g.inst.may_enter = false;
  auto blocked = typed_canon_lift<std::string>(abi, g.opts, g.inst, nullptr, core, std::string_view("x"));
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.trap().code == TrapCode::CannotEnter);
}

TEST_CASE("typed canon lift: more than 16 flat parameters go through memory") {
  Guest g;
  FuncType f;
  for (int i = 0; i < 9; ++i) f.params.push_back({"p" + std::to_string(i), prim(ValueKind::String)});
  FuncAbi abi = compute_abi(f);
  REQUIRE(abi.params_in_memory);
  std::vector<std::string> seen;
  auto core = [&](std::span<const FlatValue> args, std::span<FlatValue>) -> TrapOr<void> {
    uint32_t p = uint32_t(args[0]);
    for (int i = 0; i < 9; ++i) seen.push_back(g.get(g.get32(p + 8 * i), g.get32(p + 8 * i + 4)));
    return {};
  };
  std::string_view s = "s";
  auto r = typed_canon_lift<void>(abi, g.opts, g.inst, nullptr, core, s, s, s, s, s, s, s, s, std::string_view("last"));
  REQUIRE(r.ok());
  REQUIRE(seen.size() == 9);
  CHECK(seen[8] == "last");
}

TEST_CASE("typed canon lower: a guest calls a C++ function") {
  Guest g;
  FuncType f;
  f.params = {{"name", prim(ValueKind::String)}, {"times", prim(ValueKind::U32)}};
  f.result = result(prim(ValueKind::String), prim(ValueKind::U32));
  FuncAbi abi = compute_abi(f);
  using R = Result<std::string, uint32_t>;
  REQUIRE(signature_matches<R(std::string, uint32_t)>(f));
  auto host = [](std::string name, uint32_t times) -> R {
    if (times == 0) return R::err(7);
    std::string out;
    for (uint32_t i = 0; i < times; ++i) out += name;
    return R::ok(out);
  };
  g.put(300, "ab");
  FlatValue args[] = {300, 2, 3, 16};
  REQUIRE(TypedLower<R(std::string, uint32_t)>::call(abi, g.opts, g.inst, args, {}, host));
  CHECK(g.memory[16] == 0);
  CHECK(g.get(g.get32(20), g.get32(24)) == "ababab");
  FlatValue args0[] = {300, 2, 0, 16};
  REQUIRE(TypedLower<R(std::string, uint32_t)>::call(abi, g.opts, g.inst, args0, {}, host));
  CHECK(g.memory[16] == 1);
  CHECK(g.get32(20) == 7);

  auto trapping = [](std::string, uint32_t) -> TrapOr<R> { return Trap{TrapCode::HostError, "host failed"}; };
  auto t = TypedLower<R(std::string, uint32_t)>::call(abi, g.opts, g.inst, args, {}, trapping);
  REQUIRE_FALSE(t.ok());
  CHECK(t.trap().message == "host failed");

  g.put(300, "\xff");
  FlatValue bad[] = {300, 1, 1, 16};
  auto invalid = TypedLower<R(std::string, uint32_t)>::call(abi, g.opts, g.inst, bad, {}, host);
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.trap().code == TrapCode::InvalidString);
}

TEST_CASE("typed canon lower: std::string_view arguments point into a utf8 guest, or into decoded storage") {
  FuncType f;
  f.params = {{"s", prim(ValueKind::String)}};
  f.result = prim(ValueKind::U32);
  FuncAbi abi = compute_abi(f);
  REQUIRE(signature_matches<uint32_t(std::string_view)>(f));

  Guest g;
  g.put(300, "h\xc3\xb6");
  const uint8_t* seen = nullptr;
  auto host = [&](std::string_view s) -> uint32_t {
    seen = reinterpret_cast<const uint8_t*>(s.data());
    return s == "h\xc3\xb6" ? 1 : 0;
  };
  FlatValue args[] = {300, 3};
  FlatValue results[1];
  REQUIRE(TypedLower<uint32_t(std::string_view)>::call(abi, g.opts, g.inst, args, results, host));
  CHECK(results[0] == 1);
  CHECK(seen == g.memory.data() + 300);  // no copy

  Guest g16(StringEncoding::Utf16);
  g16.put(300, std::string("h\0\xf6\0", 4));
  FlatValue args16[] = {300, 2};
  REQUIRE(TypedLower<uint32_t(std::string_view)>::call(abi, g16.opts, g16.inst, args16, results, host));
  CHECK(results[0] == 1);

  g.put(300, "\xff");
  FlatValue bad[] = {300, 1};
  auto invalid = TypedLower<uint32_t(std::string_view)>::call(abi, g.opts, g.inst, bad, results, host);
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.trap().code == TrapCode::InvalidString);
  FlatValue oob[] = {65535, 2};
  auto out_of_bounds = TypedLower<uint32_t(std::string_view)>::call(abi, g.opts, g.inst, oob, results, host);
  REQUIRE_FALSE(out_of_bounds.ok());
  CHECK(out_of_bounds.trap().message == "string pointer/length out of bounds of memory");
}

TEST_CASE("typed canon lower: parameters in memory, a return pointer, and bad discriminants trap") {
  Guest g;
  FuncType f;
  for (int i = 0; i < 17; ++i) f.params.push_back({"p" + std::to_string(i), prim(ValueKind::U8)});
  f.result = prim(ValueKind::U8);
  FuncAbi abi = compute_abi(f);
  REQUIRE(abi.params_in_memory);
  for (uint32_t i = 0; i < 17; ++i) g.memory[512 + i] = uint8_t(i);
  auto sum = [](auto... v) { return uint8_t((0 + ... + v)); };
  using Sig = uint8_t(uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t,
                      uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t);
  REQUIRE(signature_matches<Sig>(f));
  FlatValue args[] = {512};
  FlatValue results[1];
  REQUIRE(TypedLower<Sig>::call(abi, g.opts, g.inst, args, results, sum));
  CHECK(results[0] == 136);  // 0 + 1 + ... + 16
  FlatValue oob[] = {65530};
  auto r = TypedLower<Sig>::call(abi, g.opts, g.inst, oob, results, sum);
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().code == TrapCode::OutOfBounds);

  FuncType e;
  e.params = {{"c", enumeration({"red", "green", "blue"})}};
  FuncAbi eabi = compute_abi(e);
  REQUIRE(signature_matches<void(Color)>(e));
  Color seen = Color::Red;
  auto take = [&](Color c) { seen = c; };
  FlatValue green[] = {1};
  REQUIRE(TypedLower<void(Color)>::call(eabi, g.opts, g.inst, green, {}, take));
  CHECK(seen == Color::Green);
  FlatValue bad[] = {3};
  auto invalid = TypedLower<void(Color)>::call(eabi, g.opts, g.inst, bad, {}, take);
  REQUIRE_FALSE(invalid.ok());
  // The host lifts the value: Wasmtime's host wording, with the index and the range.
  CHECK(invalid.trap().message == "discriminant 3 out of range [0..3)");
}
