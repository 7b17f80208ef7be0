// Error contexts (CanonicalABI.md `ErrorContext`, lift_error_context, lower_error_context,
// canon error-context.new / debug-message / drop).
#include "canonical_abi/error_context.h"

#include "canonical_abi/resources.h"
#include "fixture.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::test;
using wasmrun::component::ErrorContextAny;

TEST_CASE("error-context.new reads the message in the options' encoding; debug-message writes it back") {
  Guest g(StringEncoding::Utf16);
  g.put(100, std::string("o\0k\0\xe9\0", 6));  // "oké" in UTF-16LE
  uint32_t h = *error_context_new(g.inst, g.opts, 100, 3);
  CHECK(h == 1);
  REQUIRE(error_context_debug_message(g.inst, g.opts, h, 16));
  uint32_t ptr = g.get32(16), units = g.get32(20);
  CHECK(units == 3);
  CHECK(g.get(ptr, 6) == std::string("o\0k\0\xe9\0", 6));
  // The message is taken through realloc, as store_string does.
  CHECK_FALSE(g.reallocs.empty());

  Guest utf8;
  utf8.put(100, "disk full");
  uint32_t h8 = *error_context_new(utf8.inst, utf8.opts, 100, 9);
  REQUIRE(error_context_debug_message(utf8.inst, utf8.opts, h8, 16));
  CHECK(utf8.get(utf8.get32(16), utf8.get32(20)) == "disk full");
}

TEST_CASE("error-context.drop frees the handle; bad indices and resource handles trap") {
  Guest g;
  g.put(0, "x");
  uint32_t a = *error_context_new(g.inst, g.opts, 0, 1);
  uint32_t b = *error_context_new(g.inst, g.opts, 0, 1);
  CHECK(b == a + 1);
  REQUIRE(error_context_drop(g.inst, a));
  CHECK(g.inst.handles.live_count() == 1);
  auto again = error_context_drop(g.inst, a);
  REQUIRE_FALSE(again.ok());
  CHECK(again.trap().code == TrapCode::UnknownHandle);
  CHECK(again.trap().message == "unknown handle index 1");
  auto bad = error_context_debug_message(g.inst, g.opts, 9, 16);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.trap().message == "unknown handle index 9");

  // Resources and error contexts share the table, and neither passes for the other.
  auto rt = resource_type("r", &g.inst);
  uint32_t r = *resource_new(g.inst, *rt, 5);
  auto wrong = error_context_drop(g.inst, r);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.trap().code == TrapCode::WrongHandleType);
  auto wrong_rep = resource_rep(g.inst, *rt, b);
  REQUIRE_FALSE(wrong_rep.ok());
  CHECK(wrong_rep.trap().code == TrapCode::WrongHandleType);
  CHECK(*resource_rep(g.inst, *rt, r) == 5);
}

TEST_CASE("the built-ins trap while the instance may not leave (post-return, realloc)") {
  Guest g;
  uint32_t h = *error_context_new(g.inst, g.opts, 0, 0);
  g.inst.may_leave = false;
  for (auto r : {error_context_new(g.inst, g.opts, 0, 0).ok(), error_context_debug_message(g.inst, g.opts, h, 16).ok(),
                 error_context_drop(g.inst, h).ok()}) {
    CHECK_FALSE(r);
  }
  auto t = error_context_drop(g.inst, h);
  CHECK(t.trap().code == TrapCode::CannotLeave);
  CHECK(t.trap().message == "cannot leave component instance");
  g.inst.may_leave = true;
  CHECK(error_context_drop(g.inst, h));
}

TEST_CASE("out-of-bounds message ranges and result pointers trap") {
  Guest g;
  auto n = error_context_new(g.inst, g.opts, 65530, 100);
  REQUIRE_FALSE(n.ok());
  CHECK(n.trap().code == TrapCode::OutOfBounds);
  uint32_t h = *error_context_new(g.inst, g.opts, 0, 0);
  auto r = error_context_debug_message(g.inst, g.opts, h, 65532);
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap().code == TrapCode::OutOfBounds);
}

TEST_CASE("lifting an error context keeps its handle; lowering adds one that shares the message") {
  Guest from, to;
  from.put(0, "shared");
  uint32_t h = *error_context_new(from.inst, from.opts, 0, 6);
  ErrorContextAny e;
  {
    Cx cx = from.cx();
    FlatValue flat[1] = {h};
    FlatReader in{flat};
    Val v = lift_flat(cx, in, *prim(ValueKind::ErrorContext));
    REQUIRE(v.kind() == Val::Kind::ErrorContext);
    e = v.error_context();
  }
  REQUIRE(e.debug_message);
  CHECK(*e.debug_message == "shared");
  CHECK(from.inst.handles.live_count() == 1);

  Cx cx = to.cx();
  FlatValue out[1] = {0};
  FlatWriter w{out};
  lower_flat(cx, Val::error_context(e), *prim(ValueKind::ErrorContext), w);
  REQUIRE(w.count == 1);
  REQUIRE(error_context_debug_message(to.inst, to.opts, uint32_t(out[0]), 16));
  CHECK(to.get(to.get32(16), to.get32(20)) == "shared");

  // In memory: a 4-byte handle index.
  store(cx, Val::error_context(e), *prim(ValueKind::ErrorContext), 200);
  uint32_t stored = to.get32(200);
  CHECK(stored == uint32_t(out[0]) + 1);
  CHECK(load(cx, 200, *prim(ValueKind::ErrorContext)) == Val::error_context(e));
  // A handle that is a resource does not lift as an error context.
  auto rt = resource_type("r", &to.inst);
  uint32_t r = *resource_new(to.inst, *rt, 1);
  FlatValue bad[1] = {r};
  FlatReader in{bad};
  check_trap([&] { return lift_flat(cx, in, *prim(ValueKind::ErrorContext)); }, TrapCode::WrongHandleType,
             "expected an error-context");
}

TEST_CASE("map<K, V> is laid out and flattened as list<tuple<K, V>>") {
  ValueType m;
  m.kind = ValueKind::Map;
  m.element = tuple({prim(ValueKind::String), prim(ValueKind::U32)});
  CHECK(elem_size(m) == 8);
  CHECK(alignment(m) == 4);
  CHECK(flatten(m) == std::vector<FlatType>{FlatType::I32, FlatType::I32});
  CHECK(describe(m) == "map<string, u32>");
  Guest g;
  Cx cx = g.cx();
  Val entries = Val::list({Val::tuple({Val::string("a"), Val::u32(1)}), Val::tuple({Val::string("bc"), Val::u32(2)})});
  store(cx, entries, m, 16);
  uint32_t ptr = g.get32(16);
  CHECK(g.get32(20) == 2);
  CHECK(g.get(g.get32(ptr), g.get32(ptr + 4)) == "a");
  CHECK(g.get32(ptr + 8) == 1);
  CHECK(g.get(g.get32(ptr + 12), g.get32(ptr + 16)) == "bc");
  CHECK(g.get32(ptr + 20) == 2);
  CHECK(load(cx, 16, m) == entries);
}
