// What the HTTP/2 server and client connections share on top of nghttp2: session creation,
// header lists in nghttp2's form, and feeding a body pipe to nghttp2's data-provider callback.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/body.h"
#include "http/fields.h"
#include "http/http1_parser.h"
#include "http/transport.h"

namespace wasmrun::http {

inline std::string_view as_view(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

// Both connection kinds read the socket in chunks of kHttp2ReadSize and stop taking frames from
// nghttp2 while more than kHttp2OutHighWater bytes wait to be written.
inline constexpr size_t kHttp2ReadSize = 64 * 1024;
inline constexpr size_t kHttp2OutHighWater = 128 * 1024;

// A new server or client session whose window updates are ours to send (flow control follows
// the body consumer; see nghttp2_session_consume). `set_callbacks` installs the connection's
// callbacks. Returns nghttp2's error code, 0 on success.
int new_nghttp2_session(nghttp2_session** session, bool server, void* user,
                        const std::function<void(nghttp2_session_callbacks*)>& set_callbacks);

// The stream object a connection attached to stream `id` (nghttp2's stream user data).
template <class Stream>
Stream* stream_data(nghttp2_session* session, int32_t id) {
  return static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, id));
}

// The header list of one HEADERS block as it is decoded, against the limits an HTTP/1.1 field
// section has: its size as RFC 9113 §6.5.2 counts it (name + value + 32 per field, pseudo-fields
// included) and its number of regular fields. nghttp2 advertises SETTINGS_MAX_HEADER_LIST_SIZE
// but does not enforce it on what it receives, and HPACK lets a small block reference one large
// table entry many times (an "HPACK bomb"), so each field is counted before it is copied.
class HeaderListBudget {
 public:
  explicit HeaderListBudget(const ParserLimits& limits) : limits_(&limits) {}
  // Counts one field; false once the list is over a limit (and for every field after that).
  bool admit(std::string_view name, std::string_view value) {
    bytes_ += name.size() + value.size() + 32;
    if (name.empty() || name[0] != ':') ++fields_;
    return bytes_ <= limits_->max_field_section && fields_ <= limits_->max_fields;
  }
  void reset() { bytes_ = fields_ = 0; }
  uint64_t bytes() const { return bytes_; }
  // What was exceeded, for an error message.
  std::string describe() const;

 private:
  const ParserLimits* limits_;
  uint64_t bytes_ = 0;
  size_t fields_ = 0;
};

// A header list for nghttp2_submit_*: names lowercased (RFC 9113 §8.2.1), invalid or
// connection-specific fields left out (RFC 9113 §8.2.2). Strings live as long as the list.
class NvList {
 public:
  void add_raw(std::string_view name, std::string_view value);  // as given (pseudo-fields)
  void add(std::string_view name, std::string_view value);      // lowercased, checked
  void add_all(const Fields& fields);
  nghttp2_nv* data() { return nva_.data(); }
  size_t size() const { return nva_.size(); }
  bool has(std::string_view lowercase_name) const;

 private:
  std::deque<std::string> strings_;  // a deque keeps element addresses stable as it grows
  std::vector<nghttp2_nv> nva_;
};

// Writes nghttp2's outgoing frames through `transport`, buffering in `out`: frames are taken
// only while `out` is under `high_water` (so a slow peer stops nghttp2 from producing more).
// Returns the write status (would_block: EPOLLOUT resumes), or error with `nghttp2_error`
// set when nghttp2 failed.
IoStatus send_nghttp2_output(nghttp2_session* session, Transport& transport, ByteBuffer& out,
                             size_t high_water, int& nghttp2_error);

// The body of a nghttp2 data-provider read callback: copies what `pipe` holds into `buf`,
// ends the stream (with trailers, submitted here) when the pipe is at its end, and returns
// NGHTTP2_ERR_DEFERRED (setting `deferred`) when it is empty for now. A failed pipe resets
// the stream (NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE).
ssize_t read_pipe_for_nghttp2(nghttp2_session* session, int32_t stream_id, BodyPipe& pipe,
                              uint8_t* buf, size_t length, uint32_t* flags, bool& deferred);

}  // namespace wasmrun::http
