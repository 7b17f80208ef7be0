#include <fmt/format.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "wasmrun/version.h"

namespace {

constexpr const char* kHeader = "wasmrun — a WebAssembly component runtime\n\nusage: wasmrun <command> [options] [args]\n";

// One section of `wasmrun help` per command; `wasmrun COMMAND --help` prints its own.
struct CommandHelp {
  std::string_view name;
  std::string_view text;
};

constexpr CommandHelp kCommands[] = {
    {"run", R"(  run [options] FILE [ARGS...]
                              run a WASI command with ARGS: a core module (preview1) or a
                              component (wasi:cli/run), binary or text
      --dir HOST[::GUEST]     preopen a host directory (as GUEST, default HOST)
      --env NAME[=VALUE]      set an environment variable (NAME alone: the host's)
      -S OPTION[=y|n][,...]   WASI options of a component, as in wasmtime (all off):
                              inherit-network (any address; TCP and UDP on),
                              allow-ip-name-lookup, tcp, udp; max-resources=N (resources
                              the guest may hold at once, default 2^20)
      --invoke NAME           call the export NAME with ARGS and print its results;
                              of a component: --invoke 'NAME(ARGS)', a call in WAVE
      -O opt-level=N          LLVM optimization level 0-3 (default 2)
      --cache-dir DIR         keep compiled code in DIR (default $XDG_CACHE_HOME/wasmrun)
      --no-cache              neither read nor write the code cache
      --no-lazy               compile the whole module before running it (default, for
                              modules with 1 MB of code or more: functions compiled at O0
                              on first call, the module at opt-level in the background,
                              then switched in)
                              (FILE may be a .cwasm artifact of `wasmrun compile`)
    limits (also as -W NAME=VALUE[,NAME=VALUE...], as in wasmtime):
      --timeout DUR           interrupt the guest after DUR (500ms, 10s, 2m; a bare
                              number is seconds): "interrupted" trap, exit status 124
      --max-memory-size SIZE  bytes a linear memory may reach (64K, 16M, 1G): past it
                              memory.grow returns -1, a larger minimum fails to instantiate
      --max-table-elements N  elements a table may reach, as for memories
      --max-wasm-stack SIZE   native stack for wasm calls (default 1M): past it, the
                              "call stack exhausted" trap
    exit status: the guest's; 1 for an error or a trap; 124 when --timeout ended it
)"},
    {"compile", R"(  compile [options] FILE [-o OUT]
                              compile a core module ahead of time to OUT
                              (default FILE.cwasm), which `run` loads without compiling
      -O opt-level=N          LLVM optimization level 0-3 (default 2)
)"},
    {"serve", R"(  serve [options] COMPONENT   serve HTTP (HTTP/1.1, h2c, TLS with h2) with a wasi:http/proxy
                              component (.wasm or component text), a fresh instance per request
      --addr HOST:PORT        where to listen (default 0.0.0.0:8080; port 0: any free port)
      --threads N             event loops, one per thread (default: one per core)
      --tls-cert F --tls-key F  serve HTTPS (ALPN h2 and http/1.1) with this PEM pair
      --dir HOST[::GUEST], --env NAME[=VALUE]   as for run
      -S OPTION[=y|n][,...]   as for run, and cli: link all of wasi:cli (default: only the
                              proxy world's interfaces; other imports trap when called)
      -W NAME=VALUE[,...]     limits as for run; timeout is each request's deadline
      --header-read-timeout DUR  close a connection whose request head is not in by DUR
      --max-concurrent-requests N  answer 503 past N requests in flight
      --request-timeout DUR   interrupt a guest past DUR (epoch checks): 500
      --max-request-body-size SIZE  answer 413 to larger request bodies
      --max-memory-size SIZE  memory.grow past SIZE fails, per request
      --allow-outbound HOST[:PORT]  outgoing requests only there (repeatable; default: any)
      --outbound-h2c          outgoing http:// requests over HTTP/2 with prior knowledge
      --access-log FILE|-     a line per request (method, path, status, bytes, time)
      -O opt-level=N, --cache-dir DIR, --no-cache   as for run
)"},
    {"validate", R"(  validate FILE               decode and validate a core module or a component
                              (FILE: a binary .wasm, or .wat text)
)"},
    {"wast", R"(  wast [options] FILE.wast... run WebAssembly spec scripts
      --parse-only            only parse and encode every module and command
      --validate-only         only decode and validate; skip what needs execution
      --strict-messages       fail expected errors whose message differs from the script's
      --multi-memory          core modules under Wasm 3.0 multi-memory (default: Wasm 2.0's one memory)
      --cache-dir DIR         compile through the code cache in DIR; print its use
      --lazy[=baseline]       compile functions on first call (=baseline: never tier up)
      -v, --verbose           print every failure in detail
)"},
    {"wit", R"(  wit FILE.wasm               print the world of a component (binary or text) as WIT
  wit PATH [DEP...] [--world NAME]
                              print a WIT package (a .wit file, or a directory of them with
                              its deps/; DEPs: more packages), or with --world that world and
                              every interface it refers to
)"},
};

}  // namespace

namespace wasmrun::cli {

int fail(std::string_view message) {
  fmt::print(stderr, "error: {}\n", message);
  return 1;
}

}  // namespace wasmrun::cli

namespace {

void print_help(std::FILE* out) {
  fmt::print(out, "{}\ncommands:\n", kHeader);
  for (const auto& command : kCommands) fmt::print(out, "{}", command.text);
  fmt::print(out, "  help [COMMAND]              print this text, or only COMMAND's (also COMMAND --help)\n"
                  "  version                     print the version (also --version, -V)\n");
}

const CommandHelp* find_command(std::string_view name) {
  for (const auto& command : kCommands)
    if (command.name == name) return &command;
  return nullptr;
}

bool asks_for_help(std::string_view arg) { return arg == "--help" || arg == "-h"; }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_help(stderr);
    return 2;
  }
  std::string_view command = args[0];
  if (command == "version" || command == "--version" || command == "-V") {
    fmt::print("wasmrun {}\n", wasmrun::kVersion);
    return 0;
  }
  bool help = command == "help" || asks_for_help(command);
  if (help && args.size() == 1) {
    print_help(stdout);
    return 0;
  }
  // `wasmrun help COMMAND`, or `wasmrun COMMAND --help` (only first: later a program's own args).
  if (help || (args.size() > 1 && asks_for_help(args[1]))) {
    std::string_view name = help ? args[1] : command;
    const CommandHelp* entry = find_command(name);
    if (!entry) {
      fmt::print(stderr, "error: unknown command '{}'\n", name);
      print_help(stderr);
      return 2;
    }
    fmt::print("{}\n{}", kHeader, entry->text);
    return 0;
  }
  wasmrun::cli::Args rest(args.data() + 1, args.size() - 1);
  if (command == "validate") return wasmrun::cli::validate_command(rest);
  if (command == "wast") return wasmrun::cli::wast_command(rest);
  if (command == "run") return wasmrun::cli::run_command(rest);
  if (command == "wit") return wasmrun::cli::wit_command(rest);
  if (command == "compile") return wasmrun::cli::compile_command(rest);
  if (command == "serve") return wasmrun::cli::serve_command(rest);
  fmt::print(stderr, "error: unknown command '{}'\n", command);
  print_help(stderr);
  return 2;
}
