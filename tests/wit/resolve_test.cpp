#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "wit/model.h"
#include "wit_test_support.h"

using namespace wasmrun::wit;
using wit_test::resolve_error;
using wit_test::resolve_texts;

namespace {

std::vector<std::string> keys(const Resolve& r, const std::vector<WorldItem>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(r.item_key(item));
  return out;
}

const char* io_package = R"(
package wasi:io@0.2.0;
interface error { resource error; }
interface poll { resource pollable { block: func(); } }
interface streams {
  use error.{error};
  use poll.{pollable};
  resource input-stream { subscribe: func() -> pollable; }
}
world imports { import streams; }
)";

}  // namespace

TEST_CASE("resolve: use across packages, files of one package, and world elaboration") {
  Resolve r;
  auto ids = resolve_texts(r, {
      {{"a.wit", R"(
package my:app@1.0.0;
interface handler {
  use types.{request};
  handle: func(r: request) -> result<_, string>;
}
world app {
  import wasi:io/streams@0.2.0;
  export handler;
}
)"},
       {"b.wit", R"(
interface types {
  use wasi:io/streams@0.2.0.{input-stream as body};
  resource request { body: func() -> body; }
}
)"}},
      {{"io.wit", io_package}},
  });
  REQUIRE_MESSAGE(ids.ok(), ids.error().message);
  REQUIRE(ids->size() == 2);
  PackageId app_pkg = *(*ids)[0];
  CHECK(r.packages[app_pkg].name.to_string() == "my:app@1.0.0");
  WorldId app = *r.find_world(app_pkg, "app");
  // The exported handler uses my:app/types, which is imported; streams pulls in error and poll
  // before it.
  CHECK(keys(r, r.worlds[app].imports) == std::vector<std::string>{
      "wasi:io/error@0.2.0", "wasi:io/poll@0.2.0", "wasi:io/streams@0.2.0", "my:app/types@1.0.0"});
  CHECK(keys(r, r.worlds[app].exports) == std::vector<std::string>{"my:app/handler@1.0.0"});

  InterfaceId types = *r.find_interface(app_pkg, "types");
  const TypeId* body = r.interfaces[types].find_type("body");
  REQUIRE(body);
  CHECK(r.types[*body].kind == TypeKind::Alias);
  CHECK(r.types[r.canonical(*body)].name == "input-stream");
  REQUIRE(r.interfaces[types].functions.size() == 1);
  const Function& method = r.interfaces[types].functions[0];
  CHECK(method.component_name("request") == "[method]request.body");
  REQUIRE(method.params.size() == 1);
  CHECK(r.types[method.params[0].type.id].kind == TypeKind::Borrow);
  CHECK(r.types[method.result->id].kind == TypeKind::Own);
}

TEST_CASE("resolve: resources desugar into constructors, methods and static functions") {
  Resolve r;
  auto ids = resolve_texts(r, {{{"r.wit", R"(
package t:r;
interface i {
  resource blob {
    constructor(init: list<u8>);
    write: func(bytes: list<u8>);
    merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;
    poll: async func();
  }
  resource blob2 { constructor() -> result<blob2, string>; }
}
)"}}});
  REQUIRE_MESSAGE(ids.ok(), ids.error().message);
  InterfaceId i = *r.find_interface(*(*ids)[0], "i");
  std::vector<std::string> names;
  for (const auto& f : r.interfaces[i].functions) {
    names.push_back(f.component_name(r.types[f.resource].name));
  }
  CHECK(names == std::vector<std::string>{"[constructor]blob", "[method]blob.write", "[static]blob.merge",
                                          "[async method]blob.poll", "[constructor]blob2"});
  const Function& ctor = r.interfaces[i].functions[0];
  CHECK(r.types[ctor.result->id].kind == TypeKind::Own);
}

TEST_CASE("resolve: include with renames, and world-level types") {
  Resolve r;
  auto ids = resolve_texts(r, {{{"w.wit", R"(
package t:w;
interface types { record point { x: u32 } }
world base {
  import log: func(msg: string);
  export run: func();
}
world top {
  include base with { log as print }
  use types.{point};
  import get: func() -> point;
}
)"}}});
  REQUIRE_MESSAGE(ids.ok(), ids.error().message);
  WorldId top = *r.find_world(*(*ids)[0], "top");
  auto imports = keys(r, r.worlds[top].imports);
  std::sort(imports.begin(), imports.end());
  CHECK(imports == std::vector<std::string>{"get", "point", "print", "t:w/types"});
  CHECK(keys(r, r.worlds[top].exports) == std::vector<std::string>{"run"});
}

TEST_CASE("resolve: unstable items are left out unless their feature is enabled") {
  const char* text = R"(
package t:g@0.1.0;
interface i {
  @since(version = 0.1.0)
  a: func();
  @unstable(feature = shiny)
  b: func();
}
)";
  Resolve off, on;
  auto a = resolve_texts(off, {{{"g.wit", text}}});
  REQUIRE(a.ok());
  CHECK(off.interfaces[0].functions.size() == 1);
  CHECK(off.interfaces[0].functions[0].stability.since->to_string() == "0.1.0");
  ResolveOptions options;
  options.features = {"shiny"};
  auto b = resolve_texts(on, {{{"g.wit", text}}}, options);
  REQUIRE(b.ok());
  CHECK(on.interfaces[0].functions.size() == 2);
  CHECK(*on.interfaces[0].functions[1].stability.unstable_feature == "shiny");
}

TEST_CASE("resolve: errors point at the name in its file") {
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { type t = u; }"}}}) ==
        "a.wit:2:24: type `u` is not defined");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { type t = u32; type t = u8; }"}}}) ==
        "a.wit:2:34: name `t` is defined more than once");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { type t = t; }"}}}) ==
        "a.wit:2:20: type `t` refers to itself");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { record r { a: s } record s { b: option<r> } }"}}}) ==
        "a.wit:2:22: type `r` refers to itself");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { use j.{t}; }\ninterface j { use i.{u}; }"}}}) ==
        "a.wit:3:19: interface `a:b/i` depends on itself through `use`");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { use wasi:io/poll.{p}; }"}}}) ==
        "a.wit:2:19: package `wasi:io` not found");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { use j.{t}; }\ninterface j {}"}}}) ==
        "a.wit:2:22: type `t` is not defined in interface `a:b/j`");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { record r {} f: func() -> borrow<r>; }"}}}) ==
        "a.wit:2:47: `r` is not a resource type");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { resource r; f: func() -> option<borrow<r>>; }"}}}) ==
        "a.wit:2:40: a function cannot return a `borrow` handle");
  CHECK(resolve_error({{{"a.wit", "package a:b;\nworld w { include w; }"}}}) ==
        "a.wit:2:19: world `w` includes itself");
  CHECK(resolve_error({{{"a.wit", "package a:b;\nworld v {}\nworld w { include v with { x as y } }"}}}) ==
        "a.wit:3:28: `x` is not an import or export of world `v`");
  CHECK(resolve_error({{{"a.wit", "package a:b;\nworld w { import f: func(); import f: func(); }"}}}) ==
        "a.wit:2:36: import `f` is defined more than once");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i {}"}, {"b.wit", "package a:c;\ninterface j {}"}}}) ==
        "b.wit:1:9: package `a:c` differs from package `a:b` declared in a.wit");
  CHECK(resolve_error({{{"a.wit", "interface i {}"}}}) ==
        "a.wit:1:1: no `package ns:name;` declaration: one file of a package must name it");
  CHECK(resolve_error({{{"a.wit", "package a:b;\ninterface i { resource r { constructor() -> u32; } }"}}}) ==
        "a.wit:2:45: a constructor returns `result<r, E>` or nothing");
}

TEST_CASE("resolve: deep and wide inputs end with a result, not a crash or a hang") {
  // 600 interfaces each using the next: deeper than the resolver follows.
  std::string chain = "package a:b;\n";
  for (int i = 0; i < 600; ++i) chain += "interface i" + std::to_string(i) + "x { use i" + std::to_string(i + 1) + "x.{t}; }\n";
  chain += "interface i600x { type t = u8; }\n";
  std::string error = resolve_error({{{"a.wit", chain}}});
  CHECK(error.find("definitions nest too deeply: more than 500 levels") != std::string::npos);
  // 60 records each holding the next twice, returned by a function: each type is visited once.
  std::string wide = "package a:b;\ninterface i {\n  resource r;\n";
  for (int i = 0; i < 60; ++i) {
    wide += "  record t" + std::to_string(i) + "x { a: t" + std::to_string(i + 1) + "x, b: t" + std::to_string(i + 1) + "x }\n";
  }
  wide += "  record t60x { h: borrow<r> }\n  f: func() -> t0x;\n}\n";
  CHECK(resolve_error({{{"a.wit", wide}}}).find("a function cannot return a `borrow` handle") != std::string::npos);
}
