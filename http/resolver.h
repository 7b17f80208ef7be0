// Name resolution without blocking the loop: c-ares, its sockets registered with the event loop.
// /etc/hosts first, then DNS (the system's servers from /etc/resolv.conf, or the given ones).
// Numeric addresses resolve at once. Results arrive on the loop thread, never re-entrantly.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/error_code.h"
#include "http/event_loop.h"
#include "http/socket.h"

namespace wasmrun::http {

struct ResolveResult {
  std::vector<SocketAddress> addresses;  // non-empty on success
  std::optional<ErrorCode> error;        // DNS-timeout or DNS-error(rcode, info-code)
};

class Resolver {
 public:
  // `servers`: "ip" or "ip:port" entries (empty: the system's); `timeout`: per lookup, overall.
  static Expected<std::unique_ptr<Resolver>> create(EventLoop& loop, const std::vector<std::string>& servers,
                                                    Duration timeout);
  ~Resolver();

  void resolve(const std::string& host, uint16_t port, std::function<void(ResolveResult)> done);

  struct Watch;

 private:
  Resolver(EventLoop& loop);
  static void on_sock_state(void* data, int fd, int readable, int writable);
  void after_ares_call();

  EventLoop& loop_;
  void* channel_ = nullptr;  // ares_channel
  std::unordered_map<int, std::unique_ptr<Watch>> watches_;
  Timer timer_;
  std::shared_ptr<bool> alive_;
};

}  // namespace wasmrun::http
