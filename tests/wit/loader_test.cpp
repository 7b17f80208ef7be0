// WIT from the file system: a package directory of several files, its deps/ folder (a
// directory and a single file, one holding a nested package), and world selection.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "wit/loader.h"
#include "wit/printer.h"

using namespace wasmrun::wit;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("wit-loader-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& relative, const std::string& text) const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative) << text;
  }
};

}  // namespace

TEST_CASE("loader: a package directory with deps/ resolves, and a world is selected") {
  TempDir dir;
  dir.write("world.wit", "package my:app@0.1.0;\nworld app { import handler; export wasi:cli/run@0.2.0; }\n");
  dir.write("handler.wit", "interface handler { use wasi:io/streams@0.2.0.{input-stream}; read: func(s: borrow<input-stream>); }\n");
  dir.write("notes.txt", "not WIT");
  dir.write("deps/io/streams.wit", "package wasi:io@0.2.0;\ninterface streams { resource input-stream; }\n");
  dir.write("deps/cli.wit", "package wasi:cli@0.2.0 {\n  interface run { run: func() -> result; }\n}\n");
  Resolve r;
  auto root = load_path(r, dir.path.string());
  REQUIRE_MESSAGE(root.ok(), root.error().message);
  CHECK(r.packages[*root].name.to_string() == "my:app@0.1.0");
  CHECK(r.packages.size() == 3);
  auto world = select_world(r, *root, "");
  REQUIRE(world.ok());
  CHECK(print_world(r, *world).find("  import wasi:io/streams@0.2.0;\n  import handler;\n  export wasi:cli/run@0.2.0;\n")
        != std::string::npos);
  CHECK(select_world(r, *root, "my:app/app@0.1.0").ok());
  CHECK(select_world(r, *root, "my:app/app").ok());
  CHECK(select_world(r, *root, "nope").error().message == "no world `nope` in package `my:app@0.1.0`");
}

TEST_CASE("loader: errors name the file they come from") {
  TempDir dir;
  dir.write("a.wit", "package my:app;\ninterface i { f: func() -> nope; }\n");
  Resolve r;
  auto root = load_path(r, dir.path.string());
  REQUIRE_FALSE(root.ok());
  CHECK(root.error().message == (dir.path / "a.wit").string() + ":2:28: type `nope` is not defined");
  TempDir empty;
  Resolve r2;
  CHECK(load_path(r2, empty.path.string()).error().message == empty.path.string() + ": no .wit files");
  CHECK_FALSE(load_path(r2, (empty.path / "missing.wit").string()).ok());
}
