// The synchronous call protocol: canon lift and canon lower, reentrance, borrow scopes and
// post-return.
#include "canonical_abi/call.h"

#include "canonical_abi/resources.h"
#include "fixture.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::test;

namespace {

FuncType func(std::vector<ValueTypePtr> params, ValueTypePtr result) {
  FuncType f;
  for (size_t i = 0; i < params.size(); ++i) f.params.push_back({"p" + std::to_string(i), std::move(params[i])});
  f.result = std::move(result);
  return f;
}

const auto no_core = [](std::span<const FlatValue>, std::span<FlatValue>) -> TrapOr<void> { return {}; };

}  // namespace

TEST_CASE("canon lift with flat parameters and a flat result") {
  Guest g;
  FuncAbi abi = compute_abi(func({prim(ValueKind::U32), prim(ValueKind::S8)}, prim(ValueKind::S64)));
  std::vector<FlatValue> seen;
  auto core = [&](std::span<const FlatValue> args, std::span<FlatValue> results) -> TrapOr<void> {
    seen.assign(args.begin(), args.end());
    REQUIRE(results.size() == 1);
    results[0] = uint64_t(int64_t(-5));
    return {};
  };
  Val args[] = {Val::u32(7), Val::s8(-2)};
  auto r = call_lifted(abi, g.opts, g.inst, nullptr, args, core);
  REQUIRE_MESSAGE(r.ok(), r.trap().message);
  CHECK(**r == Val::s64(-5));
  CHECK(seen == std::vector<FlatValue>{7, 0xfffffffe});
  CHECK(g.reallocs.empty());
}

TEST_CASE("canon lift of func(s: string) -> string: argument through realloc, result through a return pointer, then post-return") {
  Guest g;
  FuncAbi abi = compute_abi(func({prim(ValueKind::String)}, prim(ValueKind::String)));
  std::vector<std::string> events;
  g.opts.post_return = [&](std::span<const FlatValue> results) -> TrapOr<void> {
    events.push_back("post-return " + std::to_string(results[0]));
    CHECK_FALSE(g.inst.may_leave);
    return {};
  };
  auto core = [&](std::span<const FlatValue> args, std::span<FlatValue> results) -> TrapOr<void> {
    CHECK_FALSE(g.inst.may_enter);
    REQUIRE(args.size() == 2);
    std::string s = g.get(uint32_t(args[0]), size_t(args[1]));
    events.push_back("core " + s);
    g.put(100, "echo");
    g.put32(8, 100);
    g.put32(12, 4);
    results[0] = 8;
    return {};
  };
  Val arg = Val::string("hello");
  auto sink = [&](std::optional<Val> result) -> TrapOr<void> {
    events.push_back("result " + result->as_string());
    return {};
  };
  auto r = canon_lift(abi, g.opts, g.inst, nullptr, std::span<const Val>(&arg, 1), core, sink);
  REQUIRE_MESSAGE(r.ok(), r.trap().message);
  CHECK(events == std::vector<std::string>{"core hello", "result echo", "post-return 8"});
  CHECK(g.reallocs == std::vector<ReallocCall>{{0, 0, 1, 5, 1024}});
  CHECK(g.inst.may_enter);
  CHECK(g.inst.may_leave);
}

TEST_CASE("canon lift: a misaligned or out-of-bounds return pointer traps") {
  FuncAbi abi = compute_abi(func({}, prim(ValueKind::String)));
  for (auto [ret, kind] : {std::pair{FlatValue(2), TrapCode::UnalignedPointer}, std::pair{FlatValue(65532), TrapCode::OutOfBounds}}) {
    Guest g;
    auto core = [&](std::span<const FlatValue>, std::span<FlatValue> results) -> TrapOr<void> {
      results[0] = ret;
      return {};
    };
    auto r = call_lifted(abi, g.opts, g.inst, nullptr, {}, core);
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap().code == kind);
  }
}

TEST_CASE("canon lift: a trap locks the entered instances down, a host type error does not") {
  Instance parent;
  Guest g(StringEncoding::Utf8, &parent);
  FuncAbi abi = compute_abi(func({prim(ValueKind::U32)}, nullptr));
  auto trapping = [](std::span<const FlatValue>, std::span<FlatValue>) -> TrapOr<void> {
    return Trap{TrapCode::HostError, "wasm trap: wasm `unreachable` instruction executed"};
  };
  Val wrong = Val::string("not a u32");
  auto mismatch = call_lifted(abi, g.opts, g.inst, nullptr, std::span<const Val>(&wrong, 1), no_core);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.trap().code == TrapCode::TypeMismatch);
  CHECK(g.inst.may_enter);

  Val arg = Val::u32(1);
  auto r = call_lifted(abi, g.opts, g.inst, nullptr, std::span<const Val>(&arg, 1), trapping);
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(g.inst.may_enter);
  CHECK_FALSE(parent.may_enter);
  auto again = call_lifted(abi, g.opts, g.inst, nullptr, std::span<const Val>(&arg, 1), no_core);
  REQUIRE_FALSE(again.ok());
  CHECK(again.trap().message == "cannot enter component instance");
}

TEST_CASE("canon lift: more than 16 flat parameters are stored through realloc and passed by pointer") {
  Guest g;
  std::vector<ValueTypePtr> params(17, prim(ValueKind::U32));
  FuncAbi abi = compute_abi(func(params, nullptr));
  std::vector<Val> args;
  for (uint32_t i = 0; i < 17; ++i) args.push_back(Val::u32(i * 10));
  uint32_t got_ptr = 0;
  auto core = [&](std::span<const FlatValue> flat, std::span<FlatValue> results) -> TrapOr<void> {
    REQUIRE(flat.size() == 1);
    CHECK(results.empty());
    got_ptr = uint32_t(flat[0]);
    return {};
  };
  auto r = call_lifted(abi, g.opts, g.inst, nullptr, args, core);
  REQUIRE_MESSAGE(r.ok(), r.trap().message);
  CHECK_FALSE(r->has_value());
  REQUIRE(g.reallocs.size() == 1);
  CHECK(g.reallocs[0] == ReallocCall{0, 0, 4, 68, 1024});
  CHECK(got_ptr == 1024);
  CHECK(g.get32(1024 + 16 * 4) == 160);
}

TEST_CASE("canon lift: reentrance traps, and entering a child enters its parent") {
  Instance parent;
  Guest child(StringEncoding::Utf8, &parent);
  FuncAbi abi = compute_abi(func({}, nullptr));
  auto check_entered = [&](std::span<const FlatValue>, std::span<FlatValue>) -> TrapOr<void> {
    CHECK_FALSE(child.inst.may_enter);
    CHECK_FALSE(parent.may_enter);
    // The host calling back into the child, or into its parent, from inside the call is
    // reentrance.
    auto again = call_lifted(abi, child.opts, child.inst, nullptr, {}, no_core);
    CHECK_FALSE(again.ok());
    if (!again.ok()) CHECK(again.trap().message == "cannot enter component instance");
    Guest other(StringEncoding::Utf8, &parent);
    CHECK_FALSE(call_lifted(abi, other.opts, parent, nullptr, {}, no_core).ok());
    return {};
  };
  REQUIRE(call_lifted(abi, child.opts, child.inst, nullptr, {}, check_entered));
  CHECK(child.inst.may_enter);
  CHECK(parent.may_enter);

  // Calls between an instance and itself, its parent or its child trap (the spec tests and
  // Wasmtime; definitions.py would allow the last two); siblings may call each other.
  Guest sibling(StringEncoding::Utf8, &parent);
  parent.may_enter = false;  // the parent is running, from the host
  CHECK_FALSE(call_lifted(abi, child.opts, child.inst, &parent, {}, no_core).ok());
  CHECK_FALSE(call_lifted(abi, child.opts, parent, &child.inst, {}, no_core).ok());
  CHECK_FALSE(call_lifted(abi, child.opts, child.inst, &child.inst, {}, no_core).ok());
  CHECK(call_lifted(abi, child.opts, child.inst, &sibling.inst, {}, no_core).ok());
  CHECK_FALSE(call_lifted(abi, child.opts, child.inst, nullptr, {}, no_core).ok());
  parent.may_enter = true;
  auto related = call_lifted(abi, child.opts, child.inst, &parent, {}, no_core);
  REQUIRE_FALSE(related.ok());
  CHECK(related.trap().message == "cannot enter component instance");
}

TEST_CASE("canon lift: borrows lent to a callee must be dropped before it returns") {
  Guest g;
  auto rt = resource_type("host-thing");
  FuncAbi abi = compute_abi(func({handle(ValueKind::Borrow, rt)}, nullptr));
  Val arg = Val::borrow({rt, 55, false});
  bool drop_it = true;
  auto core = [&](std::span<const FlatValue> args, std::span<FlatValue>) -> TrapOr<void> {
    uint32_t h = uint32_t(args[0]);
    CHECK(*resource_rep(g.inst, *rt, h) == 55);
    if (drop_it) return resource_drop(g.inst, *rt, h);
    return {};
  };
  REQUIRE(call_lifted(abi, g.opts, g.inst, nullptr, std::span<const Val>(&arg, 1), core));
  CHECK(g.inst.handles.live_count() == 0);
  drop_it = false;
  auto r = call_lifted(abi, g.opts, g.inst, nullptr, std::span<const Val>(&arg, 1), core);
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().code == TrapCode::BorrowsRemain);
  CHECK(r.trap().message == "borrow handles still remain at the end of the call");
  CHECK(g.inst.handles.live_count() == 0);  // the stale borrow is gone
}

TEST_CASE("canon lift: post-return may not leave the instance, and its trap is the call's") {
  Guest g;
  auto rt = resource_type("r", &g.inst);
  FuncAbi abi = compute_abi(func({}, prim(ValueKind::U32)));
  g.opts.post_return = [&](std::span<const FlatValue>) -> TrapOr<void> {
    auto r = resource_new(g.inst, *rt, 1);
    if (!r) return r.take_trap();
    return {};
  };
  auto core = [](std::span<const FlatValue>, std::span<FlatValue> results) -> TrapOr<void> {
    results[0] = 1;
    return {};
  };
  auto r = call_lifted(abi, g.opts, g.inst, nullptr, {}, core);
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().message == "cannot leave component instance");
  CHECK(g.inst.may_leave);
}

TEST_CASE("canon lift: a trapping core function and a wrong argument count") {
  Guest g;
  FuncAbi abi = compute_abi(func({prim(ValueKind::U32)}, nullptr));
  auto trapping = [](std::span<const FlatValue>, std::span<FlatValue>) -> TrapOr<void> {
    return Trap{TrapCode::HostError, "wasm trap: wasm `unreachable` instruction executed"};
  };
  Val arg = Val::u32(1);
  auto r = call_lifted(abi, g.opts, g.inst, nullptr, std::span<const Val>(&arg, 1), trapping);
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().code == TrapCode::HostError);
  auto r2 = call_lifted(abi, g.opts, g.inst, nullptr, {}, no_core);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.trap().code == TrapCode::TypeMismatch);
}

TEST_CASE("canon lower: a guest calls a host function(string) -> string") {
  Guest g;
  FuncAbi abi = compute_abi(func({prim(ValueKind::String)}, prim(ValueKind::String)));
  CHECK(abi.lower_core_params().size() == 3);
  g.put(200, "ping");
  FlatValue args[] = {200, 4, 16};  // ptr, len, return pointer
  auto host = [](std::span<Val> in, ResultSink sink, Instance&) -> TrapOr<void> {
    return sink(Val::string(in[0].as_string() + "-pong"));
  };
  auto r = canon_lower(abi, g.opts, g.inst, args, {}, host, true);
  REQUIRE_MESSAGE(r.ok(), r.trap().message);
  uint32_t ptr = g.get32(16), len = g.get32(20);
  CHECK(g.get(ptr, len) == "ping-pong");

  g.inst.may_leave = false;
  auto blocked = canon_lower(abi, g.opts, g.inst, args, {}, host, true);
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.trap().message == "cannot leave component instance");
  g.inst.may_leave = true;

  FlatValue too_few[] = {200, 4};
  auto short_args = canon_lower(abi, g.opts, g.inst, too_few, {}, host, true);
  REQUIRE_FALSE(short_args.ok());
  CHECK(short_args.trap().code == TrapCode::TypeMismatch);

  FlatValue bad_ret[] = {200, 4, 18};
  auto misaligned = canon_lower(abi, g.opts, g.inst, bad_ret, {}, host, true);
  REQUIRE_FALSE(misaligned.ok());
  CHECK(misaligned.trap().code == TrapCode::UnalignedPointer);
}

TEST_CASE("canon lower: borrowed handles are lent for the duration of the call") {
  Guest g;
  auto rt = resource_type("r", &g.inst);
  FuncAbi abi = compute_abi(func({handle(ValueKind::Borrow, rt)}, prim(ValueKind::U32)));
  uint32_t h = *resource_new(g.inst, *rt, 31);
  FlatValue args[] = {h};
  FlatValue results[1];
  auto host = [&](std::span<Val> in, ResultSink sink, Instance& caller) -> TrapOr<void> {
    CHECK(caller.handles.get(h).num_lends == 1);
    auto dropped = resource_drop(caller, *rt, h);
    CHECK_FALSE(dropped.ok());
    return sink(Val::u32(in[0].resource().rep));
  };
  REQUIRE(canon_lower(abi, g.opts, g.inst, args, results, host, true));
  CHECK(results[0] == 31);
  CHECK(g.inst.handles.get(h).num_lends == 0);
  CHECK(resource_drop(g.inst, *rt, h).ok());
}

TEST_CASE("component to component: canon lower in the caller, canon lift in the callee, strings transcoded") {
  Guest caller(StringEncoding::Utf16);
  Guest callee(StringEncoding::Utf8);
  FuncAbi abi = compute_abi(func({prim(ValueKind::String)}, prim(ValueKind::U32)));
  // "hö" as utf16 in the caller.
  caller.put(64, std::string("h\0\xf6\0", 4));
  FlatValue args[] = {64, 2};
  FlatValue results[1];
  std::string seen;
  auto core = [&](std::span<const FlatValue> flat, std::span<FlatValue> out) -> TrapOr<void> {
    seen = callee.get(uint32_t(flat[0]), size_t(flat[1]));
    out[0] = flat[1];
    return {};
  };
  auto lifted = [&](std::span<Val> in, ResultSink sink, Instance& from) -> TrapOr<void> {
    return canon_lift(abi, callee.opts, callee.inst, &from, in, core, sink);
  };
  auto r = canon_lower(abi, caller.opts, caller.inst, args, results, lifted);
  REQUIRE_MESSAGE(r.ok(), r.trap().message);
  CHECK(seen == "h\xc3\xb6");
  CHECK(results[0] == 3);
  // utf16 -> utf8: one byte per code unit first, then the worst case, then the exact size.
  CHECK(callee.reallocs == std::vector<ReallocCall>{{0, 0, 1, 2, 1024}, {1024, 2, 1, 6, 1024}, {1024, 6, 1, 3, 1024}});
}

TEST_CASE("component to component: an own handle moves from the caller's table to the callee's") {
  Guest a, b;
  auto rt = resource_type("r", &b.inst);
  FuncAbi abi = compute_abi(func({handle(ValueKind::Own, rt)}, nullptr));
  uint32_t h = *resource_new(a.inst, *rt, 8);
  FlatValue args[] = {h};
  uint32_t in_b = 0;
  auto core = [&](std::span<const FlatValue> flat, std::span<FlatValue>) -> TrapOr<void> {
    in_b = uint32_t(flat[0]);
    return {};
  };
  auto lifted = [&](std::span<Val> in, ResultSink sink, Instance& from) -> TrapOr<void> {
    return canon_lift(abi, b.opts, b.inst, &from, in, core, sink);
  };
  REQUIRE(canon_lower(abi, a.opts, a.inst, args, {}, lifted));
  CHECK(a.inst.handles.live_count() == 0);
  CHECK(*resource_rep(b.inst, *rt, in_b) == 8);
}
