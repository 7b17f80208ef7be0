#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "wit/loader.h"
#include "wit/parser.h"
#include "wit/printer.h"
#include "wit_test_support.h"

using namespace wasmrun::wit;
namespace fs = std::filesystem;

TEST_CASE("printer: a world with the interfaces it refers to") {
  Resolve r;
  auto ids = wit_test::resolve_texts(r, {
      {{"app.wit", R"(package my:app@1.0.0;
world app {
  import wasi:io/streams@0.2.0;
  import log: func(msg: string, level: option<u8>);
  export run: func() -> result<_, string>;
}
)"}},
      {{"io.wit", R"(package wasi:io@0.2.0;
interface error { resource error; }
interface streams {
  use error.{error as io-error};
  variant stream-error { last-operation-failed(io-error), closed }
  resource input-stream {
    read: func(len: u64) -> result<list<u8>, stream-error>;
    %type: static func() -> tuple<u32, list<u8, 4>>;
  }
  resource output-stream { constructor(); }
}
interface unused {}
)"}},
  });
  REQUIRE_MESSAGE(ids.ok(), ids.error().message);
  std::string text = print_world(r, *r.find_world(*(*ids)[0], "app"));
  CHECK(text == R"(package my:app@1.0.0;

world app {
  import wasi:io/error@0.2.0;
  import wasi:io/streams@0.2.0;
  import log: func(msg: string, level: option<u8>);
  export run: func() -> result<_, string>;
}

package wasi:io@0.2.0 {
  interface error {
    resource error;
  }

  interface streams {
    use error.{error as io-error};
    variant stream-error {
      last-operation-failed(io-error),
      closed,
    }
    resource input-stream {
      read: func(len: u64) -> result<list<u8>, stream-error>;
      %type: static func() -> tuple<u32, list<u8, 4>>;
    }
    resource output-stream {
      constructor();
    }
  }
}
)");
}

TEST_CASE("printer: keywords are escaped wherever a name is printed") {
  const char* text = R"(package %type:%list@1.0.0;

interface %use {
  record %record {
    %bool: bool,
  }
  %func: func(%list: %record) -> result<_, %record>;
}

world w {
  import %use;
  export %static: func();
}
)";
  Resolve r;
  auto ids = wit_test::resolve_texts(r, {{{"k.wit", text}}});
  REQUIRE_MESSAGE(ids.ok(), ids.error().message);
  CHECK(print_package(r, *(*ids)[0]) == text);
  CHECK(r.packages[0].name.to_string() == "type:list@1.0.0");
}

// Printing a package, parsing the text again and printing that gives the same text: the
// printer writes what the parser reads and loses nothing the model holds.
TEST_CASE("printer: every WASI package of ../shared/wit prints, re-parses and prints the same") {
  const char* env = std::getenv("SHARED_DIR");
  fs::path wit = fs::path(env ? env : WASMRUN_SHARED_DIR) / "wit";
  if (!fs::is_directory(wit)) {
    MESSAGE("skipped: no " << wit.string() << " (see README: the spec suites)");
    return;
  }
  for (const char* set : {"wasi-0.2.12", "wasi-0.3.0"}) {
    std::vector<PackageSources> groups;
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(wit / set)) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& dir : dirs) {
      auto sources = read_package(dir.string());
      REQUIRE(sources.ok());
      groups.push_back(sources.take());
    }
    ResolveOptions options;
    options.all_features = true;
    Resolve first;
    auto ids = resolve_packages(first, std::move(groups), options);
    REQUIRE(ids.ok());
    std::vector<std::string> printed;
    std::vector<PackageSources> again;
    for (PackageId p = 0; p < first.packages.size(); ++p) {
      printed.push_back(print_package(first, p));
      auto file = parse_text(printed.back(), first.packages[p].name.to_string() + ".wit");
      REQUIRE_MESSAGE(file.ok(), file.error().message);
      PackageSources group;
      group.files.push_back(file.take());
      again.push_back(std::move(group));
    }
    Resolve second;
    auto ids2 = resolve_packages(second, std::move(again), options);
    REQUIRE_MESSAGE(ids2.ok(), ids2.error().message);
    for (PackageId p = 0; p < second.packages.size(); ++p) {
      CHECK(print_package(second, p) == printed[p]);
    }
    for (WorldId w = 0; w < first.worlds.size(); ++w) {
      CHECK(print_world(first, w) == print_world(second, w));
    }
  }
}
