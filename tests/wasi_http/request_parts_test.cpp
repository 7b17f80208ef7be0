#include <doctest/doctest.h>

#include "wasi/http/request_parts.h"

using namespace wasmrun::wasi::http;
namespace wit = bindings::wasi::http::types;

TEST_CASE("request parts: methods and schemes between the engine's strings and wasi:http's variants") {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PROPFIND"})
    CHECK(method_name(method_of(m)) == m);
  CHECK(method_of("GET").which() == wit::Method::Case::Get);
  CHECK(method_of("get").which() == wit::Method::Case::Other);  // methods are case-sensitive
  CHECK(valid_method(wit::Method::other("PROPFIND")));
  CHECK_FALSE(valid_method(wit::Method::other("BAD METHOD")));
  CHECK_FALSE(valid_method(wit::Method::other("")));
  CHECK(scheme_name(scheme_of("https")) == "https");
  CHECK(scheme_of("ftp").which() == wit::Scheme::Case::Other);
  CHECK(valid_scheme("git+ssh"));
  CHECK_FALSE(valid_scheme("1http"));
  CHECK_FALSE(valid_scheme("ht tp"));
}

TEST_CASE("request parts: authority and path-with-query validation") {
  auto hp = split_authority("example.com:8080");
  REQUIRE(hp);
  CHECK(hp->host == "example.com");
  CHECK(hp->port == 8080);
  CHECK(split_authority("example.com")->port == 0);
  auto v6 = split_authority("[::1]:443");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 443);
  CHECK_FALSE(split_authority(""));
  CHECK_FALSE(split_authority("user@host"));
  CHECK_FALSE(split_authority("host:99999"));
  CHECK_FALSE(split_authority("host:"));
  CHECK_FALSE(split_authority("ho st"));
  CHECK_FALSE(split_authority("[::1"));
  CHECK(valid_path_with_query("/a/b?c=d"));
  CHECK(valid_path_with_query("*"));
  CHECK(valid_path_with_query(""));
  CHECK_FALSE(valid_path_with_query("relative"));
  CHECK_FALSE(valid_path_with_query("/with space"));
  CHECK_FALSE(valid_path_with_query("/new\nline"));
}

TEST_CASE("request parts: a message's content-length") {
  FieldsData h;
  CHECK_FALSE(declared_content_length(h));
  h.entries.push_back({"content-length", {'1', '2'}});
  CHECK(declared_content_length(h) == 12u);
  h.entries.push_back({"content-length", {'1', '2'}});
  CHECK(declared_content_length(h) == 12u);  // repeated with the same value
  h.entries.push_back({"content-length", {'1', '3'}});
  CHECK_FALSE(declared_content_length(h));
  FieldsData bad;
  bad.entries.push_back({"content-length", {'x'}});
  CHECK_FALSE(declared_content_length(bad));
}
