// wasmrun serve [OPTIONS] COMPONENT
// Serves HTTP with a wasi:http/proxy component, a fresh instance per request (the driver is
// wasi/http/proxy_server.h); this file only reads flags. Flags are wasmtime serve's where it has
// them (--addr, --dir, --env, -S, -W, -O, --cache-dir); the rest are ours.
#include <fmt/format.h>

#include <signal.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/commands.h"
#include "cli/engine_flags.h"
#include "cli/flag_parsing.h"
#include "cli/load_binary.h"
#include "cli/run_limits.h"
#include "cli/wasi_flags.h"
#include "http/syntax.h"
#include "wasi/http/proxy_server.h"
#include "wasi/http/request_parts.h"
#include "wasmrun/component/component.h"

namespace wasmrun::cli {

namespace {

constexpr const char* kUsage =
    "usage: wasmrun serve [--addr HOST:PORT] [--threads N] [--tls-cert FILE --tls-key FILE]\n"
    "                     [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [-S OPTION[=y|n]]...\n"
    "                     [-W LIMIT=VALUE]... [--max-concurrent-requests N] [--request-timeout DUR]\n"
    "                     [--header-read-timeout DUR] [--max-request-body-size SIZE] [--max-memory-size SIZE]\n"
    "                     [--allow-outbound HOST[:PORT]]... [--outbound-h2c] [--access-log FILE|-] COMPONENT";

std::optional<uint64_t> parse_count(std::string_view text) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// Bytes: a number with an optional K, M or G (powers of 1024).
std::optional<uint64_t> parse_bytes(std::string_view text) {
  uint64_t scale = 1;
  if (!text.empty() && (text.back() == 'K' || text.back() == 'M' || text.back() == 'G')) {
    scale = text.back() == 'K' ? 1u << 10 : text.back() == 'M' ? 1u << 20 : 1u << 30;
    text.remove_suffix(1);
  }
  auto n = parse_count(text);
  if (!n || *n > UINT64_MAX / scale) return std::nullopt;
  return *n * scale;
}

}  // namespace

int serve_command(Args args) {
  wasi::http::ProxyConfig proxy;
  proxy.server.host = "0.0.0.0";  // wasmtime serve's default address
  proxy.server.port = 8080;
  proxy.server.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  EngineFlags engine_flags;
  RunLimits limits;  // -W, --request-timeout and --max-memory-size are read as run's limits are
  WasiFlags wasi_flags;
  std::string tls_cert, tls_key, access_log;
  size_t i = 0;
  auto value_of = [&](std::string_view flag) { return flag_value(args, i, flag); };
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    if (auto problem = engine_flags.parse(args, i)) {
      if (!problem->empty()) return fail("serve: " + *problem);
    } else if (auto v = value_of("--addr")) {
      size_t colon = v->rfind(':');
      auto port = colon == std::string::npos ? std::nullopt : parse_count(std::string_view(*v).substr(colon + 1));
      if (!port || *port > 65535 || colon == 0) return fail(fmt::format("serve: --addr wants HOST:PORT, not '{}'", *v));
      std::string host = v->substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
      proxy.server.host = host;
      proxy.server.port = uint16_t(*port);
    } else if (auto v = value_of("--threads")) {
      auto n = parse_count(*v);
      if (!n || *n == 0 || *n > 1024) return fail(fmt::format("serve: --threads wants 1 to 1024, not '{}'", *v));
      proxy.server.threads = int(*n);
    } else if (auto v = value_of("--tls-cert")) {
      tls_cert = *v;
    } else if (auto v = value_of("--tls-key")) {
      tls_key = *v;
    } else if (auto v = value_of("--dir")) {
      auto dir = parse_dir(*v);
      if (!dir) return fail(fmt::format("serve: --dir wants HOST[::GUEST], not '{}'", *v));
      proxy.wasi.preopens.emplace_back(dir->first, dir->second);
    } else if (auto v = value_of("--env")) {
      auto env = parse_env(*v);
      if (!env) return fail(fmt::format("serve: --env wants NAME=VALUE, not '{}'", *v));
      if (*env) proxy.wasi.env.push_back(std::move(**env));
    } else if (auto v = option_list_value(args, i, "-S", "--wasi")) {
      if (auto ok = wasi_flags.parse(*v); !ok) return fail("serve: " + ok.error().message);
    } else if (auto v = option_list_value(args, i, "-W", "--wasm")) {
      // As wasmtime serve: -W timeout is each request's deadline.
      if (auto ok = limits.set_all(*v); !ok) return fail("serve: " + ok.error().message.substr(5));
    } else if (auto v = value_of("--header-read-timeout")) {
      auto d = parse_duration(*v);
      if (!d || d->count() == 0)
        return fail(fmt::format("serve: --header-read-timeout wants a duration (e.g. 500ms, 10s), not '{}'", *v));
      proxy.server.header_timeout = std::chrono::duration_cast<::wasmrun::http::Duration>(*d);
    } else if (auto v = value_of("--max-concurrent-requests")) {
      auto n = parse_count(*v);
      if (!n || *n == 0) return fail(fmt::format("serve: --max-concurrent-requests wants a number above 0, not '{}'", *v));
      proxy.max_concurrent_requests = *n;
    } else if (auto v = value_of("--request-timeout")) {
      if (auto ok = limits.set("timeout", *v); !ok)
        return fail(fmt::format("serve: --request-timeout wants a duration (e.g. 500ms, 10s), not '{}'", *v));
    } else if (auto v = value_of("--max-request-body-size")) {
      auto n = parse_bytes(*v);
      if (!n) return fail(fmt::format("serve: --max-request-body-size wants a size (e.g. 1M), not '{}'", *v));
      proxy.server.limits.max_body = *n;
    } else if (auto v = value_of("--max-memory-size")) {
      if (auto ok = limits.set("max-memory-size", *v); !ok) return fail("serve: " + ok.error().message.substr(5));
    } else if (auto v = value_of("--allow-outbound")) {
      auto dest = wasi::http::split_authority(*v);
      if (!dest) return fail(fmt::format("serve: --allow-outbound wants HOST[:PORT], not '{}'", *v));
      proxy.http.allow_outbound.push_back({dest->host, dest->port});
    } else if (args[i] == "--outbound-h2c") {
      proxy.http.client.h2c_prior_knowledge = true;
    } else if (auto v = value_of("--access-log")) {
      access_log = *v;
    } else {
      return fail(fmt::format("serve: unknown option '{}'\n{}", args[i], kUsage));
    }
  }
  if (i + 1 != args.size()) return fail(kUsage);
  std::string path(args[i]);
  if (tls_cert.empty() != tls_key.empty()) return fail("serve: --tls-cert and --tls-key go together");
  if (!tls_cert.empty()) proxy.server.tls = ::wasmrun::http::TlsServerOptions{tls_cert, tls_key, true};

  std::FILE* log_file = nullptr;
  if (access_log == "-") {
    proxy.access_log = stdout;
  } else if (!access_log.empty()) {
    log_file = std::fopen(access_log.c_str(), "a");
    if (!log_file) return fail(fmt::format("serve: cannot open '{}' for the access log", access_log));
    proxy.access_log = log_file;
  }

  proxy.request_timeout = limits.timeout;
  proxy.limits.max_memory_size = limits.max_memory_size;
  proxy.limits.max_table_elements = limits.max_table_elements;
  proxy.cli = wasi_flags.cli.value_or(false);
  if (!proxy.cli && (!proxy.wasi.env.empty() || !proxy.wasi.preopens.empty()))
    fmt::print(stderr, "wasmrun serve: note: --env and --dir reach a guest through wasi:cli/environment and "
                       "wasi:filesystem, which are not in the proxy world: add -S cli to give them\n");
  proxy.wasi.sockets = wasi_flags.sockets();
  if (wasi_flags.max_resources) {
    proxy.wasi.max_resources = *wasi_flags.max_resources;
    proxy.limits.max_resource_handles = *wasi_flags.max_resources;
  }

  Config config = engine_flags.resolved();
  limits.configure(config);  // epoch interruption for the request timeout, max-wasm-stack
  auto engine = Engine::create(config);
  if (!engine) return fail(engine.error().message);
  auto bytes = load_binary(path);
  if (!bytes) return fail(bytes.error().message);
  auto component = Component::from_binary(*engine, *bytes);
  if (!component) return fail(fmt::format("{}: {}", path, component.error().message));

  // SIGINT and SIGTERM are taken by this thread (sigwait) and no other: every thread started
  // from here on inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::string shown_host = proxy.server.host.find(':') != std::string::npos ? "[" + proxy.server.host + "]" : proxy.server.host;
  const char* scheme = proxy.server.tls ? "https" : "http";
  auto server = wasi::http::ProxyServer::start(*engine, *component, std::move(proxy));
  if (!server) return fail(fmt::format("serve: {}: {}", path, server.error().message));
  fmt::print(stderr, "Serving HTTP on {}://{}:{}/\n", scheme, shown_host, (*server)->port());
  std::fflush(stderr);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  fmt::print(stderr, "wasmrun serve: {}: finishing the requests in flight\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->shutdown(std::chrono::seconds(10));
  server->reset();
  if (log_file) std::fclose(log_file);
  return 0;
}

}  // namespace wasmrun::cli
