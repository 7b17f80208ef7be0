// Handle tables and the resource built-ins (CanonicalABI.md "Table State", "Resource State",
// canon resource.new / resource.rep / resource.drop).
#include "canonical_abi/resources.h"

#include "fixture.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::test;

TEST_CASE("handle tables reserve index 0 and reuse freed indices last-in first-out") {
  auto rt = resource_type("r");
  HandleTable table(100);
  ResourceHandle h{rt.get(), 7, true, 0, nullptr, {}, {}};
  auto r = catch_trap([&] {
    uint32_t a = table.add(h), b = table.add(h), c = table.add(h);
    CHECK(a == 1);
    CHECK(b == 2);
    CHECK(c == 3);
    table.remove(b);
    table.remove(a);
    CHECK(table.add(h) == a);
    CHECK(table.add(h) == b);
    CHECK(table.add(h) == 4);
    CHECK(table.live_count() == 4);
  });
  REQUIRE(r.ok());
  check_trap([&] { return table.get(0).rep; }, TrapCode::UnknownHandle, "unknown handle index 0");
  check_trap([&] { return table.get(5).rep; }, TrapCode::UnknownHandle, "unknown handle index 5");
  check_trap([&] { return table.get(0xffffffff).rep; }, TrapCode::UnknownHandle, "unknown handle index 4294967295");
  REQUIRE(catch_trap([&] { table.remove(3); }));
  check_trap([&] { return table.remove(3).rep; }, TrapCode::UnknownHandle, "unknown handle index 3");
}

TEST_CASE("a full handle table traps cleanly") {
  auto rt = resource_type("r");
  Instance inst(nullptr, 3);
  for (uint32_t i = 1; i <= 3; ++i) CHECK(*resource_new(inst, *rt, i) == i);
  auto full = resource_new(inst, *rt, 4);
  REQUIRE_FALSE(full.ok());
  CHECK(full.trap().code == TrapCode::TableFull);
  CHECK(full.trap().message == "cannot allocate another handle: the table holds its maximum of 3 handles");
  REQUIRE(resource_drop(inst, *rt, 2));
  CHECK(*resource_new(inst, *rt, 5) == 2);
}

TEST_CASE("resource.new, resource.rep and resource.drop") {
  Instance inst;
  std::vector<uint32_t> destroyed;
  auto rt = std::make_shared<ResourceType>();
  rt->name = "r";
  rt->impl = &inst;
  rt->dtor = [&](uint32_t rep) -> TrapOr<void> {
    destroyed.push_back(rep);
    return {};
  };
  auto other = std::make_shared<ResourceType>();
  other->name = "other";
  other->impl = &inst;

  uint32_t h = *resource_new(inst, *rt, 100);
  CHECK(h == 1);
  CHECK(*resource_rep(inst, *rt, h) == 100);
  auto wrong = resource_rep(inst, *other, h);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.trap().message ==
        "handle index 1 used with the wrong type, expected guest-defined resource but found a different guest-defined resource");
  auto wrong_drop = resource_drop(inst, *other, h);
  REQUIRE_FALSE(wrong_drop.ok());
  CHECK(wrong_drop.trap().code == TrapCode::WrongHandleType);

  REQUIRE(resource_drop(inst, *rt, h));
  CHECK(destroyed == std::vector<uint32_t>{100});
  auto again = resource_drop(inst, *rt, h);
  REQUIRE_FALSE(again.ok());
  CHECK(again.trap().message == "unknown handle index 1");
  auto rep_after = resource_rep(inst, *rt, h);
  REQUIRE_FALSE(rep_after.ok());
  CHECK(rep_after.trap().code == TrapCode::UnknownHandle);

  inst.may_leave = false;
  auto blocked = resource_new(inst, *rt, 1);
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.trap().message == "cannot leave component instance");
  auto blocked_drop = resource_drop(inst, *rt, 1);
  REQUIRE_FALSE(blocked_drop.ok());
  CHECK(blocked_drop.trap().code == TrapCode::CannotLeave);
}

TEST_CASE("host and guest resource types are told apart in messages") {
  Instance inst;
  auto host = resource_type("host");
  auto guest = resource_type("guest", &inst);
  uint32_t h = *resource_new(inst, *host, 1);
  auto r = resource_rep(inst, *guest, h);
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().message == "handle index 1 used with the wrong type, expected guest-defined resource but found a different host-defined resource");
}

TEST_CASE("dropping an own handle of another instance's resource enters that instance for the destructor") {
  Instance impl, user;
  bool impl_entered_during_dtor = false;
  auto rt = std::make_shared<ResourceType>();
  rt->impl = &impl;
  rt->dtor = [&](uint32_t) -> TrapOr<void> {
    impl_entered_during_dtor = !impl.may_enter;
    return {};
  };
  uint32_t h = *resource_new(user, *rt, 5);
  REQUIRE(resource_drop(user, *rt, h));
  CHECK(impl_entered_during_dtor);
  CHECK(impl.may_enter);

  uint32_t h2 = *resource_new(user, *rt, 6);
  impl.may_enter = false;  // impl is on the stack
  auto r = resource_drop(user, *rt, h2);
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().message == "cannot enter component instance");

  impl.may_enter = true;
  uint32_t h3 = *resource_new(user, *rt, 7);
  rt->dtor = [](uint32_t) -> TrapOr<void> { return Trap{TrapCode::HostError, "wasm trap: unreachable"}; };
  auto failed = resource_drop(user, *rt, h3);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.trap().code == TrapCode::HostError);
  CHECK_FALSE(impl.may_enter);  // a trapped destructor locks its instance down
}

TEST_CASE("a lent own handle cannot be dropped or moved; borrows lowered into the implementation pass the rep") {
  Guest g;
  auto rt = resource_type("r");
  auto own_t = handle(ValueKind::Own, rt);
  auto borrow_t = handle(ValueKind::Borrow, rt);
  uint32_t h = *resource_new(g.inst, *rt, 77);
  std::vector<uint32_t> lenders;
  Cx cx = g.cx();
  cx.lenders = &lenders;
  FlatValue in[] = {h};
  FlatReader r{in};
  Val b = lift_flat(cx, r, *borrow_t);
  CHECK(b == Val::borrow({rt, 77, false}));
  CHECK(g.inst.handles.get(h).num_lends == 1);
  auto dropped = resource_drop(g.inst, *rt, h);
  REQUIRE_FALSE(dropped.ok());
  CHECK(dropped.trap().message == "cannot remove owned resource while borrowed");
  FlatReader r2{in};
  check_trap([&] { return lift_flat(cx, r2, *own_t); }, TrapCode::HandleLent, "cannot remove owned resource while borrowed");

  // Lowering a borrow into the instance that implements the resource gives it the rep.
  Instance impl;
  auto mine = resource_type("mine", &impl);
  CanonOptions opts;
  Cx into_impl(opts, impl);
  FlatValue out[1];
  FlatWriter w{out};
  lower_flat(into_impl, Val::borrow({mine, 1234, false}), *handle(ValueKind::Borrow, mine), w);
  CHECK(out[0] == 1234);
  CHECK(impl.handles.live_count() == 0);
}

TEST_CASE("own handles move: lifting removes the handle, a borrow handle cannot be lifted as own") {
  Guest g;
  auto rt = resource_type("r");
  auto own_t = handle(ValueKind::Own, rt);
  uint32_t h = *resource_new(g.inst, *rt, 9);
  Cx cx = g.cx();
  FlatValue in[] = {h};
  FlatReader r{in};
  CHECK(lift_flat(cx, r, *own_t) == Val::own({rt, 9, true}));
  CHECK(g.inst.handles.live_count() == 0);
  FlatReader r2{in};
  check_trap([&] { return lift_flat(cx, r2, *own_t); }, TrapCode::UnknownHandle, "unknown handle index 1");

  CallScope scope;
  cx.borrow_scope = &scope;
  FlatValue out[1];
  FlatWriter w{out};
  lower_flat(cx, Val::borrow({rt, 9, false}), *handle(ValueKind::Borrow, rt), w);
  CHECK(scope.num_borrows == 1);
  FlatReader r3{std::span<const FlatValue>(out, 1)};
  check_trap([&] { return lift_flat(cx, r3, *own_t); }, TrapCode::WrongHandleType, "cannot lift own resource from a borrow");
  REQUIRE(resource_drop(g.inst, *rt, uint32_t(out[0])));
  CHECK(scope.num_borrows == 0);
}

TEST_CASE("the host drops an own resource it holds through the destructor") {
  int dtor_calls = 0;
  auto rt = std::make_shared<ResourceType>();
  rt->dtor = [&](uint32_t rep) -> TrapOr<void> {
    dtor_calls += int(rep);
    return {};
  };
  REQUIRE(drop_host_resource({rt, 3, true}));
  CHECK(dtor_calls == 3);
  CHECK_FALSE(drop_host_resource({rt, 3, false}).ok());
}
