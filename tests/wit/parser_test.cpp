#include <doctest/doctest.h>

#include <string>

#include "wit/parser.h"

using namespace wasmrun::wit;

namespace {

std::string parse_error(const std::string& text) {
  auto file = parse_text(text, "x.wit");
  return file ? "" : file.error().message;
}

}  // namespace

TEST_CASE("parser: a package with every kind of item") {
  auto file = parse_text(R"(
/// The package.
package my:pkg@1.2.3-rc.1;

use wasi:io/streams@0.2.0 as streams;

@since(version = 1.0.0)
interface types {
  use streams.{input-stream, output-stream as out};
  type bytes = list<u8>;
  type quad = list<u8, 4>;
  record point { x: s32, y: s32, }
  variant shape { circle(f64), square(tuple<f32, f32>), none }
  enum color { red, green }
  flags perms { read, write }
  resource blob {
    constructor(init: bytes);
    read: func(n: u32) -> result<bytes, string>;
    merge: static func(a: borrow<blob>, b: own<blob>) -> blob;
    @unstable(feature = fancy)
    flush: async func();
  }
  f: func(a: option<string>, b: result, c: result<_, u8>, d: result<u8>) -> tuple<char, bool>;
  g: func(s: stream<u8>, f: future, m: map<string, u64>, e: error-context);
}

world w {
  import types;
  import wasi:clocks/wall-clock@0.2.0;
  import log: func(msg: string);
  export run: interface { go: func(); }
  include other with { a as b, c as d }
  use types.{point};
  @since(version = 1.0.0) @deprecated(version = 1.1.0)
  export %type: func() -> point;
}

package other:nested@0.1.0 {
  world other {}
}
)", "x.wit");
  REQUIRE_MESSAGE(file.ok(), file.error().message);
  REQUIRE(file->package);
  CHECK(file->package->ns == "my");
  CHECK(file->package->version->pre == "rc.1");
  CHECK(file->package_docs == "The package.");
  REQUIRE(file->items.uses.size() == 1);
  CHECK(file->items.uses[0].as->name == "streams");
  REQUIRE(file->items.interfaces.size() == 1);
  const auto& types = file->items.interfaces[0];
  CHECK(types.gate.since->to_string() == "1.0.0");
  CHECK(types.items.size() == 10);
  const auto& blob = std::get<ast::TypeDecl>(types.items[7]);
  CHECK(blob.kind == ast::TypeDecl::Kind::Resource);
  REQUIRE(blob.funcs.size() == 4);
  CHECK(blob.funcs[0].kind == ast::ResourceFunc::Kind::Constructor);
  CHECK(blob.funcs[2].kind == ast::ResourceFunc::Kind::Static);
  CHECK(*blob.funcs[3].gate.unstable_feature == "fancy");
  CHECK(blob.funcs[3].type.async);
  const auto& quad = std::get<ast::TypeDecl>(types.items[2]);
  CHECK(quad.alias.kind == ast::Type::Kind::FixedList);
  CHECK(quad.alias.length == 4);
  const auto& f = std::get<ast::Func>(types.items[8]);
  CHECK(f.type.params[1].type.kind == ast::Type::Kind::Result);
  CHECK_FALSE(f.type.params[1].type.result_ok);
  CHECK(f.type.params[2].type.result_err);
  CHECK_FALSE(f.type.params[2].type.result_ok);
  CHECK(f.type.params[3].type.result_ok);
  CHECK_FALSE(f.type.params[3].type.result_err);
  const auto& world = file->items.worlds[0];
  REQUIRE(world.items.size() == 7);
  CHECK(std::get<ast::Extern>(world.items[1]).path.package->version->to_string() == "0.2.0");
  CHECK(std::get<ast::Extern>(world.items[2]).kind == ast::Extern::Kind::Func);
  CHECK(std::get<ast::Extern>(world.items[3]).kind == ast::Extern::Kind::Interface);
  CHECK(std::get<ast::Include>(world.items[4]).with.size() == 2);
  CHECK(std::get<ast::Extern>(world.items[6]).name.name == "type");
  CHECK(std::get<ast::Extern>(world.items[6]).gate.deprecated);
  REQUIRE(file->nested.size() == 1);
  CHECK(file->nested[0].name.name == "nested");
}

TEST_CASE("parser: errors say file:line:column and what was expected") {
  CHECK(parse_error("package a:b;\ninterface i {\n  f: func(x u32);\n}") ==
        "x.wit:3:13: expected `:`, found keyword `u32`");
  CHECK(parse_error("package a:b;\ninterface i {\n  type t = list<u8;\n}") ==
        "x.wit:3:19: expected `>`, found `;`");
  CHECK(parse_error("interface i {}\npackage a:b;") ==
        "x.wit:2:1: `package a:b;` must come before every other item of the file");
  CHECK(parse_error("package a:b@1.0;") ==
        "x.wit:1:13: expected a semver version such as `1.2.3` or `0.2.0-rc.1`");
  CHECK(parse_error("package a:b;\n@since(version = 1.0.0) @unstable(feature = x) interface i {}") ==
        "x.wit:2:1: an item cannot be both `@since` and `@unstable`");
  CHECK(parse_error("package a:b;\n@deprecated(version = 1.0.0) interface i {}") ==
        "x.wit:2:1: `@deprecated` needs a `@since` or `@unstable` beside it");
  CHECK(parse_error("package a:b;\n@stable(version = 1.0.0) interface i {}") ==
        "x.wit:2:2: unknown annotation `@stable`; expected `@since`, `@unstable` or `@deprecated`");
  CHECK(parse_error("package a:b;\ninterface i { variant v {} }") == "x.wit:2:26: variant `v` needs at least one case");
  CHECK(parse_error("package a:b;\ninterface i { type t = list<u8, 0>; }") ==
        "x.wit:2:33: a fixed-length list needs a length above 0");
  CHECK(parse_error("package a:b;\ninterface i { type record = u8; }") ==
        "x.wit:2:20: expected an identifier, found keyword `record`");
  CHECK(parse_error("package a:b;\ninterface i {") == "x.wit:2:14: expected a type, function, `use` or `}`, found end of file");
  CHECK(parse_error("package a:b:c;") == "x.wit:1:12: nested namespaces (`a:b:c`) are not supported");
  std::string deep = "package a:b;\ninterface i { type t = ";
  for (int i = 0; i < 200; ++i) deep += "list<";
  CHECK(parse_error(deep) == "x.wit:2:529: types nest too deeply");
}

TEST_CASE("parser: a doc comment's trailing carriage returns are all dropped (a fuzz_wit_parse finding)") {
  // Printing writes each doc line back; with one CR kept per parse, a second parse differed.
  auto one = parse_text("package a:b;\n/// x\r\r\r\ninterface i {}\n", "x.wit");
  auto two = parse_text("package a:b;\n/// x\ninterface i {}\n", "x.wit");
  REQUIRE(one);
  REQUIRE(two);
  CHECK(one->items.interfaces.at(0).docs == two->items.interfaces.at(0).docs);
  CHECK(one->items.interfaces.at(0).docs == "x");
}
