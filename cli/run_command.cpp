// wasmrun run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [-S OPTION]... [--invoke NAME] FILE.wasm [ARGS...]
// Runs a WASI command: a component as a wasi:cli/command (cli/run_component.h), a preview1 module
// by its `_start`, with ARGS as its arguments and exits with the
// guest's exit status; or, with --invoke, calls an export and prints its results: of a module
// with arguments from the command line, one result per line; of a component as a WAVE call
// (`--invoke 'f(1, "a")'`, cli/invoke_component.h). Flags follow `wasmtime run`. WASI is linked either
// way, so an invoked export may use it too. Limits (cli/run_limits.h) bound its time, memories,
// tables and stack.
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "cli/commands.h"
#include "cli/engine_flags.h"
#include "cli/flag_parsing.h"
#include "cli/keep_until_exit.h"
#include "cli/load_binary.h"
#include "cli/progress_display.h"
#include "cli/run_component.h"
#include "cli/run_limits.h"
#include "wasmrun/wasmrun.h"

namespace wasmrun::cli {

namespace {

Expected<Val> parse_argument(std::string_view text, ValType type) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  auto bad = [&] { return Error{fmt::format("cannot read '{}' as {}", text, to_string(type))}; };
  switch (type) {
    case ValType::I32: {
      long long v = std::strtoll(s.c_str(), &end, 0);
      if (*end || errno || v < INT32_MIN || v > UINT32_MAX) return bad();
      return Val::i32(int32_t(v));
    }
    case ValType::I64: {
      long long v = text.starts_with("-") ? std::strtoll(s.c_str(), &end, 0) : int64_t(std::strtoull(s.c_str(), &end, 0));
      if (*end || errno) return bad();
      return Val::i64(v);
    }
    case ValType::F32: {
      float v = std::strtof(s.c_str(), &end);
      if (*end) return bad();
      return Val::f32(v);
    }
    case ValType::F64: {
      double v = std::strtod(s.c_str(), &end);
      if (*end) return bad();
      return Val::f64(v);
    }
    default:
      return Error{fmt::format("arguments of type {} cannot be given on the command line", to_string(type))};
  }
}

std::string format_result(const Val& v) {
  switch (v.type()) {
    case ValType::I32: return fmt::format("{}", v.i32());
    case ValType::I64: return fmt::format("{}", v.i64());
    case ValType::F32: return fmt::format("{}", v.f32());
    case ValType::F64: return fmt::format("{}", v.f64());
    case ValType::V128: {
      std::string s = "0x";
      for (int i = 15; i >= 0; --i) s += fmt::format("{:02x}", v.v128().bytes[i]);
      return s;
    }
    default: return v.ref() ? "ref" : "null";
  }
}

// How a guest's failure is reported: a trap prints "error: wasm trap: ..." and exits 1, or 124
// when it is the interruption --timeout caused; a note says when a limit refused a growth (the
// guest's own failure may not tell).
class Outcome {
 public:
  Outcome(const Store& store, const RunLimits& limits) : store_(store), limits_(limits) {}
  void watch(Watchdog* watchdog) { watchdog_ = watchdog; }

  int trap(const std::string& message) const {
    if (watchdog_ && watchdog_->fired() && message.starts_with("interrupted")) {
      size_t line = message.find('\n');
      fail(fmt::format("wasm trap: interrupted: the guest ran longer than --timeout {}{}", limits_.timeout_text,
                       line == std::string::npos ? "" : message.substr(line)));
      return kTimeoutExitStatus;
    }
    fail("wasm trap: " + message);
    note_refusal();
    return 1;
  }
  int exit_status(uint32_t status) const {
    if (status != 0) note_refusal();
    return int(status);
  }

 private:
  void note_refusal() const {
    if (auto refused = store_.limit_refusal())
      fmt::print(stderr, "note: {} (--{})\n", *refused,
                 refused->starts_with("memory") ? "max-memory-size" : "max-table-elements");
  }
  const Store& store_;
  const RunLimits& limits_;
  Watchdog* watchdog_ = nullptr;
};

// The run itself; run_command ends the process with its status.
int run_guest(Args args) {
  std::string invoke;
  WasiConfig wasi_config;
  WasiFlags wasi_flags;
  RunLimits limits;
  EngineFlags engine_flags;
  size_t i = 0;
  auto value_of = [&](std::string_view flag) { return flag_value(args, i, flag); };
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    if (args[i] == "--") {
      ++i;
      break;
    }
    if (auto problem = engine_flags.parse(args, i)) {
      if (!problem->empty()) return fail("run: " + *problem);
    } else if (auto v = value_of("--invoke")) {
      invoke = *v;
    } else if (auto v = value_of("--dir")) {
      auto dir = parse_dir(*v);
      if (!dir) return fail(fmt::format("run: --dir wants HOST[::GUEST], not '{}'", *v));
      wasi_config.preopens.push_back({dir->first, dir->second});
    } else if (auto v = value_of("--env")) {
      auto env = parse_env(*v);
      if (!env) return fail(fmt::format("run: --env wants NAME=VALUE, not '{}'", *v));
      if (*env) wasi_config.env.push_back(std::move(**env));
    } else if (auto v = option_list_value(args, i, "-W", "--wasm")) {
      if (auto ok = limits.set_all(*v); !ok) return fail(ok.error().message);
    } else if (auto v = option_list_value(args, i, "-S", "--wasi")) {
      if (auto ok = wasi_flags.parse(*v); !ok) return fail("run: " + ok.error().message);
      if (wasi_flags.cli == false) return fail("run: -S cli=n: a command is run with wasi:cli");
    } else {
      bool known = false;
      for (std::string_view name : {"timeout", "max-memory-size", "max-table-elements", "max-wasm-stack"}) {
        if (auto v = value_of(fmt::format("--{}", name))) {
          auto ok = limits.set(name, *v);
          if (!ok) return fail(ok.error().message);
          known = true;
          break;
        }
      }
      if (!known) return fail(fmt::format("run: unknown option '{}'", args[i]));
    }
  }
  if (i >= args.size())
    return fail("usage: wasmrun run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... [-S OPTION[=y|n]]... [--invoke NAME] [LIMITS] FILE.wasm [ARGS...]");
  std::string path(args[i++]);

  Config config = engine_flags.resolved();
  limits.configure(config);
  ProgressDisplay progress(path);
  progress.attach(config);
  auto engine = Engine::create(config);
  if (!engine) return fail(engine.error().message);
  auto bytes = load_binary(path);  // .wasm, .wat or a .cwasm artifact
  if (!bytes) return fail(bytes.error().message);
  // The guest's argv: the binary's path, then what follows it (with --invoke, the call's
  // arguments, which are also its argv as in wasmtime).
  wasi_config.args.push_back(path);
  for (size_t k = i; k < args.size(); ++k) wasi_config.args.emplace_back(args[k]);
  if (is_component_binary(*bytes)) {
    return run_component(*engine, *bytes, path, wasi_config, wasi_flags, limits, invoke);
  }
  auto module = Module::is_precompiled(*bytes) ? Module::deserialize(*engine, *bytes) : Module::compile(*engine, *bytes);
  progress.finish();
  if (!module) return fail(fmt::format("{}: {}", path, module.error().message));
  keep_until_exit(*module);

  auto wasi = Wasi::create(wasi_config);
  if (!wasi) return fail(wasi.error().message);
  Linker linker(*engine);
  if (auto ok = wasi->add_to_linker(linker); !ok) return fail(ok.error().message);

  Store store(*engine);
  limits.apply(store);
  Outcome outcome(store, limits);
  std::optional<Watchdog> watchdog;  // from here: the start function is the guest's too
  if (limits.timeout) outcome.watch(&watchdog.emplace(*engine, *limits.timeout));
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    if (watchdog && watchdog->fired()) return outcome.trap(instance.error().message);
    return fail(instance.error().message);
  }

  if (invoke.empty()) {
    if (!instance->get_func("_start"))
      return fail(fmt::format("{} exports no \"_start\": it is not a WASI command (call an export with --invoke NAME)", path));
    auto status = wasi->run_command(*instance);
    if (!status) return outcome.trap(status.error().message);
    return outcome.exit_status(*status);
  }

  auto func = instance->get_func(invoke);
  if (!func) return fail(fmt::format("{} exports no function named '{}'", path, invoke));
  // A WASI reactor initialises itself before its exports are called.
  if (auto init = instance->get_func("_initialize"); init && invoke != "_initialize") {
    auto done = Wasi::call(*init, {});
    if (!done) return outcome.trap(done.error().message);
    if (done->exit_status) return outcome.exit_status(*done->exit_status);
  }

  FuncType type = func->type();
  size_t given = args.size() - i;
  if (given != type.params.size())
    return fail(fmt::format("'{}' takes {} argument(s) ({}), {} given", invoke, type.params.size(), to_string(type), given));
  std::vector<Val> values;
  for (size_t k = 0; k < given; ++k) {
    auto v = parse_argument(args[i + k], type.params[k]);
    if (!v) return fail(v.error().message);
    values.push_back(*v);
  }
  auto called = Wasi::call(*func, values);
  if (!called) return outcome.trap(called.error().message);
  if (called->exit_status) return outcome.exit_status(*called->exit_status);
  for (const Val& v : called->results) fmt::print("{}\n", format_result(v));
  return 0;
}

}  // namespace

int run_command(Args args) {
  int status = run_guest(args);
  // The process ends here, without waiting for a background compile of the lazy tier
  // (cli/keep_until_exit.h).
  std::fflush(nullptr);
  std::_Exit(status);
}

}  // namespace wasmrun::cli
