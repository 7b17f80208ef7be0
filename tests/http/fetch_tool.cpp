// http-fetch: our client from the command line, for the end-to-end suite (against node, nginx
// and our server). Requests the URLs one after another on one Client (so pooling shows), or all
// at once with --parallel, and prints one line per request:
//   "<status> <body bytes> <body (first 60 bytes)>"  or  "error <wit-case>: <detail>"
// and at the end "connections_opened=N reused=N".
//   http-fetch [--h2c] [--ca FILE] [--no-verify] [--http1-only] [--connect-timeout MS]
//              [--first-byte-timeout MS] [--between-bytes-timeout MS] [--data-size N]
//              [--repeat N] [--parallel] URL...
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "http/client.h"

using namespace wasmrun::http;

namespace {
struct Job {
  std::shared_ptr<ClientExchange> ex;
  std::string body;
  std::string line;
  size_t to_send = 0, sent = 0;
  bool done = false;
};

bool split_url(const std::string& url, RequestHead& head) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  head.scheme = url.substr(0, scheme_end);
  std::string rest = url.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  head.authority = rest.substr(0, slash);
  head.path = slash == std::string::npos ? "/" : rest.substr(slash);
  return true;
}

void start(Client& client, Job& job, const std::string& url, const RequestOptions& options) {
  RequestHead head;
  head.method = job.to_send ? "POST" : "GET";
  if (!split_url(url, head)) {
    job.line = "error bad URL " + url;
    job.done = true;
    return;
  }
  job.ex = client.send(std::move(head), options);
  auto push = [&job] {
    BodySink& out = job.ex->request_body();
    static const std::string block(64 * 1024, 'z');
    while (job.sent < job.to_send && out.writable() > 0 && !out.abandoned()) {
      size_t n = std::min({out.writable(), job.to_send - job.sent, block.size()});
      out.write(std::string_view(block).substr(0, n));
      job.sent += n;
    }
    if (job.sent == job.to_send) out.finish();
  };
  job.ex->request_body().set_on_writable(push);
  push();
  job.ex->set_on_response([&job] {
    if (job.ex->failed()) {
      job.line = std::string("error ") + wit_name(job.ex->error().kind) + ": " + job.ex->error().detail;
      job.done = true;
      return;
    }
    job.ex->response_body().set_on_readable([&job] {
      BodySource& in = job.ex->response_body();
      in.read_all(job.body);
      if (in.failed()) {
        job.line = std::to_string(job.ex->response()->status) + " body error " +
                   wit_name(in.error().kind) + ": " + in.error().detail;
        job.done = true;
      } else if (in.at_end()) {
        job.line = std::to_string(job.ex->response()->status) + " " + std::to_string(job.body.size()) +
                   " " + job.body.substr(0, 60);
        for (const Field& f : in.trailers()) job.line += " [trailer " + f.name + ": " + f.value + "]";
        job.done = true;
      }
    });
  });
}
}  // namespace

int main(int argc, char** argv) {
  ClientOptions options;
  RequestOptions request_options;
  std::vector<std::string> urls;
  bool parallel = false;
  int repeat = 1;
  size_t data_size = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto ms = [&] { return std::chrono::milliseconds(std::atoi(argv[++i])); };
    if (a == "--h2c") options.h2c_prior_knowledge = true;
    else if (a == "--ca" && i + 1 < argc) options.tls.ca_file = argv[++i];
    else if (a == "--no-verify") options.tls.verify = false;
    else if (a == "--http1-only") options.tls.alpn = {"http/1.1"};
    else if (a == "--connect-timeout" && i + 1 < argc) request_options.connect_timeout = ms();
    else if (a == "--first-byte-timeout" && i + 1 < argc) request_options.first_byte_timeout = ms();
    else if (a == "--between-bytes-timeout" && i + 1 < argc) request_options.between_bytes_timeout = ms();
    else if (a == "--data-size" && i + 1 < argc) data_size = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (a == "--parallel") parallel = true;
    else if (!a.empty() && a[0] != '-') urls.push_back(a);
    else {
      std::fprintf(stderr, "usage: http-fetch [options] URL...\n");
      return 2;
    }
  }
  auto loop = EventLoop::create();
  if (!loop) return 1;
  auto client = Client::create(**loop, options);
  if (!client) {
    std::fprintf(stderr, "error: %s\n", client.error().message.c_str());
    return 1;
  }
  std::vector<std::string> all;
  for (int r = 0; r < repeat; ++r) all.insert(all.end(), urls.begin(), urls.end());
  std::vector<std::unique_ptr<Job>> jobs;
  for (size_t i = 0; i < all.size(); ++i) {
    jobs.push_back(std::make_unique<Job>());
    jobs.back()->to_send = data_size;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto run_until_done = [&](size_t from, size_t to) {
    auto done = [&] {
      for (size_t i = from; i < to; ++i)
        if (!jobs[i]->done) return false;
      return true;
    };
    while (!done() && std::chrono::steady_clock::now() < deadline)
      (*loop)->run_once(std::chrono::milliseconds(50));
  };
  if (parallel) {
    for (size_t i = 0; i < all.size(); ++i) start(**client, *jobs[i], all[i], request_options);
    run_until_done(0, all.size());
  } else {
    for (size_t i = 0; i < all.size(); ++i) {
      start(**client, *jobs[i], all[i], request_options);
      run_until_done(i, i + 1);
    }
  }
  int failures = 0;
  for (auto& j : jobs) {
    std::printf("%s\n", j->done ? j->line.c_str() : "error timeout: the tool gave up after 60 s");
    failures += !j->done;
  }
  std::printf("connections_opened=%llu reused=%llu\n",
              static_cast<unsigned long long>((*client)->stats().connections_opened),
              static_cast<unsigned long long>((*client)->stats().requests_on_reused_connections));
  jobs.clear();
  client->reset();
  (*loop)->run_once(std::chrono::milliseconds(0));
  return failures ? 1 : 0;
}
