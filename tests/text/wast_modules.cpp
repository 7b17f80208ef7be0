// A local check tool: writes the binary of every module and component of WAST scripts that our
// text parser encoded (text and quoted forms; not `binary` ones) into a folder, and prints one
// manifest line per binary: "component|module PATH FILE:LINE COMMAND". For a component written
// as text, PATH.wat holds its source, so another parser can encode it for comparison.
// tests/text/jco_print_check.mjs reads the manifest.
//
//   wast_modules OUT_DIR FILE.wast...
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "support/file.h"
#include "text/lexer.h"
#include "text/wast_parser.h"

namespace {

// The source of each `(component ...)` written as text in a script, by the line of its command,
// with `definition` dropped so that a plain WAT parser reads it.
std::vector<std::pair<uint32_t, std::string>> component_sources(std::string_view source) {
  std::vector<std::pair<uint32_t, std::string>> out;
  auto tokens = wasmrun::text::tokenize(source, "");
  if (!tokens) return out;
  using wasmrun::text::TokenKind;
  const auto& t = *tokens;
  int depth = 0;
  uint32_t command_line = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind == TokenKind::RParen) --depth;
    if (t[i].kind != TokenKind::LParen) continue;
    if (depth == 0) command_line = t[i].line;
    ++depth;
    if (depth > 2 || i + 2 >= t.size() || t[i + 1].text != "component") continue;
    std::string_view next = t[i + 2].text;
    if (next == "binary" || next == "quote" || next == "instance") continue;
    size_t j = i + 1;
    for (int d = 1; j < t.size() && d > 0; ++j) d += t[j].kind == TokenKind::LParen ? 1 : t[j].kind == TokenKind::RParen ? -1 : 0;
    const char* begin = t[i].text.data();
    const char* end = t[j - 1].text.data() + 1;
    std::string text(begin, end);
    if (next == "definition") text.replace(size_t(t[i + 2].text.data() - begin), next.size(), "");
    out.emplace_back(command_line, std::move(text));
  }
  return out;
}

}  // namespace

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
    auto sources = component_sources({reinterpret_cast<const char*>(bytes->data()), bytes->size()});
    size_t n = 0, next_source = 0;
    for (const auto& c : script->commands) {
      if (c.binary.empty() || c.binary_module) continue;
      std::filesystem::path path = out_dir / fmt::format("{}.{}.wasm", stem, n++);
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(c.binary.data()),
                                                   std::streamsize(c.binary.size()));
      while (next_source < sources.size() && sources[next_source].first < c.line) ++next_source;
      if (c.component && !c.text_module && next_source < sources.size() && sources[next_source].first == c.line)
        std::ofstream(path.string() + ".wat") << sources[next_source++].second;
      fmt::print("{} {} {}:{} {}\n", c.component ? "component" : "module", path.string(), file, c.line,
                 wasmrun::text::to_string(c.kind));
    }
  }
  return status;
}
