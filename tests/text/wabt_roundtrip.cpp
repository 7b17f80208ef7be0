// A local check, not part of the test suite: encodes every module of WAST scripts with our text
// parser and compares each binary with what wabt's wast2json writes for the same module. Prints
// the modules that differ, grouped by the first section that differs, and ends with
// "N passed, N failed, N skipped" (a difference counts as failed). Without wast2json on PATH,
// everything is skipped with a message.
//
//   wabt_roundtrip [-v] [--enable-all] FILE.wast...   (--enable-all goes to wast2json, for 3.0)
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "support/file.h"
#include "text/wast_parser.h"

namespace {

using wasmrun::text::WastCommand;

bool has_module(const WastCommand& c) {
  switch (c.kind) {
    case WastCommand::Kind::Module: case WastCommand::Kind::AssertInvalid:
    case WastCommand::Kind::AssertMalformed: case WastCommand::Kind::AssertUnlinkable:
    case WastCommand::Kind::AssertUninstantiable:
      return true;
    default:
      return false;
  }
}

bool run_wast2json(const std::string& wast, const std::string& json, bool enable_all) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    if (!std::freopen("/dev/null", "w", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    if (enable_all)
      execlp("wast2json", "wast2json", "--enable-all", wast.c_str(), "-o", json.c_str(), static_cast<char*>(nullptr));
    else
      execlp("wast2json", "wast2json", wast.c_str(), "-o", json.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The id of the section holding byte `offset` of a module binary (sections walked from the start).
int section_at(const std::vector<uint8_t>& bytes, size_t offset) {
  size_t pos = 8;
  while (pos < bytes.size()) {
    int id = bytes[pos++];
    uint64_t size = 0;
    for (unsigned shift = 0; pos < bytes.size(); shift += 7) {
      uint8_t b = bytes[pos++];
      size |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (offset < pos + size) return id;
    pos += size;
  }
  return -1;
}

bool wast2json_available() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"})
    if (access((std::string(dir) + "/wast2json").c_str(), X_OK) == 0) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false, enable_all = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) verbose = true;
    else if (std::strcmp(argv[i], "--enable-all") == 0) enable_all = true;
    else files.emplace_back(argv[i]);
  }
  if (!wast2json_available()) {
    fmt::print("wast2json (wabt) is not installed: nothing to compare against\n");
    fmt::print("0 passed, 0 failed, {} skipped\n", files.size());
    return 0;
  }
  char dir_template[] = "/tmp/wasmrun-roundtrip-XXXXXX";
  if (!mkdtemp(dir_template)) return 1;
  std::filesystem::path dir(dir_template);
  uint64_t same = 0, different = 0, skipped = 0;
  std::map<int, uint64_t> by_section;
  for (const std::string& file : files) {
    auto bytes = wasmrun::read_file(file);
    if (!bytes) return fmt::print(stderr, "{}\n", bytes.error().message), 1;
    auto script = wasmrun::text::parse_wast({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, file);
    std::string base = std::filesystem::path(file).stem().string();
    std::filesystem::path json = dir / (base + ".json");
    if (!script || !run_wast2json(file, json.string(), enable_all)) {
      fmt::print("{}: skipped: {}\n", file, script ? "wast2json cannot read it" : script.error().message);
      ++skipped;
      continue;
    }
    size_t index = 0;
    for (const WastCommand& c : script->commands) {
      if (!has_module(c)) continue;
      std::filesystem::path theirs_path = dir / fmt::format("{}.{}.wasm", base, index++);
      if (c.binary.empty() || !std::filesystem::exists(theirs_path)) continue;  // quoted text
      auto theirs = wasmrun::read_file(theirs_path.string());
      if (!theirs) continue;
      if (*theirs == c.binary) {
        ++same;
        continue;
      }
      ++different;
      size_t at = 0;
      while (at < theirs->size() && at < c.binary.size() && (*theirs)[at] == c.binary[at]) ++at;
      int section = section_at(*theirs, at);
      ++by_section[section];
      if (verbose) fmt::print("{}:{}: differs from wast2json at byte {} (section {})\n", file, c.line, at, section);
    }
  }
  std::filesystem::remove_all(dir);
  for (auto [section, count] : by_section) fmt::print("first difference in section {}: {} modules\n", section, count);
  fmt::print("{} passed, {} failed, {} skipped\n", same, different, skipped);
  return different == 0 ? 0 : 1;
}
