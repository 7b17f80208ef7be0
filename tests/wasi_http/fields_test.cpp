#include <doctest/doctest.h>

#include "wasi/http/fields.h"

using namespace wasmrun::wasi::http;

namespace {
std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("fields: names are tokens, values visible characters without CR, LF or edge whitespace") {
  CHECK(valid_field_name("content-type"));
  CHECK(valid_field_name("X-Custom_1!"));
  CHECK_FALSE(valid_field_name(""));
  CHECK_FALSE(valid_field_name("bad name"));
  CHECK_FALSE(valid_field_name("colon:"));
  CHECK(valid_field_value(bytes("text/plain; charset=utf-8")));
  CHECK(valid_field_value(bytes("")));
  CHECK(valid_field_value(bytes("obs-text \xff")));
  CHECK_FALSE(valid_field_value(bytes("a\nb")));
  CHECK_FALSE(valid_field_value(bytes("a\rb")));
  CHECK_FALSE(valid_field_value(bytes(std::string_view("a\0b", 3))));
  CHECK_FALSE(valid_field_value(bytes(" leading")));
  CHECK_FALSE(valid_field_value(bytes("trailing\t")));
}

TEST_CASE("fields: the hop-by-hop headers Wasmtime forbids, in any case") {
  for (const char* name : {"connection", "Keep-Alive", "proxy-authenticate", "proxy-authorization",
                           "proxy-connection", "Transfer-Encoding", "upgrade", "HOST", "http2-settings"})
    CHECK_MESSAGE(is_forbidden_field(name), name);
  CHECK_FALSE(is_forbidden_field("content-length"));
  CHECK_FALSE(is_forbidden_field("te"));
}

TEST_CASE("fields: set, append, delete check syntax, then the forbidden list, then immutability") {
  FieldsObject f;
  CHECK(f.append("X-A", bytes("1")) == HeaderProblem::None);
  CHECK(f.append("x-a", bytes("2")) == HeaderProblem::None);
  CHECK(f.get("X-a").size() == 2);
  CHECK(f.data->entries[0].first == "x-a");  // stored lowercased
  CHECK(f.has("X-A"));
  CHECK(f.set("x-a", {bytes("3")}) == HeaderProblem::None);
  CHECK(f.get("x-a") == std::vector<std::vector<uint8_t>>{bytes("3")});
  CHECK(f.append("bad name", bytes("v")) == HeaderProblem::InvalidSyntax);
  CHECK(f.append("x-b", bytes("a\nb")) == HeaderProblem::InvalidSyntax);
  CHECK(f.set("x-b", {bytes("ok"), bytes("\r")}) == HeaderProblem::InvalidSyntax);
  CHECK(f.append("Connection", bytes("close")) == HeaderProblem::Forbidden);
  CHECK(f.remove("upgrade") == HeaderProblem::Forbidden);
  CHECK(f.remove("x-a") == HeaderProblem::None);
  CHECK_FALSE(f.has("x-a"));

  FieldsObject frozen{f.data, true};
  CHECK(frozen.append("x-c", bytes("1")) == HeaderProblem::Immutable);
  CHECK(frozen.set("x-c", {}) == HeaderProblem::Immutable);
  CHECK(frozen.remove("x-c") == HeaderProblem::Immutable);
  // Syntax and the forbidden list are checked before immutability, as in Wasmtime.
  CHECK(frozen.append("bad name", bytes("1")) == HeaderProblem::InvalidSyntax);
  CHECK(frozen.append("host", bytes("x")) == HeaderProblem::Forbidden);
}

TEST_CASE("fields: from-list refuses the first bad entry; incoming headers lose forbidden fields") {
  FieldsData out;
  CHECK(fields_from_list({{"a", bytes("1")}, {"B", bytes("2")}}, out) == HeaderProblem::None);
  CHECK(out.entries.size() == 2);
  CHECK(out.entries[1].first == "b");
  FieldsData bad;
  CHECK(fields_from_list({{"a", bytes("1")}, {"keep-alive", bytes("2")}}, bad) == HeaderProblem::Forbidden);
  CHECK(fields_from_list({{"a b", bytes("1")}}, bad) == HeaderProblem::InvalidSyntax);

  wasmrun::http::Fields engine{{"Host", "example.com"}, {"Accept", "*/*"}, {"Connection", "keep-alive"}};
  FieldList list = from_engine_fields(engine);
  REQUIRE(list.size() == 1);
  CHECK(list[0].first == "accept");
  auto back = to_engine_fields(list);
  CHECK(*back.get("accept") == "*/*");
}
