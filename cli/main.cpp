#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage = R"(wasmrun — a WebAssembly component runtime

usage: wasmrun <command> [options] [args]

commands:
  run [options] FILE [ARGS...]
                              run a WASI preview1 command with ARGS
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
  compile [options] FILE [-o OUT]
                              compile a core module ahead of time to OUT
                              (default FILE.cwasm), which `run` loads without compiling
      -O opt-level=N          LLVM optimization level 0-3 (default 2)
  serve [options] COMPONENT   serve HTTP (HTTP/1.1, h2c, TLS with h2) with a wasi:http/proxy
                              component (.wasm or component text), a fresh instance per request
      --addr HOST:PORT        where to listen (default 0.0.0.0:8080; port 0: any free port)
      --threads N             event loops, one per thread (default: one per core)
      --tls-cert F --tls-key F  serve HTTPS (ALPN h2 and http/1.1) with this PEM pair
      --dir HOST[::GUEST], --env NAME[=VALUE]   as for run
      --max-concurrent-requests N  answer 503 past N requests in flight
      --request-timeout DUR   interrupt a guest past DUR (epoch checks): 500
      --max-request-body-size SIZE  answer 413 to larger request bodies
      --max-memory-size SIZE  memory.grow past SIZE fails, per request
      --allow-outbound HOST[:PORT]  outgoing requests only there (repeatable; default: any)
      --access-log FILE|-     a line per request (method, path, status, bytes, time)
      -O opt-level=N, --cache-dir DIR, --no-cache   as for run
  validate FILE               decode and validate a core module
                              (FILE: a binary .wasm, or .wat text)
  wast [options] FILE.wast... run WebAssembly spec scripts
      --parse-only            only parse and encode every module and command
      --validate-only         only decode and validate; skip what needs execution
      --strict-messages       fail expected errors whose message differs from the script's
      --multi-memory          core modules under Wasm 3.0 multi-memory (default: Wasm 2.0's one memory)
      --cache-dir DIR         compile through the code cache in DIR; print its use
      --lazy[=baseline]       compile functions on first call (=baseline: never tier up)
      -v, --verbose           print every failure in detail
  wit FILE.wasm               print the world of a component (binary or text) as WIT
  wit PATH [DEP...] [--world NAME]
                              print a WIT package (a .wit file, or a directory of them with
                              its deps/; DEPs: more packages), or with --world that world and
                              every interface it refers to
  help                        print this text
)";

}  // namespace

namespace wasmrun::cli {

int fail(std::string_view message) {
  fmt::print(stderr, "error: {}\n", message);
  return 1;
}

}  // namespace wasmrun::cli

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    fmt::print(args.empty() ? stderr : stdout, "{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  std::string_view command = args[0];
  wasmrun::cli::Args rest(args.data() + 1, args.size() - 1);
  if (command == "validate") return wasmrun::cli::validate_command(rest);
  if (command == "wast") return wasmrun::cli::wast_command(rest);
  if (command == "run") return wasmrun::cli::run_command(rest);
  if (command == "wit") return wasmrun::cli::wit_command(rest);
  if (command == "compile") return wasmrun::cli::compile_command(rest);
  if (command == "serve") return wasmrun::cli::serve_command(rest);
  fmt::print(stderr, "error: unknown command '{}'\n{}", command, kUsage);
  return 2;
}
