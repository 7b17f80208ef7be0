// The C++ binding generator's output as text: names, declaration order, and what it refuses.
#include <doctest/doctest.h>

#include <string>

#include "wit/bindgen/cpp_generator.h"
#include "wit_test_support.h"

using namespace wasmrun::wit;

namespace {

std::string generate(const std::string& wit) {
  Resolve r;
  auto ids = wit_test::resolve_texts(r, {{{"g.wit", wit}}});
  REQUIRE_MESSAGE(ids.ok(), ids.error().message);
  auto files = bindgen::generate_cpp(r, {*(*ids)[0]});
  if (!files) return "error: " + files.error().message;
  REQUIRE(files->size() == 2);
  CHECK((*files)[0].name == "my_pkg.h");
  CHECK((*files)[1].name == "my_pkg_traits.h");
  return (*files)[0].text + (*files)[1].text;
}

bool before(const std::string& text, const std::string& a, const std::string& b) {
  auto pa = text.find(a), pb = text.find(b);
  return pa != std::string::npos && pb != std::string::npos && pa < pb;
}

}  // namespace

TEST_CASE("bindgen: types come after the types they contain, interfaces after those they use") {
  std::string text = generate(R"(package my:pkg@0.1.0;
interface uses { use defs.{outer}; f: func(o: outer) -> outer; }
interface defs {
  record outer { inner: option<inner>, r: own<res> }
  record inner { value: u32 }
  resource res;
}
)");
  CHECK(before(text, "namespace bindings::my::pkg::defs {", "namespace bindings::my::pkg::uses {"));
  CHECK(before(text, "struct Res {};", "struct Inner {"));
  CHECK(before(text, "struct Inner {", "struct Outer {"));
  CHECK(text.find("  std::optional<Inner> inner{};\n  Resource<Res> r{};\n") != std::string::npos);
  CHECK(text.find("using Outer = ::bindings::my::pkg::defs::Outer;") != std::string::npos);
  CHECK(text.find("virtual TrapOr<Outer> f(Outer o) = 0;") != std::string::npos);
  CHECK(text.find("instance.template func_wrap<Outer(Outer)>(\n          \"f\"") != std::string::npos);
  CHECK(text.find("wasmrun::canon::RecordTraits<::bindings::my::pkg::defs::Outer, "
                  "::bindings::my::pkg::defs::traits::kOuterFields>") != std::string::npos);
}

TEST_CASE("bindgen: resource members, keywords and case names") {
  std::string text = generate(R"(package my:pkg;
interface i {
  resource fields {
    constructor(entries: list<tuple<string, list<u8>>>);
    get: func(name: string) -> list<list<u8>>;
    from-list: static func(entries: list<string>) -> result<fields, header-error>;
  }
  variant header-error { invalid-syntax, forbidden, immutable, %delete(string) }
  enum scheme { HTTP, HTTPS }
  %new: func(%class: u8);
}
)");
  CHECK(text.find("virtual TrapOr<Resource<Fields>> fields_new(std::vector<std::tuple<std::string, std::vector<uint8_t>>> entries) = 0;")
        != std::string::npos);
  CHECK(text.find("virtual TrapOr<std::vector<std::vector<uint8_t>>> fields_get(Borrow<Fields> self, std::string name) = 0;")
        != std::string::npos);
  CHECK(text.find("virtual TrapOr<Result<Resource<Fields>, HeaderError>> fields_from_list(std::vector<std::string> entries) = 0;")
        != std::string::npos);
  CHECK(text.find("virtual TrapOr<void> fields_drop(Resource<Fields> self) = 0;") != std::string::npos);
  CHECK(text.find("virtual TrapOr<void> new_(uint8_t class_) = 0;") != std::string::npos);
  CHECK(text.find("static HeaderError delete_(std::string payload)") != std::string::npos);
  CHECK(text.find("enum class Scheme : uint32_t { Http, Https };") != std::string::npos);
  CHECK(text.find("\"[static]fields.from-list\"") != std::string::npos);
  CHECK(text.find("\"[constructor]fields\"") != std::string::npos);
  CHECK(before(text, "instance.template resource<Fields>", "\"[constructor]fields\""));
}

TEST_CASE("bindgen: what the C++ mapping does not cover is an error naming the interface") {
  CHECK(generate("package my:pkg;\ninterface i { f: async func(); }") ==
        "error: my:pkg/i: `async` function `f` is not supported by the C++ binding generator");
  CHECK(generate("package my:pkg;\ninterface i { f: func(s: stream<u8>); }") ==
        "error: my:pkg/i: `stream` is not supported by the C++ binding generator");
  std::string many = "package my:pkg;\ninterface i { flags f {";
  for (int i = 0; i < 33; ++i) many += " f" + std::string(1, char('a' + i % 26)) + std::string(1, char('a' + i / 26)) + ",";
  CHECK(generate(many + " } }") == "error: my:pkg/i: flags with more than 32 members is not supported by the C++ binding generator");
}
