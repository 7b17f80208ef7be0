// A local check tool: writes the binary of every module and component of WAST scripts that our
// text parser encoded (text and quoted forms; not `binary` ones) into a folder, and prints one
// manifest line per binary: "component|module PATH FILE:LINE COMMAND". tests/text/jco_print_check.sh feeds the components
// to `jco print`.
//
//   wast_modules OUT_DIR FILE.wast...
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "support/file.h"
#include "text/wast_parser.h"

int main(int argc, char** argv) {
  if (argc < 3) return fmt::print(stderr, "usage: wast_modules OUT_DIR FILE.wast...\n"), 2;
  std::filesystem::path out_dir(argv[1]);
  std::filesystem::create_directories(out_dir);
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    std::string file = argv[i];
    auto bytes = wasmrun::read_file(file);
    if (!bytes) {
      fmt::print(stderr, "{}\n", bytes.error().message);
      status = 1;
      continue;
    }
    auto script = wasmrun::text::parse_wast({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, file);
    if (!script) {
      fmt::print(stderr, "{}\n", script.error().message);
      status = 1;
      continue;
    }
    std::string stem = std::filesystem::path(file).parent_path().filename().string() + "-" +
                       std::filesystem::path(file).stem().string();
    size_t n = 0;
    for (const auto& c : script->commands) {
      if (c.binary.empty() || c.binary_module) continue;
      std::filesystem::path path = out_dir / fmt::format("{}.{}.wasm", stem, n++);
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(c.binary.data()),
                                                   std::streamsize(c.binary.size()));
      fmt::print("{} {} {}:{} {}\n", c.component ? "component" : "module", path.string(), file, c.line,
                 wasmrun::text::to_string(c.kind));
    }
  }
  return status;
}
