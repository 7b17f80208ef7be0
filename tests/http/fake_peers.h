// Misbehaving peers for client tests: a raw TCP server that answers every connection with fixed
// bytes (or silence), and a DNS server on UDP that answers NXDOMAIN or never answers. Each runs
// on its own thread on 127.0.0.1 and stops when destroyed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace wasmrun::http::testing {

inline int bound_socket(int type, uint16_t& port) {
  int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

// Accepts connections; reads until the end of a request head (or nothing, if `wait_for_head`
// is false), writes `reply` and then closes (or keeps the socket open if `hold`).
class RawServer {
 public:
  RawServer(std::string reply, bool hold = false, bool wait_for_head = true)
      : reply_(std::move(reply)), hold_(hold), wait_for_head_(wait_for_head) {
    fd_ = bound_socket(SOCK_STREAM, port_);
    listen(fd_, 16);
    thread_ = std::thread([this] { run(); });
  }
  ~RawServer() {
    stop_ = true;
    thread_.join();
    for (int c : held_) close(c);
    close(fd_);
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++accepted_;
      std::string got;
      while (wait_for_head_ && got.find("\r\n\r\n") == std::string::npos && !stop_) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 20) <= 0) continue;
        char buf[4096];
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      if (!reply_.empty()) send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      if (hold_) held_.push_back(c);
      else close(c);
    }
  }
  std::string reply_;
  bool hold_, wait_for_head_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> held_;
  std::thread thread_;
};

// A DNS server that answers every query with NXDOMAIN (RFC 1035 §4.1.1 rcode 3), or ignores it.
class FakeDns {
 public:
  explicit FakeDns(bool answer) : answer_(answer) {
    fd_ = bound_socket(SOCK_DGRAM, port_);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeDns() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int queries() const { return queries_; }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      unsigned char buf[512];
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 12) continue;
      ++queries_;
      if (!answer_) continue;
      buf[2] = static_cast<unsigned char>(0x80 | (buf[2] & 0x01));  // QR=1, keep RD
      buf[3] = 0x80 | 3;                                              // RA=1, NXDOMAIN
      buf[6] = buf[7] = buf[8] = buf[9] = buf[10] = buf[11] = 0;      // no answers
      sendto(fd_, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }
  bool answer_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

// A throwaway CA and a certificate for localhost / 127.0.0.1 signed by it, made with the openssl
// command. ok() is false (with why()) when openssl is missing.
class TestCertificates {
 public:
  TestCertificates() {
    char tmpl[] = "/tmp/wasmrun-http-certs-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::string d = dir_;
    std::string cmd =
        "cd " + d + " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj '/CN=wasmrun test CA' -keyout ca.key -out ca.pem && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-subj '/CN=localhost' -keyout server.key -out server.csr && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile ext.cnf -out server.pem";
    ok_ = std::system(("(" + cmd + ") >/dev/null 2>&1").c_str()) == 0;
  }
  ~TestCertificates() { std::system(("rm -rf " + dir_).c_str()); }
  bool ok() const { return ok_; }
  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string cert() const { return dir_ + "/server.pem"; }
  std::string key() const { return dir_ + "/server.key"; }

 private:
  std::string dir_;
  bool ok_ = false;
};

}  // namespace wasmrun::http::testing
