// wasi:sockets/ip-name-lookup. Names are checked as Wasmtime checks them (a URL host: an IPv4
// address in any of its URL spellings, an IPv6 address with or without brackets, or a domain
// name); addresses answer at once, domain names go to c-ares (http/resolver.h: /etc/hosts, then
// DNS) on a resolver thread of their own, so a guest waits for the answer on a pollable (an
// eventfd the thread signals) like on any other. Off unless WasiP2Config::sockets.ip_name_lookup:
// then every lookup fails with permanent-resolver-failure, as in Wasmtime.
#include <ares.h>
#include <poll.h>
#include <sys/eventfd.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "http/resolver.h"
#include "wasi/p2/sockets.h"
#include "wasi/p2/sockets_common.h"
#include "wasi/p2/sockets_names.h"

namespace wasmrun::wasi::p2::sockets {

namespace lookup = bindings::wasi::sockets::ip_name_lookup;

namespace {

// How long a lookup may take in all (c-ares retries within it).
constexpr auto kLookupTimeout = std::chrono::seconds(10);

// One lookup's answer, filled in by the resolver thread.
struct Lookup {
  std::mutex mutex;
  bool done = false;
  std::vector<net::IpAddress> addresses;
  std::optional<ErrorCode> error;
  preview1::UniqueFd event{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};  // readable once done

  void finish(std::vector<net::IpAddress> found, std::optional<ErrorCode> failure) {
    {
      std::lock_guard lock(mutex);
      addresses = std::move(found);
      error = failure;
      done = true;
    }
    uint64_t one = 1;
    (void)!::write(event.get(), &one, sizeof one);
  }
  bool is_done() {
    std::lock_guard lock(mutex);
    return done;
  }
};

struct ResolveStreamObject {
  std::shared_ptr<Lookup> lookup;
  size_t next = 0;  // the next address to hand out
};

class LookupPollable final : public Pollable {
 public:
  explicit LookupPollable(std::shared_ptr<Lookup> lookup) : lookup_(std::move(lookup)) {}
  bool ready() override { return lookup_->is_done(); }
  WaitSource source() const override { return {WaitSource::Kind::Fd, 0, lookup_->event.get(), POLLIN}; }

 private:
  std::shared_ptr<Lookup> lookup_;
};

// The address of an IPv4-mapped IPv6 address is the IPv4 one (Rust's to_canonical).
net::IpAddress canonical(const IpSocketAddress& address) {
  HostAddress h = to_host(address);
  if (h.family() == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6*>(&h.storage)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      const uint8_t* b = a.s6_addr + 12;
      return net::IpAddress::ipv4({b[0], b[1], b[2], b[3]});
    }
  }
  return ip_of(address);
}

ErrorCode error_of(const http::ErrorCode& e) {
  if (e.kind == http::ErrorKind::dns_timeout) return ErrorCode::TemporaryResolverFailure;
  switch (int(e.number.value_or(ARES_SUCCESS))) {
    case ARES_SUCCESS:  // an answer without addresses
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_ENONAME:
    case ARES_EBADNAME: return ErrorCode::NameUnresolvable;
    case ARES_ETIMEOUT:
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_ECONNREFUSED: return ErrorCode::TemporaryResolverFailure;
    default: return ErrorCode::PermanentResolverFailure;
  }
}

// An event loop with a c-ares resolver on a thread, for the lookups of one WasiP2.
class ResolverThread {
 public:
  static std::unique_ptr<ResolverThread> start() {
    auto loop = http::EventLoop::create();
    if (!loop) return nullptr;
    auto resolver = http::Resolver::create(**loop, {}, kLookupTimeout);
    if (!resolver) return nullptr;
    return std::unique_ptr<ResolverThread>(new ResolverThread(std::move(*loop), std::move(*resolver)));
  }
  ~ResolverThread() {
    loop_->post([this] {
      resolver_.reset();  // ends the lookups in flight without an answer
      loop_->stop();
    });
    thread_.join();
    loop_->run_once(std::chrono::milliseconds(0));  // what the resolver left to delete later
  }

  void resolve(std::string name, std::shared_ptr<Lookup> into) {
    loop_->post([this, name = std::move(name), into = std::move(into)] {
      resolver_->resolve(name, 0, [into](http::ResolveResult result) {
        std::vector<net::IpAddress> found;
        for (const http::SocketAddress& a : result.addresses) {
          HostAddress h;
          std::memcpy(&h.storage, &a.storage, sizeof h.storage);
          h.length = a.length;
          if (auto address = from_host(h)) found.push_back(canonical(*address));
        }
        std::optional<ErrorCode> failure;
        if (found.empty()) failure = result.error ? error_of(*result.error) : ErrorCode::NameUnresolvable;
        into->finish(std::move(found), failure);
      });
    });
  }

 private:
  ResolverThread(std::unique_ptr<http::EventLoop> loop, std::unique_ptr<http::Resolver> resolver)
      : loop_(std::move(loop)), resolver_(std::move(resolver)), thread_([this] { loop_->run(); }) {}

  std::unique_ptr<http::EventLoop> loop_;
  std::unique_ptr<http::Resolver> resolver_;  // used on the thread only
  std::thread thread_;
};

class IpNameLookupHost final : public lookup::Host {
 public:
  explicit IpNameLookupHost(WasiP2& wasi) : wasi_(wasi) {}

  TrapOr<void> resolve_address_stream_drop(Resource<lookup::ResolveAddressStream> self) override {
    if (!wasi_.remove<ResolveStreamObject>(self)) return unknown_handle("resolve-address-stream");
    return {};
  }

  TrapOr<SockResult<Resource<lookup::ResolveAddressStream>>> resolve_addresses(Borrow<net::Network> network,
                                                                              std::string name) override {
    using R = SockResult<Resource<lookup::ResolveAddressStream>>;
    if (!is_network(wasi_, network)) return unknown_handle("network");
    if (!wasi_.config().sockets.ip_name_lookup) return SockError{ErrorCode::PermanentResolverFailure};
    ParsedName parsed = parse_name(name);
    if (!parsed.valid) return SockError{ErrorCode::InvalidArgument};
    auto found = std::make_shared<Lookup>();
    if (!found->event.valid()) return errno_error(errno);
    if (parsed.address) {
      found->finish({*parsed.address}, std::nullopt);
    } else {
      if (!resolver_) resolver_ = ResolverThread::start();
      if (resolver_) resolver_->resolve(parsed.domain, found);
      else found->finish({}, ErrorCode::PermanentResolverFailure);
    }
    auto handle = wasi_.push<lookup::ResolveAddressStream>(ResolveStreamObject{std::move(found)});
    if (!handle) return handle.take_trap();
    return R::ok(*handle);
  }

  TrapOr<SockResult<std::optional<net::IpAddress>>> resolve_address_stream_resolve_next_address(
      Borrow<lookup::ResolveAddressStream> self) override {
    using R = SockResult<std::optional<net::IpAddress>>;
    auto* stream = wasi_.get<ResolveStreamObject>(self);
    if (!stream) return unknown_handle("resolve-address-stream");
    Lookup& l = *stream->lookup;
    std::lock_guard lock(l.mutex);
    if (!l.done) return SockError{ErrorCode::WouldBlock};
    if (l.error) return SockError{*l.error};
    if (stream->next >= l.addresses.size()) return R::ok(std::nullopt);
    return R::ok(l.addresses[stream->next++]);
  }

  TrapOr<Resource<lookup::Pollable>> resolve_address_stream_subscribe(
      Borrow<lookup::ResolveAddressStream> self) override {
    auto* stream = wasi_.get<ResolveStreamObject>(self);
    if (!stream) return unknown_handle("resolve-address-stream");
    return wasi_.push<lookup::Pollable>(PollableObject{std::make_unique<LookupPollable>(stream->lookup)});
  }

 private:
  WasiP2& wasi_;
  std::unique_ptr<ResolverThread> resolver_;  // started by the first domain name
};

}  // namespace

std::unique_ptr<lookup::Host> make_ip_name_lookup_host(WasiP2& wasi) {
  return std::make_unique<IpNameLookupHost>(wasi);
}

}  // namespace wasmrun::wasi::p2::sockets
