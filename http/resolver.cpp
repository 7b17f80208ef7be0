#include "http/resolver.h"

#include <ares.h>
#include <sys/epoll.h>

#include <mutex>

#include <fmt/format.h>

namespace wasmrun::http {

struct Resolver::Watch : IoWatcher {
  Resolver* resolver;
  int fd;
  void on_io(uint32_t events) override {
    ares_channel channel = static_cast<ares_channel>(resolver->channel_);
    bool in = events & (EPOLLIN | EPOLLERR | EPOLLHUP);
    bool out = events & EPOLLOUT;
    ares_process_fd(channel, in ? fd : ARES_SOCKET_BAD, out ? fd : ARES_SOCKET_BAD);
    resolver->after_ares_call();
  }
};

namespace {
struct Query {
  Resolver* resolver;
  std::shared_ptr<bool> alive;
  EventLoop* loop;
  std::string host;
  uint16_t port;
  std::function<void(ResolveResult)> done;
};

const char* rcode_of(int status) {
  switch (status) {
    case ARES_ENOTFOUND: return "NXDOMAIN";
    case ARES_ESERVFAIL: return "SERVFAIL";
    case ARES_EREFUSED: return "REFUSED";
    case ARES_EFORMERR: return "FORMERR";
    case ARES_ENOTIMP: return "NOTIMP";
    case ARES_ENODATA: return "NODATA";
    default: return nullptr;
  }
}

void on_addrinfo(void* arg, int status, int, ares_addrinfo* info) {
  std::unique_ptr<Query> q(static_cast<Query*>(arg));
  ResolveResult result;
  if (status == ARES_SUCCESS && info) {
    for (ares_addrinfo_node* n = info->nodes; n; n = n->ai_next) {
      if (n->ai_family != AF_INET && n->ai_family != AF_INET6) continue;
      SocketAddress a;
      std::memcpy(&a.storage, n->ai_addr, n->ai_addrlen);
      a.length = n->ai_addrlen;
      if (n->ai_family == AF_INET) reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port = htons(q->port);
      else reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port = htons(q->port);
      // IPv4 first: loopback services here listen on 127.0.0.1 more often than on ::1.
      if (n->ai_family == AF_INET) result.addresses.insert(result.addresses.begin(), a);
      else result.addresses.push_back(a);
    }
  }
  if (info) ares_freeaddrinfo(info);
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;  // resolver going away
  if (result.addresses.empty()) {
    if (status == ARES_ETIMEOUT) {
      result.error = ErrorCode::make(ErrorKind::dns_timeout,
                                     fmt::format("no DNS answer for '{}' in time", q->host));
    } else {
      ErrorCode e = ErrorCode::make(ErrorKind::dns_error,
                                    fmt::format("cannot resolve '{}': {}", q->host,
                                                status == ARES_SUCCESS ? "no addresses" : ares_strerror(status)));
      const char* rcode = rcode_of(status);
      if (rcode) e.text = rcode;
      e.number = static_cast<uint64_t>(status);
      result.error = std::move(e);
    }
  }
  // c-ares may answer inside ares_getaddrinfo (hosts file): deliver after the current batch.
  auto alive = q->alive;
  auto done = std::move(q->done);
  q->loop->defer([alive, done = std::move(done), result = std::move(result)]() mutable {
    if (*alive) done(std::move(result));
  });
}
}  // namespace

Resolver::Resolver(EventLoop& loop)
    : loop_(loop),
      timer_(loop, [this] {
        ares_process_fd(static_cast<ares_channel>(channel_), ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        after_ares_call();
      }),
      alive_(std::make_shared<bool>(true)) {}

Expected<std::unique_ptr<Resolver>> Resolver::create(EventLoop& loop, const std::vector<std::string>& servers,
                                                     Duration timeout) {
  static std::once_flag init_once;
  std::call_once(init_once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  std::unique_ptr<Resolver> r(new Resolver(loop));
  ares_options options{};
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
  options.sock_state_cb = on_sock_state;
  options.sock_state_cb_data = r.get();
  // Two tries share the lookup's time budget, so c-ares itself reports the timeout.
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  options.timeout = static_cast<int>(std::max<int64_t>(ms / 2, 1));
  options.tries = 2;
  options.lookups = const_cast<char*>("fb");
  ares_channel channel;
  int status = ares_init_options(&channel, &options, mask);
  if (status != ARES_SUCCESS) return Error{fmt::format("c-ares init: {}", ares_strerror(status))};
  r->channel_ = channel;
  if (!servers.empty()) {
    std::string csv;
    for (const std::string& s : servers) csv += (csv.empty() ? "" : ",") + s;
    status = ares_set_servers_ports_csv(channel, csv.c_str());
    if (status != ARES_SUCCESS)
      return Error{fmt::format("DNS servers '{}': {}", csv, ares_strerror(status))};
  }
  return r;
}

Resolver::~Resolver() {
  *alive_ = false;
  if (channel_) ares_destroy(static_cast<ares_channel>(channel_));  // calls on_sock_state(…, 0, 0)
  for (auto& [fd, w] : watches_) loop_.unwatch(fd);
  for (auto& [fd, w] : watches_) {
    IoWatcher* raw = w.release();
    loop_.defer([raw] { delete raw; });
  }
}

void Resolver::on_sock_state(void* data, int fd, int readable, int writable) {
  auto* self = static_cast<Resolver*>(data);
  auto it = self->watches_.find(fd);
  if (!readable && !writable) {
    if (it != self->watches_.end()) {
      self->loop_.unwatch(fd);
      IoWatcher* raw = it->second.release();
      self->watches_.erase(it);
      self->loop_.defer([raw] { delete raw; });
    }
    return;
  }
  uint32_t events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
  if (it == self->watches_.end()) {
    auto w = std::make_unique<Watch>();
    w->resolver = self;
    w->fd = fd;
    if (self->loop_.watch(fd, events, w.get(), /*edge_triggered=*/false))
      self->watches_.emplace(fd, std::move(w));
  } else {
    (void)self->loop_.rewatch(fd, events, it->second.get(), false);
  }
}

void Resolver::after_ares_call() {
  timeval tv;
  timeval* t = ares_timeout(static_cast<ares_channel>(channel_), nullptr, &tv);
  if (!t) {
    timer_.cancel();
    return;
  }
  timer_.arm(Clock::now() + std::chrono::seconds(t->tv_sec) + std::chrono::microseconds(t->tv_usec));
}

void Resolver::resolve(const std::string& host, uint16_t port, std::function<void(ResolveResult)> done) {
  if (auto numeric = SocketAddress::parse(host, port)) {
    ResolveResult result;
    result.addresses.push_back(*numeric);
    auto alive = alive_;
    loop_.defer([alive, done = std::move(done), result = std::move(result)]() mutable {
      if (*alive) done(std::move(result));
    });
    return;
  }
  auto* q = new Query{this, alive_, &loop_, host, port, std::move(done)};
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  ares_getaddrinfo(static_cast<ares_channel>(channel_), host.c_str(), nullptr, &hints, on_addrinfo, q);
  after_ares_call();
}

}  // namespace wasmrun::http
