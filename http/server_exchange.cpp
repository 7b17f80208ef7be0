#include "http/server_exchange.h"

#include <cstddef>
#include <new>

namespace wasmrun::http {

namespace {

// Exchanges come and go at the request rate, and an HTTP/1.1 loop answering a batch of events
// together holds dozens at once: more blocks of their size than malloc's per-thread cache
// keeps, so each would cost a trip through its bins. A thread keeps the blocks of its freed
// exchanges (with their shared_ptr control blocks) for its next ones, all of one size.
class BlockCache {
 public:
  ~BlockCache() {
    while (head_) ::operator delete(pop());
    gone = true;
  }
  void* take(size_t bytes) { return head_ && bytes == size_ ? pop() : nullptr; }
  bool give(void* block, size_t bytes) {
    if (kSanitized) return false;  // AddressSanitizer is to see a use after free
    if (size_ == 0) size_ = bytes;
    if (bytes != size_ || count_ >= kMax) return false;
    head_ = new (block) Free{head_};
    ++count_;
    return true;
  }
  // Set once the thread's cache is destroyed (thread exit): blocks freed later go to malloc.
  static thread_local bool gone;

 private:
  static constexpr size_t kMax = 1024;
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  static constexpr bool kSanitized = true;
#else
  static constexpr bool kSanitized = false;
#endif
#else
  static constexpr bool kSanitized = false;
#endif
  struct Free {
    Free* next;
  };
  void* pop() {
    Free* f = head_;
    head_ = f->next;
    --count_;
    return f;
  }
  Free* head_ = nullptr;
  size_t count_ = 0;
  size_t size_ = 0;  // the blocks' size, fixed by the first one given
};
thread_local bool BlockCache::gone = false;
thread_local BlockCache block_cache;

template <class T>
struct CachedAllocator {
  using value_type = T;
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  CachedAllocator() = default;
  template <class U>
  CachedAllocator(const CachedAllocator<U>&) {}
  T* allocate(size_t n) {
    if (n == 1 && !BlockCache::gone)
      if (void* p = block_cache.take(sizeof(T))) return static_cast<T*>(p);
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) {
    if (n == 1 && !BlockCache::gone && block_cache.give(p, sizeof(T))) return;
    ::operator delete(p);
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
