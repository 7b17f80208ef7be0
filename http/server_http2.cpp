#include "http/server_http2.h"

#include "http/http2_common.h"

#include <sys/epoll.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace wasmrun::http {

struct Http2ServerConnection::Stream {
  explicit Stream(const ParserLimits& limits) : header_list(limits) {}
  int32_t id = 0;
  HeaderListBudget header_list;  // of the request head, then of the trailers
  bool head_too_large = false;
  RequestHead head;
  Fields trailers;
  std::shared_ptr<ServerExchange> exchange;
  bool dispatched = false;
  bool request_done = false;
  bool response_submitted = false;
  bool data_deferred = false;
  bool response_done = false;
  uint64_t consumed_acked = 0;
  Clock::time_point opened;     // HEADERS began (the header timeout runs until the head is whole)
  BodyRateWindow body_window;   // the request body's minimum data rate
};

// The nghttp2 callbacks, with access to the connection's internals.
struct Http2Callbacks {
  using Conn = Http2ServerConnection;
  using Stream = Http2ServerConnection::Stream;

  static Stream* stream_of(nghttp2_session* session, int32_t id) { return stream_data<Stream>(session, id); }

  static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* c = static_cast<Conn*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    auto stream = std::make_unique<Stream>(c->config_.limits);
    stream->id = frame->hd.stream_id;
    stream->head.version = Version::http2;
    stream->opened = c->loop_.now();
    stream->body_window.restart(stream->opened);
    nghttp2_session_set_stream_user_data(session, stream->id, stream.get());
    c->streams_[stream->id] = std::move(stream);
    return 0;
  }

  static int on_header(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
                       size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* user) {
    Stream* s = stream_of(session, frame->hd.stream_id);
    if (!s || frame->hd.type != NGHTTP2_HEADERS) return 0;
    std::string_view n = as_view(name, namelen), v = as_view(value, valuelen);
    if (!s->header_list.admit(n, v)) {
      if (frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return static_cast<Conn*>(user)->reject_trailers(*s);
      s->head_too_large = true;  // answered with 431 once the block ends
      return 0;
    }
    if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      if (!n.empty() && n[0] == ':') {
        if (n == ":method") s->head.method.assign(v);
        else if (n == ":scheme") s->head.scheme.assign(v);
        else if (n == ":authority") s->head.authority.assign(v);
        else if (n == ":path") s->head.path.assign(v);
        return 0;
      }
      // RFC 9113 §8.3.1: without :authority, a Host field carries it.
      if (n == "host" && s->head.authority.empty()) s->head.authority.assign(v);
      else s->head.headers.add(n, v);
    } else {
      s->trailers.add(n, v);
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* c = static_cast<Conn*>(user);
    Stream* s = frame->hd.stream_id ? stream_of(session, frame->hd.stream_id) : nullptr;
    if (!s) return 0;
    bool end_stream = frame->hd.flags & NGHTTP2_FLAG_END_STREAM;
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST)
      c->dispatch(*s);
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) && end_stream &&
        !s->request_done) {
      s->request_done = true;
      if (s->exchange) s->exchange->request_pipe().finish(std::move(s->trailers));
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session* session, uint8_t, int32_t id, const uint8_t* data,
                           size_t len, void* user) {
    auto* c = static_cast<Conn*>(user);
    Stream* s = stream_of(session, id);
    if (!s || !s->exchange) {
      nghttp2_session_consume(session, id, len);
      return 0;
    }
    s->body_window.add(len, c->loop_.now(), c->config_.body_min_bytes);
    BodyPipe& pipe = s->exchange->request_pipe();
    if (pipe.abandoned() || pipe.failed()) {
      // Nobody will read it: give the window back at once.
      nghttp2_session_consume(session, id, len);
      s->consumed_acked += len;
      pipe.write(as_view(data, len));  // counted, discarded
      return 0;
    }
    uint64_t limit = c->config_.limits.max_body;
    if (pipe.total_written() + len > limit) {
      ErrorCode e = ErrorCode::make(ErrorKind::http_request_body_size,
                                    fmt::format("the request body exceeds the limit of {} bytes", limit));
      e.number = limit;
      pipe.fail(std::move(e));
      nghttp2_session_consume(session, id, len);
      if (!s->exchange->responded()) c->reject_too_large(*s);
      return 0;
    }
    pipe.write(as_view(data, len));
    return 0;
  }

  // RFC 9113 §8.1: once the response is complete, a request body still arriving is not needed;
  // RST_STREAM(NO_ERROR) tells the client to stop sending it. Sent after the final frame went out,
  // so it cannot overtake the response.
  static int on_frame_send(nghttp2_session* session, const nghttp2_frame* frame, void*) {
    if ((frame->hd.type != NGHTTP2_DATA && frame->hd.type != NGHTTP2_HEADERS) ||
        !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
      return 0;
    Stream* s = stream_of(session, frame->hd.stream_id);
    if (s && !s->request_done)
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
    return 0;
  }

  static int on_stream_close(nghttp2_session*, int32_t id, uint32_t error_code, void* user) {
    static_cast<Conn*>(user)->on_stream_close(id, error_code);
    return 0;
  }

  static ssize_t read_body(nghttp2_session* session, int32_t id, uint8_t* buf, size_t length,
                           uint32_t* flags, nghttp2_data_source*, void*) {
    Stream* s = stream_of(session, id);
    if (!s || !s->exchange) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    ssize_t n = read_pipe_for_nghttp2(session, id, s->exchange->response_body(), buf, length, flags,
                                      s->data_deferred);
    if (n >= 0 && (*flags & NGHTTP2_DATA_FLAG_EOF)) s->response_done = true;
    return n;
  }
};

Http2ServerConnection::Http2ServerConnection(ServerLoop& server, std::unique_ptr<Transport> transport)
    : ServerConnection(server),
      loop_(server.loop()),
      config_(server.config()),
      transport_(std::move(transport)),
      fd_(transport_->fd()),
      timer_(server.loop(), [this] { on_timer(); }),
      send_call_(server.loop(), [this] { send(); }) {
  last_activity_ = loop_.now();
}

Http2ServerConnection::~Http2ServerConnection() {
  if (session_) nghttp2_session_del(session_);
}

void Http2ServerConnection::start(std::string_view initial) {
  int rv = new_nghttp2_session(&session_, /*server=*/true, this, [](nghttp2_session_callbacks* cbs) {
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, Http2Callbacks::on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cbs, Http2Callbacks::on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, Http2Callbacks::on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, Http2Callbacks::on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, Http2Callbacks::on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(cbs, Http2Callbacks::on_frame_send);
  });
  if (rv != 0) {
    close_now();
    return;
  }
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, config_.h2_max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, config_.h2_stream_window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(config_.limits.max_field_section)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 3);
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<int32_t>(config_.h2_connection_window));
  if (!initial.empty()) receive(initial.data(), initial.size());
  if (closed_) return;
  read_some();
  if (closed_) return;
  send();
  if (!closed_) update_timer();
}

void Http2ServerConnection::on_io(uint32_t events) {
  if (closed_) return;
  if (events & EPOLLOUT) {
    flush();
    if (closed_) return;
    if (out_.empty()) send();
    if (closed_) return;
  }
  // The peer's FIN may come with its last frames, in the same edge: then read to the end.
  if (events & (EPOLLRDHUP | EPOLLHUP)) peer_shut_seen_ = true;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_some();
  if (closed_) return;
  send();
  if (!closed_) update_timer();
}

void Http2ServerConnection::read_some() {
  char buf[kHttp2ReadSize];
  while (!closed_) {
    IoResult r = transport_->read(buf, sizeof buf);
    if (r.status == IoStatus::ok) {
      last_activity_ = loop_.now();
      receive(buf, r.bytes);
      if (r.bytes < sizeof buf && transport_ && transport_->short_read_drains() && !peer_shut_seen_) return;
      continue;
    }
    if (r.status == IoStatus::would_block) return;
    close_now();  // EOF or error: HTTP/2 has no half-closed connection
    return;
  }
}

void Http2ServerConnection::receive(const char* data, size_t size) {
  ssize_t rv = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(data), size);
  if (rv < 0) {
    // A connection error: nghttp2 queued GOAWAY where it could; send it, then close.
    if (rv != NGHTTP2_ERR_BAD_CLIENT_MAGIC) send();
    close_now();
  }
}

void Http2ServerConnection::send() {
  if (closed_ || in_send_) return;
  in_send_ = true;
  int nghttp2_error = 0;
  IoStatus status = send_nghttp2_output(session_, *transport_, out_, kHttp2OutHighWater, nghttp2_error);
  in_send_ = false;
  note_write_status(status);
  if (closed_) return;
  bool done = !nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_);
  if ((done || (draining_ && streams_.empty())) && out_.empty()) close_now();
}

void Http2ServerConnection::flush() { note_write_status(write_buffer(*transport_, out_)); }

void Http2ServerConnection::note_write_status(IoStatus status) {
  stall_.note(status, loop_.now());
  if (status == IoStatus::error) close_now();
}

void Http2ServerConnection::dispatch(Stream& s) {
  if (s.dispatched) return;
  s.dispatched = true;
  if (s.head.scheme.empty()) s.head.scheme = transport_->secure() ? "https" : "http";
  s.exchange = ServerExchange::make(loop_, this, std::move(s.head), config_.body_high_water);
  s.head = RequestHead{};
  s.body_window.restart(loop_.now());
  int32_t id = s.id;
  if (s.head_too_large) {
    // RFC 9113 §10.5.1; the fields kept so far are not a request to act on.
    s.exchange->request_pipe().abandon();
    s.exchange->respond(431, {{"content-type", "text/plain; charset=utf-8"}},
                        fmt::format("431 Request Header Fields Too Large: the header list is {}\n",
                                    s.header_list.describe()));
    return;
  }
  s.header_list.reset();  // the trailers have a budget of their own
  if (const std::string* length = s.exchange->request().headers.get("content-length")) {
    auto n = parse_decimal(*length);
    if (n && *n > config_.limits.max_body) {
      s.exchange->request_pipe().abandon();
      reject_too_large(s);
      return;
    }
  }
  // Re-open the stream's window by what the handler consumed (RFC 9113 §5.2).
  s.exchange->request_pipe().set_on_writable([this, id] {
    if (closed_) return;
    auto it = streams_.find(id);
    if (it == streams_.end() || !it->second->exchange) return;
    Stream& st = *it->second;
    // A peer left less flow-control window than the rate asks for could not keep it up.
    int32_t window = std::min(nghttp2_session_get_stream_local_window_size(session_, id),
                              nghttp2_session_get_local_window_size(session_));
    if (window < 0 || static_cast<uint64_t>(window) < config_.body_min_bytes)
      st.body_window.restart(loop_.now());
    uint64_t consumed = st.exchange->request_pipe().total_consumed();
    if (consumed > st.consumed_acked) {
      nghttp2_session_consume(session_, id, static_cast<size_t>(consumed - st.consumed_acked));
      st.consumed_acked = consumed;
      send_call_.schedule();
    }
    update_timer();
  });
  auto exchange = s.exchange;
  server_.handler()(std::move(exchange));
}

// 413 for a request body over the limit; the handler never sees the request.
void Http2ServerConnection::reject_too_large(Stream& s) {
  s.exchange->respond(413, {{"content-type", "text/plain; charset=utf-8"}},
                      fmt::format("413 Content Too Large: the request body exceeds {} bytes\n",
                                  config_.limits.max_body));
}

// Trailers over the limits fail the request body, and the stream is reset. Returning
// NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE makes nghttp2 decode the rest of the block only to keep
// the HPACK state, without a callback per field, and queue RST_STREAM(INTERNAL_ERROR).
int Http2ServerConnection::reject_trailers(Stream& s) {
  if (s.exchange && !s.request_done) {
    ErrorCode e = ErrorCode::make(ErrorKind::http_request_trailer_section_size,
                                  "the request trailers are " + s.header_list.describe());
    e.number = s.header_list.bytes();
    s.exchange->request_pipe().fail(std::move(e));
  }
  send_call_.schedule();
  return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
}

void Http2ServerConnection::on_response_started(ServerExchange& exchange) {
  // Find the stream of this exchange (few streams per connection; a linear scan is fine).
  for (auto& [id, s] : streams_) {
    if (s->exchange.get() == &exchange && !s->response_submitted) {
      submit_response(*s);
      send_call_.schedule();
      return;
    }
  }
}

void Http2ServerConnection::submit_response(Stream& s) {
  s.response_submitted = true;
  const ResponseHead& r = s.exchange->response();
  BodyPipe& body = s.exchange->response_body();
  int status = r.status < 200 || r.status > 999 ? 500 : r.status;
  bool no_body = s.exchange->request().method == "HEAD" || status == 204 || status == 304;
  NvList nva;
  nva.add_raw(":status", std::to_string(status));
  nva.add_all(r.headers);
  if (!nva.has("content-length") && !no_body && body.finished() && !body.failed())
    nva.add_raw("content-length", std::to_string(body.buffered()));
  if (!nva.has("date")) nva.add_raw("date", loop_.http_date());
  int32_t id = s.id;
  if (no_body) {
    body.abandon();
    s.response_done = true;
    nghttp2_submit_response(session_, id, nva.data(), nva.size(), nullptr);
    return;
  }
  body.set_on_readable([this, id] {
    if (closed_) return;
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    Stream& st = *it->second;
    if (st.exchange && st.exchange->response_body().failed()) {
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
    } else if (st.data_deferred) {
      st.data_deferred = false;
      nghttp2_session_resume_data(session_, id);
    }
    send_call_.schedule();
  });
  nghttp2_data_provider provider{};
  provider.read_callback = Http2Callbacks::read_body;
  nghttp2_submit_response(session_, id, nva.data(), nva.size(), &provider);
}

void Http2ServerConnection::on_stream_close(int32_t id, uint32_t error_code) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  std::unique_ptr<Stream> s = std::move(it->second);
  streams_.erase(it);
  if (s->exchange) {
    if (!s->response_done)
      s->exchange->cancel(ErrorCode::make(
          ErrorKind::connection_terminated,
          error_code ? fmt::format("stream reset: {}", nghttp2_http2_strerror(error_code))
                     : std::string("stream closed")));
    s->exchange->detach();
  }
  if (streams_.empty()) last_activity_ = loop_.now();
}

void Http2ServerConnection::drain() {
  if (closed_ || draining_) return;
  draining_ = true;
  // RFC 9113 §6.8: GOAWAY with the last stream we will process; in-flight streams finish.
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                        NGHTTP2_NO_ERROR, nullptr, 0);
  send();
}

void Http2ServerConnection::goaway_and_close(uint32_t error_code) {
  draining_ = true;
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                        error_code, nullptr, 0);
  send();
  if (!closed_) close_now();
}

void Http2ServerConnection::close_now() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  loop_.unwatch(fd_);
  for (auto& [id, s] : streams_) {
    if (s->exchange) {
      s->exchange->cancel(ErrorCode::make(ErrorKind::connection_terminated, "the HTTP/2 connection closed"));
      s->exchange->detach();
    }
  }
  transport_.reset();
  server_.release(this);
}

// When the connection next needs attention: a stalled write, an idle connection, a request head
// not complete in time, or a request body that stopped while the handler was waiting for it
// (slowloris, per stream). A body the handler has not consumed does not count: the peer has no
// window to send more.
Clock::time_point Http2ServerConnection::deadline() const {
  if (stall_.blocked) return stall_.since + config_.write_timeout;
  if (streams_.empty()) return last_activity_ + config_.idle_timeout;
  Clock::time_point d = Clock::time_point::max();
  for (const auto& [id, s] : streams_) d = std::min(d, stream_deadline(*s));
  return d;
}

Clock::time_point Http2ServerConnection::stream_deadline(const Stream& s) const {
  if (!s.dispatched) return s.opened + config_.header_timeout;
  if (s.request_done || !s.exchange) return Clock::time_point::max();
  const BodyPipe& pipe = s.exchange->request_pipe();
  if (pipe.failed() || pipe.abandoned() || pipe.buffered() > 0) return Clock::time_point::max();
  return s.body_window.deadline(config_.body_timeout);
}

void Http2ServerConnection::update_timer() {
  timer_.arm_no_later_than(deadline());
}

void Http2ServerConnection::on_timer() {
  if (closed_) return;
  Clock::time_point now = loop_.now(), d = deadline();
  if (now < d) {
    timer_.arm_no_later_than(d);
    return;
  }
  if (stall_.blocked) {
    close_now();
    return;
  }
  if (streams_.empty()) {
    goaway_and_close(NGHTTP2_NO_ERROR);  // idle
    return;
  }
  std::vector<int32_t> expired;
  for (const auto& [id, s] : streams_)
    if (stream_deadline(*s) <= now) expired.push_back(id);
  for (int32_t id : expired) {
    auto it = streams_.find(id);
    if (it == streams_.end()) continue;
    Stream& s = *it->second;
    if (!s.dispatched) {
      // A header block cut short leaves the HPACK state unusable: the connection goes.
      goaway_and_close(NGHTTP2_PROTOCOL_ERROR);
      return;
    }
    s.exchange->request_pipe().fail(
        ErrorCode::make(ErrorKind::connection_read_timeout, "the request body stalled"));
    if (s.exchange->responded()) {
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    } else {
      s.exchange->respond(408, {{"content-type", "text/plain; charset=utf-8"}},
                          "408 Request Timeout: the request body was not received in time\n");
    }
  }
  send_call_.schedule();
  update_timer();
}

}  // namespace wasmrun::http
