// Layout and flattening (CanonicalABI.md "Alignment", "Element Size", "Flattening").
#include "canonical_abi/layout.h"

#include "fixture.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::test;
using FT = FlatType;

namespace {

struct Row {
  const char* name;
  ValueTypePtr type;
  uint32_t size, align;
  std::vector<FlatType> flat;
};

}  // namespace

TEST_CASE("size, alignment and flattening of every kind of type") {
  auto rt = resource_type("r");
  std::vector<Row> rows = {
      {"bool", prim(ValueKind::Bool), 1, 1, {FT::I32}},
      {"s8", prim(ValueKind::S8), 1, 1, {FT::I32}},
      {"u8", prim(ValueKind::U8), 1, 1, {FT::I32}},
      {"s16", prim(ValueKind::S16), 2, 2, {FT::I32}},
      {"u16", prim(ValueKind::U16), 2, 2, {FT::I32}},
      {"s32", prim(ValueKind::S32), 4, 4, {FT::I32}},
      {"u32", prim(ValueKind::U32), 4, 4, {FT::I32}},
      {"s64", prim(ValueKind::S64), 8, 8, {FT::I64}},
      {"u64", prim(ValueKind::U64), 8, 8, {FT::I64}},
      {"f32", prim(ValueKind::F32), 4, 4, {FT::F32}},
      {"f64", prim(ValueKind::F64), 8, 8, {FT::F64}},
      {"char", prim(ValueKind::Char), 4, 4, {FT::I32}},
      {"string", prim(ValueKind::String), 8, 4, {FT::I32, FT::I32}},
      {"list<u64>", list(prim(ValueKind::U64)), 8, 4, {FT::I32, FT::I32}},
      {"list<u16, 3>", fixed_list(prim(ValueKind::U16), 3), 6, 2, {FT::I32, FT::I32, FT::I32}},
      {"list<f64, 2>", fixed_list(prim(ValueKind::F64), 2), 16, 8, {FT::F64, FT::F64}},
      {"record {u8, u32, u16}",
       record({{"a", prim(ValueKind::U8)}, {"b", prim(ValueKind::U32)}, {"c", prim(ValueKind::U16)}}), 12, 4,
       {FT::I32, FT::I32, FT::I32}},
      {"tuple<u8, u64>", tuple({prim(ValueKind::U8), prim(ValueKind::U64)}), 16, 8, {FT::I32, FT::I64}},
      {"tuple<u8, u16, u8>", tuple({prim(ValueKind::U8), prim(ValueKind::U16), prim(ValueKind::U8)}), 6, 2,
       {FT::I32, FT::I32, FT::I32}},
      {"enum (2)", enumeration(numbered(2)), 1, 1, {FT::I32}},
      {"enum (256)", enumeration(numbered(256)), 1, 1, {FT::I32}},
      {"enum (257)", enumeration(numbered(257)), 2, 2, {FT::I32}},
      {"enum (65537)", enumeration(numbered(65537)), 4, 4, {FT::I32}},
      {"option<u8>", option(prim(ValueKind::U8)), 2, 1, {FT::I32, FT::I32}},
      {"option<u64>", option(prim(ValueKind::U64)), 16, 8, {FT::I32, FT::I64}},
      {"option<string>", option(prim(ValueKind::String)), 12, 4, {FT::I32, FT::I32, FT::I32}},
      {"result", result(nullptr, nullptr), 1, 1, {FT::I32}},
      {"result<u32, string>", result(prim(ValueKind::U32), prim(ValueKind::String)), 12, 4,
       {FT::I32, FT::I32, FT::I32}},
      {"variant {f32, u64, none}",
       variant({{"a", prim(ValueKind::F32)}, {"b", prim(ValueKind::U64)}, {"c", nullptr}}), 16, 8, {FT::I32, FT::I64}},
      {"variant {f32, u32}", variant({{"a", prim(ValueKind::F32)}, {"b", prim(ValueKind::U32)}}), 8, 4,
       {FT::I32, FT::I32}},
      {"variant {f32, f32}", variant({{"a", prim(ValueKind::F32)}, {"b", prim(ValueKind::F32)}}), 8, 4,
       {FT::I32, FT::F32}},
      {"variant {f64, f32}", variant({{"a", prim(ValueKind::F64)}, {"b", prim(ValueKind::F32)}}), 16, 8,
       {FT::I32, FT::I64}},
      {"variant {tuple<f32, u32>, tuple<u32, f32, u8>}",
       variant({{"a", tuple({prim(ValueKind::F32), prim(ValueKind::U32)})},
                {"b", tuple({prim(ValueKind::U32), prim(ValueKind::F32), prim(ValueKind::U8)})}}),
       16, 4, {FT::I32, FT::I32, FT::I32, FT::I32}},
      {"variant (257 cases, u8 payload)",
       [] {
         std::vector<ValueType::Case> cases;
         for (auto& n : numbered(257)) cases.push_back({n, prim(ValueKind::U8)});
         return variant(std::move(cases));
       }(),
       4, 2, {FT::I32, FT::I32}},
      {"flags (1)", flags(numbered(1)), 1, 1, {FT::I32}},
      {"flags (8)", flags(numbered(8)), 1, 1, {FT::I32}},
      {"flags (9)", flags(numbered(9)), 2, 2, {FT::I32}},
      {"flags (16)", flags(numbered(16)), 2, 2, {FT::I32}},
      {"flags (17)", flags(numbered(17)), 4, 4, {FT::I32}},
      {"flags (32)", flags(numbered(32)), 4, 4, {FT::I32}},
      {"own", handle(ValueKind::Own, rt), 4, 4, {FT::I32}},
      {"borrow", handle(ValueKind::Borrow, rt), 4, 4, {FT::I32}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    CHECK(elem_size(*row.type) == row.size);
    CHECK(alignment(*row.type) == row.align);
    CHECK(flatten(*row.type) == row.flat);
    CHECK(flat_count(*row.type) == row.flat.size());
  }
}

TEST_CASE("discriminant and flags sizes at their boundaries") {
  CHECK(discriminant_size(1) == 1);
  CHECK(discriminant_size(256) == 1);
  CHECK(discriminant_size(257) == 2);
  CHECK(discriminant_size(65536) == 2);
  CHECK(discriminant_size(65537) == 4);
  CHECK(flags_size(8) == 1);
  CHECK(flags_size(9) == 2);
  CHECK(flags_size(16) == 2);
  CHECK(flags_size(17) == 4);
}

TEST_CASE("join of flat types") {
  CHECK(join(FT::I32, FT::I32) == FT::I32);
  CHECK(join(FT::I32, FT::F32) == FT::I32);
  CHECK(join(FT::F32, FT::I32) == FT::I32);
  CHECK(join(FT::F32, FT::F64) == FT::I64);
  CHECK(join(FT::I32, FT::I64) == FT::I64);
  CHECK(join(FT::F64, FT::F64) == FT::F64);
}

TEST_CASE("function signatures: parameters beyond 16 flat values and results beyond 1 go through memory") {
  FuncType sixteen;
  for (int i = 0; i < 16; ++i) sixteen.params.push_back({"p" + std::to_string(i), prim(ValueKind::U32)});
  sixteen.result = prim(ValueKind::U64);
  FuncAbi a = compute_abi(sixteen);
  CHECK_FALSE(a.params_in_memory);
  CHECK_FALSE(a.result_in_memory);
  CHECK(a.lift_core_params().size() == 16);
  CHECK(a.lift_core_results() == std::vector<FlatType>{FT::I64});
  CHECK(a.lower_core_results() == std::vector<FlatType>{FT::I64});

  FuncType seventeen = sixteen;
  seventeen.params.push_back({"p16", prim(ValueKind::U8)});
  seventeen.result = prim(ValueKind::String);
  FuncAbi b = compute_abi(seventeen);
  CHECK(b.params_in_memory);
  CHECK(b.result_in_memory);
  CHECK(b.params_size == 68);  // 16 * 4 + 1, aligned to 4
  CHECK(b.params_align == 4);
  CHECK(b.result_size == 8);
  CHECK(b.lift_core_params() == std::vector<FlatType>{FT::I32});
  CHECK(b.lift_core_results() == std::vector<FlatType>{FT::I32});
  CHECK(b.lower_core_params() == std::vector<FlatType>{FT::I32, FT::I32});
  CHECK(b.lower_core_results().empty());

  FuncType none;
  FuncAbi c = compute_abi(none);
  CHECK(c.lift_core_params().empty());
  CHECK(c.lift_core_results().empty());
}

TEST_CASE("function signatures: which canonical options lift and lower need") {
  FuncType bytes_in;
  bytes_in.params.push_back({"s", list(prim(ValueKind::U8))});
  FuncAbi a = compute_abi(bytes_in);
  CHECK(a.lift_core_params() == std::vector<FlatType>{FT::I32, FT::I32});
  CHECK(a.needs_memory());
  CHECK(a.needs_realloc(true));    // lifting: the callee's memory receives the list
  CHECK_FALSE(a.needs_realloc(false));  // lowering: the caller's list is only read

  FuncType string_out;
  string_out.result = prim(ValueKind::String);
  FuncAbi b = compute_abi(string_out);
  CHECK(b.needs_memory());
  CHECK_FALSE(b.needs_realloc(true));
  CHECK(b.needs_realloc(false));  // lowering: the caller's memory receives the string

  FuncType scalars;
  scalars.params.push_back({"x", prim(ValueKind::U32)});
  scalars.result = prim(ValueKind::U32);
  FuncAbi c = compute_abi(scalars);
  CHECK_FALSE(c.needs_memory());
  CHECK_FALSE(c.needs_realloc(true));

  // Only the flat count puts scalars in memory: memory then, but nothing to allocate lowering.
  FuncType wide;
  wide.params.push_back({"t", fixed_list(prim(ValueKind::U32), 17)});
  FuncAbi d = compute_abi(wide);
  CHECK(d.params_in_memory);
  CHECK(d.needs_memory());
  CHECK(d.needs_realloc(true));
  CHECK_FALSE(d.needs_realloc(false));
  CHECK_FALSE(uses_memory(*fixed_list(prim(ValueKind::U32), 17)));
  CHECK(uses_memory(*option(tuple({prim(ValueKind::U8), prim(ValueKind::String)}))));
}

TEST_CASE("a long fixed-length list flattens no further than a signature can use") {
  // 2^32-1 elements: flattening stops past MAX_FLAT_PARAMS instead of building billions of types.
  auto huge = fixed_list(prim(ValueKind::U8), 0xffffffff);
  std::vector<FlatType> flat = flatten(*huge);
  CHECK(flat.size() == kMaxFlatParams + 1);
  CHECK(flat_count(*huge) == 0xffffffff);
  FuncType f;
  f.params.push_back({"l", huge});
  CHECK(compute_abi(f).params_in_memory);
  // An empty element type flattens to nothing at any length.
  CHECK(flatten(*fixed_list(tuple({}), 0xffffffff)).empty());
}

TEST_CASE("a type's flat count is worked out once, and a changed copy works out its own") {
  auto v = variant({{"a", nullptr}, {"b", tuple({prim(ValueKind::U32), prim(ValueKind::String)})}, {"c", prim(ValueKind::F64)}});
  CHECK(flat_count(*v) == 4);
  CHECK(flat_count(*v) == 4);
  // A copy of a type whose count is known, then given a wider case.
  ValueType copy = *v;
  copy.cases.push_back({"d", tuple({prim(ValueKind::U8), prim(ValueKind::U8), prim(ValueKind::U8), prim(ValueKind::U8)})});
  CHECK(flat_count(copy) == 5);
  CHECK(flat_count(*v) == 4);
  // Assigned over: the assigned type's structure counts, not the cache it had.
  ValueType assigned = *prim(ValueKind::U32);
  CHECK(flat_count(assigned) == 1);
  assigned = copy;
  CHECK(flat_count(assigned) == 5);
}
