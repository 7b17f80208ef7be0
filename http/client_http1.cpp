#include "http/client_http1.h"

#include <sys/epoll.h>

#include <fmt/format.h>

#include "http/client_pool.h"
#include "http/http1_writer.h"

namespace wasmrun::http {

namespace {
constexpr size_t kReadSize = 64 * 1024;
constexpr size_t kOutHighWater = 256 * 1024;

ErrorCode response_parse_error(const ParseError& e) {
  ErrorKind kind;
  switch (e.kind) {
    case ParseErrorKind::header_section_too_large: kind = ErrorKind::http_response_header_section_size; break;
    case ParseErrorKind::body_too_large: kind = ErrorKind::http_response_body_size; break;
    case ParseErrorKind::unsupported_transfer_coding: kind = ErrorKind::http_response_transfer_coding; break;
    case ParseErrorKind::incomplete: kind = ErrorKind::http_response_incomplete; break;
    default: kind = ErrorKind::http_protocol_error; break;
  }
  return ErrorCode::make(kind, fmt::format("bad response: {} (at byte {})", e.message, e.offset));
}
}  // namespace

Http1ClientConnection::Http1ClientConnection(HostPool& pool, std::unique_ptr<Transport> transport)
    : ClientConnection(pool),
      loop_(pool.client.loop()),
      transport_(std::move(transport)),
      fd_(transport_->fd()),
      parser_(Http1Parser::Mode::response, *this, pool.client.options().response_limits),
      idle_timer_(pool.client.loop(), [this] {
        if (!exchange_) close_now(ErrorCode::make(ErrorKind::connection_terminated, "idle timeout"));
      }),
      pump_call_(pool.client.loop(), [this] { pump_request(); }),
      idle_call_(pool.client.loop(), [this] {
        if (!closed_ && !exchange_) pool_.on_connection_idle(this);
      }) {}

Http1ClientConnection::~Http1ClientConnection() = default;

Expected<void> Http1ClientConnection::start() {
  auto r = loop_.rewatch(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP, this);
  if (!r) return r;
  idle_timer_.arm_after(pool_.client.options().idle_timeout);
  return {};
}

void Http1ClientConnection::submit(std::shared_ptr<ClientExchange> exchange) {
  served_before_ = reused_;
  if (reused_) ++pool_.client.mutable_stats().requests_on_reused_connections;
  reused_ = true;
  idle_timer_.cancel();
  exchange_ = std::move(exchange);
  exchange_->connection = this;
  head_ = ResponseHead{};
  trailers_ = Fields{};
  request_sent_ = response_bytes_ = head_received_ = response_complete_ = false;
  request_written_ = 0;
  request_length_.reset();
  parser_.start_next_message();
  parser_.expect_no_body(exchange_->request().method == "HEAD");
  exchange_->on_timer = [this] { on_exchange_timer(); };
  last_byte_ = loop_.now();
  arm_exchange_timer();
  exchange_->request_pipe().set_on_readable([this] { pump_call_.schedule(); });
  exchange_->response_pipe().set_on_writable([this] {
    if (closed_) return;
    process_input();
    read_some();
  });
  // The head goes out after this batch, so a caller that writes and finishes a small body right
  // after send() gets a Content-Length (or no body) instead of chunked framing.
  head_encoded_ = false;
  pump_call_.schedule();
}

void Http1ClientConnection::encode_request_head() {
  const RequestHead& r = exchange_->request();
  BodyPipe& body = exchange_->request_pipe();
  out_.append(r.method);
  out_.append(' ');
  out_.append(r.path);
  out_.append(" HTTP/1.1\r\nHost: ");
  out_.append(r.authority);
  out_.append("\r\n");
  for (const Field& f : r.headers) {
    if (is_connection_specific_field(f.name) || iequals(f.name, "host") || iequals(f.name, "te")) continue;
    if (iequals(f.name, "content-length")) {
      if (auto n = parse_decimal(f.value)) request_length_ = *n;
      continue;
    }
    append_field_line(out_, f.name, f.value);
  }
  bool bodyless = body.finished() && body.buffered() == 0;
  if (!request_length_ && body.finished() && !body.failed() &&
      (!bodyless || r.method == "POST" || r.method == "PUT" || r.method == "PATCH"))
    request_length_ = body.buffered();
  if (request_length_) {
    out_.append(fmt::format("Content-Length: {}\r\n", *request_length_));
    request_chunked_ = false;
  } else if (!bodyless) {
    out_.append("Transfer-Encoding: chunked\r\n");
    request_chunked_ = true;
  } else {
    request_chunked_ = false;
    request_length_ = 0;
  }
  out_.append("TE: trailers\r\n\r\n");
}

void Http1ClientConnection::pump_request() {
  if (closed_ || !exchange_ || request_sent_) {
    flush();
    return;
  }
  if (!head_encoded_) {
    head_encoded_ = true;
    encode_request_head();
  }
  BodyPipe& body = exchange_->request_pipe();
  while (out_.size() < kOutHighWater) {
    std::string_view piece = body.peek();
    if (piece.empty()) break;
    size_t take = piece.size();
    if (request_length_ && take > *request_length_ - request_written_) {
      fail_exchange(ErrorCode::make(ErrorKind::http_request_body_size,
                                    fmt::format("the request body exceeds its Content-Length {}", *request_length_)));
      return;
    }
    if (request_chunked_) {
      append_chunk(out_, piece);
    } else {
      out_.append(piece);
    }
    request_written_ += take;
    body.consume(take);
  }
  if (body.failed()) {
    fail_exchange(ErrorCode::make(ErrorKind::internal_error, "the request body failed: " + body.error().detail));
    return;
  }
  if (body.at_end()) {
    if (request_chunked_) {
      append_last_chunk(out_, body.trailers());
    } else if (request_length_ && request_written_ < *request_length_) {
      ErrorCode e = ErrorCode::make(ErrorKind::http_request_body_size,
                                    fmt::format("the request body has {} of its {} declared bytes",
                                                request_written_, *request_length_));
      e.number = request_written_;
      fail_exchange(e);
      return;
    }
    request_sent_ = true;
  }
  flush();
}

void Http1ClientConnection::flush() {
  if (closed_ || write_buffer(*transport_, out_) != IoStatus::error) return;
  if (exchange_ && response_bytes_ && !request_sent_) {
    // The server answered early and stopped reading the body: keep reading its response.
    out_.clear();
    request_sent_ = true;
    return;
  }
  close_now(ErrorCode::make(ErrorKind::connection_terminated,
                            "sending the request failed: " + transport_->last_error()));
}

void Http1ClientConnection::on_io(uint32_t events) {
  if (closed_) return;
  if (events & EPOLLOUT) {
    flush();
    if (closed_) return;
    if (exchange_ && !request_sent_) pump_request();
    if (closed_) return;
  }
  read_some();
}

void Http1ClientConnection::read_some() {
  if (in_read_) return;
  in_read_ = true;
  while (!closed_ && !peer_closed_) {
    if (exchange_ && head_received_ && exchange_->response_pipe().writable() == 0 &&
        !exchange_->response_pipe().abandoned())
      break;  // backpressure
    char* tail = in_.prepare(kReadSize);
    IoResult r = transport_->read(tail, kReadSize);
    if (r.status == IoStatus::ok) {
      in_.commit(r.bytes);
      if (!exchange_) {
        close_now(ErrorCode::make(ErrorKind::http_protocol_error, "bytes from the server with no request"));
        break;
      }
      response_bytes_ = true;
      last_byte_ = loop_.now();
      process_input();
      continue;
    }
    if (r.status == IoStatus::would_block) break;
    peer_closed_ = true;
    if (exchange_ && !response_bytes_ && served_before_ && exchange_->request_pipe().total_written() == 0 &&
        exchange_->request_pipe().finished()) {
      // A reused keep-alive connection the server had just closed: nothing was consumed, so
      // the request goes out again on another connection (RFC 9112 §9.3.1).
      auto ex = std::move(exchange_);
      ex->connection = nullptr;
      ex->on_timer = nullptr;
      ex->timer.cancel();
      close_now(ErrorCode::make(ErrorKind::connection_terminated, "closed by the server while idle"));
      pool_.enqueue(std::move(ex));
      break;
    }
    if (r.status == IoStatus::eof && exchange_) {
      process_input();
      if (exchange_ && parser_.finish()) {  // a body delimited by the close
        finish_exchange();
        break;
      }
      if (exchange_) {
        if (!response_bytes_)
          fail_exchange(ErrorCode::make(ErrorKind::connection_terminated,
                                        "the server closed the connection before responding"));
        else
          fail_exchange(response_parse_error(parser_.error()));
      }
    }
    if (!closed_)
      close_now(ErrorCode::make(ErrorKind::connection_terminated,
                                r.status == IoStatus::eof ? "the server closed the connection"
                                                          : "read failed: " + transport_->last_error()));
    break;
  }
  in_read_ = false;
}

void Http1ClientConnection::process_input() {
  while (!closed_ && exchange_ && !in_.empty()) {
    if (head_received_ && exchange_->response_pipe().writable() == 0 &&
        !exchange_->response_pipe().abandoned())
      break;
    size_t used = parser_.feed(in_.data(), in_.size());
    in_.consume(used);
    if (parser_.failed()) {
      fail_exchange(response_parse_error(parser_.error()));
      return;
    }
    if (response_complete_) {
      finish_exchange();
      return;
    }
    if (used == 0) break;
  }
}

void Http1ClientConnection::on_status_line(Version, int status, std::string_view) {
  head_ = ResponseHead{};
  head_.status = status;
}

void Http1ClientConnection::on_field(std::string_view name, std::string_view value) {
  head_.headers.add(name, value);
}

void Http1ClientConnection::on_head_complete() {
  if (head_.status < 200) return;  // interim (1xx) responses are skipped
  head_received_ = true;
  exchange_->deliver_response(std::move(head_));
  head_ = ResponseHead{};
  arm_exchange_timer();
}

bool Http1ClientConnection::on_body(std::string_view data) {
  BodyPipe& pipe = exchange_->response_pipe();
  pipe.write(data);
  return pipe.writable() > 0 || pipe.abandoned();
}

void Http1ClientConnection::on_trailer(std::string_view name, std::string_view value) {
  trailers_.add(name, value);
}

void Http1ClientConnection::on_message_complete() {
  if (!head_received_) return;  // the end of an interim response
  exchange_->response_pipe().finish(std::move(trailers_));
  trailers_ = Fields{};
  response_complete_ = true;  // finished by process_input once the parser returns
}

void Http1ClientConnection::finish_exchange() {
  bool reusable = parser_.keep_alive() && request_sent_ && out_.empty() && in_.empty() && !peer_closed_;
  exchange_->timer.cancel();
  exchange_->on_timer = nullptr;
  exchange_->connection = nullptr;
  exchange_->request_pipe().set_on_readable(nullptr);
  exchange_->response_pipe().set_on_writable(nullptr);
  exchange_.reset();
  if (!reusable) {
    close_now(ErrorCode::make(ErrorKind::connection_terminated, "not reusable"));
    return;
  }
  idle_timer_.arm_after(pool_.client.options().idle_timeout);
  // Tell the pool after this batch: the caller may be inside a parser callback.
  idle_call_.schedule();
}

void Http1ClientConnection::fail_exchange(ErrorCode error) {
  if (!exchange_) return;
  auto ex = std::move(exchange_);
  ex->connection = nullptr;
  ex->on_timer = nullptr;
  ex->deliver_error(std::move(error));
  close_now(ErrorCode::make(ErrorKind::connection_terminated, "exchange failed"));
}

void Http1ClientConnection::cancel(ClientExchange& exchange) {
  if (exchange_.get() != &exchange) return;
  exchange_.reset();
  close_now(ErrorCode::make(ErrorKind::connection_terminated, "cancelled"));
}

void Http1ClientConnection::arm_exchange_timer() {
  if (!exchange_) return;
  const ClientOptions& o = pool_.client.options();
  const RequestOptions& r = exchange_->options();
  Duration d = head_received_ ? r.between_bytes_timeout.value_or(o.between_bytes_timeout)
                              : r.first_byte_timeout.value_or(o.first_byte_timeout);
  exchange_->timer.arm(last_byte_ + d);
}

void Http1ClientConnection::on_exchange_timer() {
  if (!exchange_ || closed_) return;
  const ClientOptions& o = pool_.client.options();
  const RequestOptions& r = exchange_->options();
  if (head_received_) {
    if (exchange_->response_pipe().writable() == 0) {  // we are the ones not reading
      last_byte_ = loop_.now();
      arm_exchange_timer();
      return;
    }
    Duration d = r.between_bytes_timeout.value_or(o.between_bytes_timeout);
    if (loop_.now() < last_byte_ + d) {
      arm_exchange_timer();
      return;
    }
    fail_exchange(ErrorCode::make(
        ErrorKind::connection_read_timeout,
        fmt::format("no response body bytes for {} ms",
                    std::chrono::duration_cast<std::chrono::milliseconds>(d).count())));
    return;
  }
  Duration d = r.first_byte_timeout.value_or(o.first_byte_timeout);
  fail_exchange(ErrorCode::make(
      ErrorKind::connection_read_timeout,
      fmt::format("no response within {} ms (first-byte timeout)",
                  std::chrono::duration_cast<std::chrono::milliseconds>(d).count())));
}

void Http1ClientConnection::close_now(const ErrorCode& why) {
  if (closed_) return;
  closed_ = true;
  idle_timer_.cancel();
  loop_.unwatch(fd_);
  if (exchange_) {
    auto ex = std::move(exchange_);
    ex->connection = nullptr;
    ex->on_timer = nullptr;
    ex->deliver_error(why);
  }
  transport_.reset();
  pool_.release(this);
}

}  // namespace wasmrun::http
