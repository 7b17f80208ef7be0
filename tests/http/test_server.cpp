// http-test-server: the server with the test routes (test_handlers.h), for the end-to-end suite.
//   http-test-server --port-file FILE [--threads N] [--tls-cert F --tls-key F] [--max-body N]
// Prints nothing until ready, then writes the port to FILE. Stops on SIGTERM/SIGINT.
#include <semaphore.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "http/server.h"
#include "tests/http/test_handlers.h"

using namespace wasmrun::http;

namespace {
sem_t stop_signal;
void on_signal(int) { sem_post(&stop_signal); }
}  // namespace

int main(int argc, char** argv) {
  ServerConfig config;
  config.port = 0;
  std::string port_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--port-file") port_file = v;
    else if (a == "--threads") config.threads = std::atoi(v.c_str());
    else if (a == "--tls-cert") { if (!config.tls) config.tls.emplace(); config.tls->cert_file = v; }
    else if (a == "--tls-key") { if (!config.tls) config.tls.emplace(); config.tls->key_file = v; }
    else if (a == "--max-body") config.limits.max_body = std::strtoull(v.c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  sem_init(&stop_signal, 0, 0);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  auto server = Server::start(config, testing::test_handler);
  if (!server) {
    std::fprintf(stderr, "error: %s\n", server.error().message.c_str());
    return 1;
  }
  if (!port_file.empty()) {
    std::ofstream tmp(port_file + ".tmp");
    tmp << (*server)->port() << "\n";
    tmp.close();
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  while (sem_wait(&stop_signal) != 0) {
  }
  (*server)->shutdown(std::chrono::seconds(2));
  return 0;
}
