// wasmrun run [--invoke NAME] FILE.wasm [ARGS...]: calls an export with arguments parsed from the
// command line and prints its results, one per line (as `wasmtime run --invoke` does).
#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/load_binary.h"
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

}  // namespace

int run_command(Args args) {
  std::string invoke;
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    if (args[i] == "--invoke" && i + 1 < args.size()) invoke = args[++i];
    else if (args[i].starts_with("--invoke=")) invoke = args[i].substr(9);
    else return fail(fmt::format("run: unknown option '{}'", args[i]));
  }
  if (i >= args.size()) return fail("usage: wasmrun run [--invoke NAME] FILE.wasm [ARGS...]");
  std::string path(args[i++]);
  if (invoke.empty()) return fail("run: give the export to call with --invoke NAME (WASI programs come with preview1 support)");

  auto engine = Engine::create();
  if (!engine) return fail(engine.error().message);
  auto bytes = load_binary(path);  // .wasm or .wat
  if (!bytes) return fail(bytes.error().message);
  auto module = Module::compile(*engine, *bytes);
  if (!module) return fail(fmt::format("{}: {}", path, module.error().message));
  Store store(*engine);
  auto instance = Linker(*engine).instantiate(store, *module);
  if (!instance) return fail(instance.error().message);
  auto func = instance->get_func(invoke);
  if (!func) return fail(fmt::format("{} exports no function named '{}'", path, invoke));

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
  auto results = func->call(values);
  if (!results) return fail(fmt::format("wasm trap: {}", results.error().message));
  for (const Val& v : *results) fmt::print("{}\n", format_result(v));
  return 0;
}

}  // namespace wasmrun::cli
