// A message body in flight: a bounded queue of byte chunks between one producer and one consumer
// on the same loop, then optional trailers, or a failure. Used both ways: for a request body the
// connection produces and the handler consumes; for a response body the handler produces and the
// connection consumes (the client is the mirror image).
//
// Backpressure: the producer writes while writable() > 0; when the queue holds `high_water`
// bytes or more, writable() is 0 and the producer waits for on_writable. The transport stops
// reading the socket (HTTP/1.1) or stops granting flow-control window (HTTP/2) while its pipe is
// full, so a slow consumer slows the peer instead of growing memory.
//
// Notifications are deferred to the end of the loop's current batch (never re-entrant):
//   on_readable — bytes arrived, the body ended, or it failed (consumer side);
//   on_writable — the consumer consumed bytes or abandoned the body (producer side).
// A fiber waits by setting the callback to "resume me" once and yielding to the loop; callback
// code simply reacts. Either way nothing blocks the loop. A callback must not replace itself
// while it runs (a fiber resumed from it runs inside it): set each one once, before waiting.
// Each side sets only its own callback; the other belongs to the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/error_code.h"
#include "http/event_loop.h"
#include "http/fields.h"

namespace wasmrun::http {

class BodyPipe {
 public:
  static constexpr size_t kDefaultHighWater = 256 * 1024;

  explicit BodyPipe(EventLoop& loop, size_t high_water = kDefaultHighWater);
  BodyPipe(const BodyPipe&) = delete;
  BodyPipe& operator=(const BodyPipe&) = delete;

  // ---- consumer side ----
  // The bytes at the front of the queue (one contiguous piece; empty if none now).
  std::string_view peek() const;
  void consume(size_t n);
  // Moves everything buffered into `out` (appending) and returns the byte count.
  size_t read_all(std::string& out);
  size_t buffered() const { return buffered_; }
  // The producer finished and every byte was consumed: trailers() is final.
  bool at_end() const { return finished_ && buffered_ == 0; }
  // The producer finished (bytes may still be buffered).
  bool finished() const { return finished_; }
  bool failed() const { return error_.has_value(); }
  const ErrorCode& error() const { return *error_; }
  const Fields& trailers() const { return trailers_; }
  // The consumer will read no more: buffered bytes are dropped, later writes are discarded, and
  // the producer is woken (it sees abandoned()).
  void abandon();
  void set_on_readable(std::function<void()> callback);

  // ---- producer side ----
  size_t writable() const { return abandoned_ || buffered_ >= high_water_ ? 0 : high_water_ - buffered_; }
  void write(std::string_view data);
  void write(std::string&& data);
  void write(const char* data) { write(std::string_view(data)); }
  void finish(Fields trailers = {});
  void fail(ErrorCode error);
  bool abandoned() const { return abandoned_; }
  void set_on_writable(std::function<void()> callback);

  uint64_t total_written() const { return total_written_; }
  uint64_t total_consumed() const { return total_consumed_; }
  size_t high_water() const { return high_water_; }

 private:
  void notify_readable();
  void notify_writable();

  std::vector<std::string> chunks_;
  size_t head_ = 0;         // index of the front chunk
  size_t head_offset_ = 0;  // bytes of the front chunk already consumed
  size_t buffered_ = 0;
  size_t high_water_;
  uint64_t total_written_ = 0;
  uint64_t total_consumed_ = 0;
  bool finished_ = false;
  bool abandoned_ = false;
  std::optional<ErrorCode> error_;
  Fields trailers_;
  DeferredCall readable_call_;
  DeferredCall writable_call_;
  bool has_readable_ = false;
  bool has_writable_ = false;
};

// Names for the two views of a pipe in interfaces: the side that reads and the side that writes.
using BodySource = BodyPipe;
using BodySink = BodyPipe;

}  // namespace wasmrun::http
