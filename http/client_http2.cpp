#include "http/client_http2.h"

#include <sys/epoll.h>

#include <fmt/format.h>

#include "http/client_pool.h"
#include "http/http2_common.h"

namespace wasmrun::http {

struct Http2ClientConnection::Stream {
  explicit Stream(const ParserLimits& limits) : header_list(limits) {}
  int32_t id = 0;
  HeaderListBudget header_list;  // of the response head, then of the trailers
  std::shared_ptr<ClientExchange> exchange;
  ResponseHead head;
  Fields trailers;
  bool head_received = false;
  bool response_done = false;
  bool data_deferred = false;
  uint64_t consumed_acked = 0;
  Clock::time_point last_byte;
};

struct Http2ClientCallbacks {
  using Conn = Http2ClientConnection;
  using Stream = Http2ClientConnection::Stream;

  static Stream* stream_of(nghttp2_session* session, int32_t id) { return stream_data<Stream>(session, id); }

  static int on_header(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
                       size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* user) {
    Stream* s = stream_of(session, frame->hd.stream_id);
    if (!s || frame->hd.type != NGHTTP2_HEADERS) return 0;
    std::string_view n = as_view(name, namelen), v = as_view(value, valuelen);
    if (!s->header_list.admit(n, v)) return static_cast<Conn*>(user)->reject_header_list(*s);
    if (s->head_received) {
      s->trailers.add(n, v);
    } else if (n == ":status") {
      s->head.status = static_cast<int>(parse_decimal(v).value_or(0));
    } else if (n.empty() || n[0] != ':') {
      s->head.headers.add(n, v);
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* c = static_cast<Conn*>(user);
    if (frame->hd.type == NGHTTP2_GOAWAY) {
      c->goaway_ = true;
      return 0;
    }
    Stream* s = frame->hd.stream_id ? stream_of(session, frame->hd.stream_id) : nullptr;
    if (!s || !s->exchange) return 0;
    s->last_byte = c->loop_.now();
    if (frame->hd.type == NGHTTP2_HEADERS && !s->head_received) {
      s->header_list.reset();  // an interim head, the final head and trailers: each its own list
      if (s->head.status < 200) {  // interim response
        s->head = ResponseHead{};
        return 0;
      }
      s->head_received = true;
      s->exchange->deliver_response(std::move(s->head));
      c->arm_stream_timer(*s);
    }
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) && s->head_received && !s->response_done) {
      s->response_done = true;
      s->exchange->timer.cancel();
      s->exchange->response_pipe().finish(std::move(s->trailers));
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session* session, uint8_t, int32_t id, const uint8_t* data,
                           size_t len, void* user) {
    auto* c = static_cast<Conn*>(user);
    Stream* s = stream_of(session, id);
    if (!s || !s->exchange || s->exchange->response_pipe().abandoned()) {
      nghttp2_session_consume(session, id, len);
      return 0;
    }
    s->last_byte = c->loop_.now();
    s->exchange->response_pipe().write(as_view(data, len));
    return 0;
  }

  static int on_stream_close(nghttp2_session*, int32_t id, uint32_t error_code, void* user) {
    static_cast<Conn*>(user)->on_stream_close(id, error_code);
    return 0;
  }

  static ssize_t read_request_body(nghttp2_session* session, int32_t id, uint8_t* buf, size_t length,
                                   uint32_t* flags, nghttp2_data_source*, void*) {
    Stream* s = stream_of(session, id);
    if (!s || !s->exchange) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    return read_pipe_for_nghttp2(session, id, s->exchange->request_pipe(), buf, length, flags,
                                 s->data_deferred);
  }
};

Http2ClientConnection::Http2ClientConnection(HostPool& pool, std::unique_ptr<Transport> transport)
    : ClientConnection(pool),
      loop_(pool.client.loop()),
      transport_(std::move(transport)),
      fd_(transport_->fd()),
      idle_timer_(pool.client.loop(), [this] {
        if (streams_.empty()) close_now(ErrorCode::make(ErrorKind::connection_terminated, "idle timeout"));
      }),
      send_call_(pool.client.loop(), [this] { send(); }) {}

Http2ClientConnection::~Http2ClientConnection() {
  if (session_) nghttp2_session_del(session_);
}

Expected<void> Http2ClientConnection::start() {
  int rv = new_nghttp2_session(&session_, /*server=*/false, this, [](nghttp2_session_callbacks* cbs) {
    nghttp2_session_callbacks_set_on_header_callback(cbs, Http2ClientCallbacks::on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, Http2ClientCallbacks::on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, Http2ClientCallbacks::on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, Http2ClientCallbacks::on_stream_close);
  });
  if (rv != 0) return Error{fmt::format("nghttp2 client session: {}", nghttp2_strerror(rv))};
  uint32_t window = static_cast<uint32_t>(pool_.client.options().body_high_water);
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<uint32_t>(pool_.client.options().response_limits.max_field_section)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 3);
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, 4 * static_cast<int32_t>(window));
  auto r = loop_.rewatch(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP, this);
  if (!r) return r;
  idle_timer_.arm_after(pool_.client.options().idle_timeout);
  send_call_.schedule();
  return {};
}

bool Http2ClientConnection::has_capacity() const {
  if (closed_ || goaway_ || !session_) return false;
  uint32_t max = nghttp2_session_get_remote_settings(session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  return streams_.size() + queued_.size() < max;
}

void Http2ClientConnection::submit(std::shared_ptr<ClientExchange> exchange) {
  // Opened after this batch (see Http1ClientConnection::submit): a body finished by then is
  // sent with END_STREAM on HEADERS.
  idle_timer_.cancel();
  exchange->connection = this;
  queued_.push_back(std::move(exchange));
  send_call_.schedule();
}

void Http2ClientConnection::open_stream(std::shared_ptr<ClientExchange> exchange) {
  if (exchange->failed() || exchange->response_pipe().abandoned()) return;
  const RequestHead& r = exchange->request();
  BodyPipe& body = exchange->request_pipe();
  NvList nva;
  nva.add_raw(":method", r.method);
  nva.add_raw(":scheme", r.scheme);
  nva.add_raw(":authority", r.authority);
  nva.add_raw(":path", r.path);
  for (const Field& f : r.headers)
    if (!iequals(f.name, "host") && !iequals(f.name, "te")) nva.add(f.name, f.value);
  nva.add_raw("te", "trailers");
  bool has_body = !(body.finished() && body.buffered() == 0);
  if (!nva.has("content-length") && body.finished() && !body.failed() &&
      (has_body || r.method == "POST" || r.method == "PUT" || r.method == "PATCH"))
    nva.add_raw("content-length", std::to_string(body.buffered()));  // the whole body is here
  auto stream = std::make_unique<Stream>(pool_.client.options().response_limits);
  Stream* s = stream.get();
  s->exchange = exchange;
  s->last_byte = loop_.now();
  bool bodyless = body.finished() && body.buffered() == 0 && body.trailers().empty();
  nghttp2_data_provider provider{};
  provider.read_callback = Http2ClientCallbacks::read_request_body;
  int32_t id = nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(),
                                      bodyless ? nullptr : &provider, s);
  if (id < 0) {
    exchange->deliver_error(ErrorCode::make(ErrorKind::http_protocol_error,
                                            fmt::format("cannot open a stream: {}", nghttp2_strerror(id))));
    return;
  }
  s->id = id;
  streams_[id] = std::move(stream);
  if (seen_streams_++ > 0) ++pool_.client.mutable_stats().requests_on_reused_connections;
  exchange->connection = this;
  exchange->on_timer = [this, id] {
    auto it = streams_.find(id);
    if (it != streams_.end()) arm_stream_timer(*it->second);
  };
  arm_stream_timer(*s);
  body.set_on_readable([this, id] {
    auto it = streams_.find(id);
    if (closed_ || it == streams_.end()) return;
    Stream& st = *it->second;
    if (st.data_deferred) {
      st.data_deferred = false;
      nghttp2_session_resume_data(session_, id);
    }
    send_call_.schedule();
  });
  exchange->response_pipe().set_on_writable([this, id] {
    auto it = streams_.find(id);
    if (closed_ || it == streams_.end() || !it->second->exchange) return;
    Stream& st = *it->second;
    uint64_t consumed = st.exchange->response_pipe().total_consumed();
    if (consumed > st.consumed_acked) {
      nghttp2_session_consume(session_, id, static_cast<size_t>(consumed - st.consumed_acked));
      st.consumed_acked = consumed;
      send_call_.schedule();
    }
  });
  send_call_.schedule();
}

// Re-arms (or fires) the first-byte / between-bytes timeout of a stream.
void Http2ClientConnection::arm_stream_timer(Stream& s) {
  if (!s.exchange || s.response_done) return;
  const ClientOptions& o = pool_.client.options();
  const RequestOptions& r = s.exchange->options();
  Duration d = s.head_received ? r.between_bytes_timeout.value_or(o.between_bytes_timeout)
                               : r.first_byte_timeout.value_or(o.first_byte_timeout);
  if (s.head_received && s.exchange->response_pipe().writable() == 0) s.last_byte = loop_.now();
  Clock::time_point deadline = s.last_byte + d;
  if (loop_.now() < deadline) {
    s.exchange->timer.arm(deadline);
    return;
  }
  auto ex = s.exchange;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  ex->deliver_error(ErrorCode::make(
      ErrorKind::connection_read_timeout,
      s.head_received ? fmt::format("no response body bytes for {} ms", ms)
                      : fmt::format("no response within {} ms (first-byte timeout)", ms)));
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_CANCEL);
  send_call_.schedule();
}

// A response head or trailer section over ClientOptions::response_limits: the exchange fails
// with the size error and the stream is cancelled. Returning NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE
// stops the callbacks for the rest of the block (nghttp2 still decodes it for the HPACK state).
int Http2ClientConnection::reject_header_list(Stream& s) {
  if (s.exchange) {
    auto ex = std::move(s.exchange);
    ex->timer.cancel();
    ex->on_timer = nullptr;
    ex->connection = nullptr;
    bool trailers = s.head_received;
    ErrorCode e = ErrorCode::make(
        trailers ? ErrorKind::http_response_trailer_section_size : ErrorKind::http_response_header_section_size,
        fmt::format("the response {} {}", trailers ? "trailers are" : "head is", s.header_list.describe()));
    e.number = s.header_list.bytes();
    s.response_done = true;
    if (trailers) ex->response_pipe().fail(std::move(e));
    else ex->deliver_error(std::move(e));
  }
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_CANCEL);
  send_call_.schedule();
  return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
}

void Http2ClientConnection::cancel(ClientExchange& exchange) {
  for (auto it = queued_.begin(); it != queued_.end(); ++it) {
    if (it->get() == &exchange) {
      queued_.erase(it);
      return;
    }
  }
  for (auto& [id, s] : streams_) {
    if (s->exchange.get() == &exchange) {
      s->exchange->timer.cancel();
      s->exchange->on_timer = nullptr;
      s->exchange.reset();
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
      send_call_.schedule();
      return;
    }
  }
}

void Http2ClientConnection::on_stream_close(int32_t id, uint32_t error_code) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  std::unique_ptr<Stream> s = std::move(it->second);
  streams_.erase(it);
  if (s->exchange) {
    auto ex = std::move(s->exchange);
    ex->timer.cancel();
    ex->on_timer = nullptr;
    ex->connection = nullptr;
    if (!s->response_done) {
      if (error_code == NGHTTP2_REFUSED_STREAM || error_code == NGHTTP2_NO_ERROR) {
        ex->deliver_error(ErrorCode::make(s->head_received ? ErrorKind::http_response_incomplete
                                                           : ErrorKind::connection_terminated,
                                          fmt::format("stream closed by the server ({})",
                                                      nghttp2_http2_strerror(error_code))));
      } else {
        ex->deliver_error(ErrorCode::make(ErrorKind::http_protocol_error,
                                          fmt::format("stream reset by the server: {}",
                                                      nghttp2_http2_strerror(error_code))));
      }
    }
  }
  if (closed_) return;
  if (streams_.empty()) idle_timer_.arm_after(pool_.client.options().idle_timeout);
  // A stream slot is free: let the pool hand out what waits (after this batch).
  loop_.defer([alive = alive_, this] {
    if (!*alive || closed_) return;
    if (idle()) pool_.on_connection_idle(this);
    else if (!pool_.pending.empty()) pool_.dispatch();
  });
}

void Http2ClientConnection::on_io(uint32_t events) {
  if (closed_) return;
  if (events & EPOLLOUT) {
    flush();
    if (closed_) return;
  }
  read_some();
  if (!closed_) send();
}

void Http2ClientConnection::read_some() {
  char buf[kHttp2ReadSize];
  while (!closed_) {
    IoResult r = transport_->read(buf, sizeof buf);
    if (r.status == IoStatus::ok) {
      ssize_t rv = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(buf), r.bytes);
      if (rv < 0) {
        close_now(ErrorCode::make(ErrorKind::http_protocol_error,
                                  fmt::format("HTTP/2 protocol error: {}", nghttp2_strerror(static_cast<int>(rv)))));
        return;
      }
      continue;
    }
    if (r.status == IoStatus::would_block) return;
    close_now(ErrorCode::make(ErrorKind::http_response_incomplete,
                              r.status == IoStatus::eof ? "the server closed the HTTP/2 connection"
                                                        : "read failed: " + transport_->last_error()));
    return;
  }
}

void Http2ClientConnection::send() {
  if (closed_ || in_send_) return;
  auto queued = std::move(queued_);
  queued_.clear();
  for (auto& ex : queued) open_stream(std::move(ex));
  if (closed_) return;
  in_send_ = true;
  int nghttp2_error = 0;
  IoStatus status = send_nghttp2_output(session_, *transport_, out_, kHttp2OutHighWater, nghttp2_error);
  in_send_ = false;
  if (status == IoStatus::error) {
    close_now(nghttp2_error ? ErrorCode::make(ErrorKind::http_protocol_error, nghttp2_strerror(nghttp2_error))
                            : ErrorCode::make(ErrorKind::connection_terminated,
                                              "write failed: " + transport_->last_error()));
    return;
  }
  if (!closed_ && goaway_ && streams_.empty() && out_.empty())
    close_now(ErrorCode::make(ErrorKind::connection_terminated, "the server sent GOAWAY"));
}

void Http2ClientConnection::flush() {
  if (write_buffer(*transport_, out_) == IoStatus::error)
    close_now(ErrorCode::make(ErrorKind::connection_terminated, "write failed: " + transport_->last_error()));
}

void Http2ClientConnection::close_now(const ErrorCode& why) {
  if (closed_) return;
  closed_ = true;
  *alive_ = false;
  idle_timer_.cancel();
  loop_.unwatch(fd_);
  for (auto& ex : queued_) {
    ex->connection = nullptr;
    ex->deliver_error(why);
  }
  queued_.clear();
  for (auto& [id, s] : streams_) {
    if (!s->exchange) continue;
    auto ex = std::move(s->exchange);
    ex->timer.cancel();
    ex->on_timer = nullptr;
    ex->connection = nullptr;
    if (!s->response_done) ex->deliver_error(why);
  }
  transport_.reset();
  pool_.release(this);
}

}  // namespace wasmrun::http
