#include "cli/wast/wast2json_loader.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/file.h"

namespace wasmrun::cli {
namespace {

using text::LaneShape;
using text::NanPattern;
using text::WastAction;
using text::WastCommand;
using text::WastScript;
using text::WastValue;
using json = nlohmann::json;

NanPattern nan_pattern(const std::string& s) {
  if (s == "nan:canonical") return NanPattern::Canonical;
  if (s == "nan:arithmetic") return NanPattern::Arithmetic;
  return NanPattern::None;
}

LaneShape lane_shape(const std::string& t) {
  if (t == "i8") return LaneShape::I8x16;
  if (t == "i16") return LaneShape::I16x8;
  if (t == "i32") return LaneShape::I32x4;
  if (t == "i64") return LaneShape::I64x2;
  if (t == "f32") return LaneShape::F32x4;
  return LaneShape::F64x2;
}

WastValue value(const json& j) {
  WastValue v;
  std::string type = j.at("type");
  if (type == "v128") {
    v.kind = WastValue::Kind::V128;
    if (!j.contains("value")) return v;  // assert_trap gives types only
    v.shape = lane_shape(j.at("lane_type"));
    const json& lanes = j.at("value");
    size_t width = 16 / lanes.size();
    for (size_t i = 0; i < lanes.size(); ++i) {
      std::string lane = lanes[i];
      NanPattern nan = nan_pattern(lane);
      if (nan != NanPattern::None) {
        v.lane_nan[i] = nan;
        continue;
      }
      uint64_t bits = std::stoull(lane);
      std::memcpy(v.v128 + i * width, &bits, width);  // little-endian lanes
    }
    return v;
  }
  std::string text = j.contains("value") ? j.at("value").get<std::string>() : "";
  if (type == "funcref" || type == "externref") {
    v.kind = type == "funcref" ? WastValue::Kind::FuncRef : WastValue::Kind::ExternRef;
    v.is_null = text == "null";
    if (!v.is_null && !text.empty()) v.ref = uint32_t(std::stoul(text));
    return v;
  }
  if (type == "i32") v.kind = WastValue::Kind::I32;
  else if (type == "i64") v.kind = WastValue::Kind::I64;
  else if (type == "f32") v.kind = WastValue::Kind::F32;
  else if (type == "f64") v.kind = WastValue::Kind::F64;
  else throw std::runtime_error("unsupported value type " + type);
  v.nan = nan_pattern(text);
  if (v.nan == NanPattern::None && !text.empty()) v.bits = std::stoull(text);  // assert_trap gives types only
  return v;
}

WastAction action(const json& j) {
  WastAction a;
  a.kind = j.at("type") == "get" ? WastAction::Kind::Get : WastAction::Kind::Invoke;
  if (j.contains("module")) a.module = j.at("module").get<std::string>();
  a.field = j.at("field");
  if (j.contains("args"))
    for (const json& arg : j.at("args")) a.args.push_back(value(arg));
  return a;
}

WastCommand::Kind command_kind(const std::string& type) {
  static const std::pair<const char*, WastCommand::Kind> kinds[] = {
      {"module", WastCommand::Kind::Module},
      {"register", WastCommand::Kind::Register},
      {"action", WastCommand::Kind::Action},
      {"assert_return", WastCommand::Kind::AssertReturn},
      {"assert_trap", WastCommand::Kind::AssertTrap},
      {"assert_exhaustion", WastCommand::Kind::AssertExhaustion},
      {"assert_invalid", WastCommand::Kind::AssertInvalid},
      {"assert_malformed", WastCommand::Kind::AssertMalformed},
      {"assert_unlinkable", WastCommand::Kind::AssertUnlinkable},
      {"assert_uninstantiable", WastCommand::Kind::AssertUninstantiable},
  };
  for (auto& [name, kind] : kinds)
    if (type == name) return kind;
  throw std::runtime_error("unsupported command " + type);
}

// Runs wast2json; on failure returns its first error line.
std::optional<std::string> run_wast2json(const std::string& wast, const std::string& json_path,
                                         const std::string& log_path) {
  pid_t pid = fork();
  if (pid < 0) return std::string("fork failed: ") + std::strerror(errno);
  if (pid == 0) {
    FILE* log = std::freopen(log_path.c_str(), "w", stderr);
    if (log) dup2(fileno(stderr), STDOUT_FILENO);
    execlp("wast2json", "wast2json", wast.c_str(), "-o", json_path.c_str(), static_cast<char*>(nullptr));
    std::fprintf(stderr, "cannot run wast2json: %s (install wabt)\n", std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
  std::ifstream in(log_path);
  std::string first;
  std::getline(in, first);
  return first.empty() ? std::string("wast2json failed") : first;
}

}  // namespace

Expected<WastScript> load_with_wast2json(const std::string& path) {
  char dir_template[] = "/tmp/wasmrun-wast-XXXXXX";
  if (!mkdtemp(dir_template)) return Error{fmt::format("cannot create a temporary folder: {}", std::strerror(errno))};
  std::filesystem::path dir(dir_template);
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{dir};

  std::string json_path = (dir / "script.json").string();
  if (auto failure = run_wast2json(path, json_path, (dir / "log").string()))
    return Error{fmt::format("wast2json cannot read {}: {}", path, *failure)};

  WastScript script;
  script.file = path;
  try {
    std::ifstream in(json_path);
    json doc = json::parse(in);
    for (const json& c : doc.at("commands")) {
      WastCommand cmd;
      cmd.kind = command_kind(c.at("type"));
      cmd.line = c.at("line");
      if (c.contains("name")) cmd.name = c.at("name").get<std::string>();
      if (c.contains("text")) cmd.text = c.at("text");
      if (c.contains("as")) cmd.register_as = c.at("as");
      if (c.contains("action")) cmd.action = action(c.at("action"));
      if (c.contains("expected"))
        for (const json& e : c.at("expected")) cmd.expected.push_back(value(e));
      if (c.contains("filename")) {
        std::string file = c.at("filename");
        if (c.value("module_type", "binary") == "text") {
          cmd.text_module = true;
        } else {
          auto bytes = read_file((dir / file).string());
          if (!bytes) return bytes.error();
          cmd.binary = bytes.take();
        }
      }
      script.commands.push_back(std::move(cmd));
    }
  } catch (const std::exception& e) {
    return Error{fmt::format("{}: cannot read wast2json output: {}", path, e.what())};
  }
  return script;
}

}  // namespace wasmrun::cli
