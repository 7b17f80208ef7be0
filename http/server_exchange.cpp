#include "http/server_exchange.h"

#include <cstddef>
#include <new>

#include "support/thread_block_cache.h"

namespace wasmrun::http {

namespace {

// An HTTP/1.1 loop answering a batch of events together holds dozens of exchanges at once (each
// with its shared_ptr control block): more blocks of their size than malloc's per-thread cache
// keeps, so they come from a ThreadBlockCache.
template <class T>
struct CachedAllocator {
  using value_type = T;
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  using Blocks = ThreadBlockCache<sizeof(T), 1024>;
  CachedAllocator() = default;
  template <class U>
  CachedAllocator(const CachedAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(n == 1 ? Blocks::take() : ::operator new(n * sizeof(T))); }
  void deallocate(T* p, size_t n) {
    if (n == 1) Blocks::give(p);
    else ::operator delete(p);
  }
  template <class U>
  bool operator==(const CachedAllocator<U>&) const { return true; }
};

}  // namespace

std::shared_ptr<ServerExchange> ServerExchange::make(EventLoop& loop, ExchangeHost* host, RequestHead head,
                                                     size_t high_water) {
  return std::allocate_shared<ServerExchange>(CachedAllocator<ServerExchange>(), loop, host, std::move(head),
                                              high_water);
}

ServerExchange::ServerExchange(EventLoop& loop, ExchangeHost* host, RequestHead head,
                               size_t high_water)
    : loop_(loop),
      host_(host),
      request_(std::move(head)),
      request_body_(loop, high_water),
      response_body_(loop, high_water) {}

BodySource& ServerExchange::request_body() {
  if (!body_wanted_) {
    body_wanted_ = true;
    if (host_) host_->on_body_wanted(*this);
  }
  return request_body_;
}

BodySink& ServerExchange::respond(ResponseHead head) {
  if (!response_) {
    response_ = std::move(head);
    if (host_) host_->on_response_started(*this);
  }
  return response_body_;
}

void ServerExchange::respond(int status, Fields headers, std::string_view body) {
  ResponseHead head{status, std::move(headers)};
  BodySink& sink = respond(std::move(head));
  sink.write(body);
  sink.finish();
}

void ServerExchange::cancel(const ErrorCode& why) {
  host_ = nullptr;
  if (cancelled_) return;
  cancelled_ = true;
  request_body_.fail(why);
  response_body_.abandon();
  if (on_cancel_) {
    auto callback = std::move(on_cancel_);
    callback();
  }
}

}  // namespace wasmrun::http
