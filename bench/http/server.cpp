// http-bench-server: the HTTP engine alone, with native handlers — /echo streams the request
// body back, every other path answers "hello". Runs until SIGINT/SIGTERM, then shuts down
// gracefully.
//
//   http-bench-server [--host 127.0.0.1] [--port 8080] [--threads N]
//                     [--tls-cert FILE --tls-key FILE] [--no-h2c] [--ready-file FILE]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <semaphore.h>

#include "http/native_handlers.h"
#include "http/server.h"

using namespace wasmrun::http;

namespace {
sem_t stop_signal;
void on_signal(int) { sem_post(&stop_signal); }

int usage() {
  std::fprintf(stderr,
               "usage: http-bench-server [--host H] [--port P] [--threads N] [--tls-cert F --tls-key F]\n"
               "                         [--no-h2c] [--ready-file F]\n");
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  ServerConfig config;
  config.threads = 1;
  std::string ready_file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--host" && (v = value())) config.host = v;
    else if (a == "--port" && (v = value())) config.port = static_cast<uint16_t>(std::atoi(v));
    else if (a == "--threads" && (v = value())) config.threads = std::atoi(v);
    else if (a == "--tls-cert" && (v = value())) { if (!config.tls) config.tls.emplace(); config.tls->cert_file = v; }
    else if (a == "--tls-key" && (v = value())) { if (!config.tls) config.tls.emplace(); config.tls->key_file = v; }
    else if (a == "--no-h2c") config.h2c = false;
    else if (a == "--ready-file" && (v = value())) ready_file = v;
    else return usage();
  }
  sem_init(&stop_signal, 0, 0);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  auto server = Server::start(config, [](std::shared_ptr<ServerExchange> ex) {
    if (ex->request().path == "/echo") echo_handler(std::move(ex));
    else hello_handler(std::move(ex));
  });
  if (!server) {
    std::fprintf(stderr, "error: %s\n", server.error().message.c_str());
    return 1;
  }
  std::printf("listening on %s:%u (%d threads%s)\n", config.host.c_str(), (*server)->port(),
              config.threads, config.tls ? ", TLS" : "");
  std::fflush(stdout);
  if (!ready_file.empty()) std::ofstream(ready_file) << (*server)->port() << "\n";
  while (sem_wait(&stop_signal) != 0) {
  }
  (*server)->shutdown(std::chrono::seconds(5));
  return 0;
}
