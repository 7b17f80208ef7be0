#include "http/server_http1.h"

#include <sys/epoll.h>

#include <fmt/format.h>

#include "http/http1_writer.h"
#include "http/server_http2.h"

namespace wasmrun::http {

namespace {
constexpr size_t kReadSize = 64 * 1024;
constexpr size_t kMaxBufferedInput = 1024 * 1024;  // pipelined bytes waiting for their turn
constexpr size_t kOutHighWater = 256 * 1024;
constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

ErrorCode terminated(std::string detail) {
  return ErrorCode::make(ErrorKind::connection_terminated, std::move(detail));
}
}  // namespace

Http1ServerConnection::Http1ServerConnection(ServerLoop& server, std::unique_ptr<Transport> transport)
    : ServerConnection(server),
      loop_(server.loop()),
      config_(server.config()),
      transport_(std::move(transport)),
      fd_(transport_->fd()),
      parser_(Http1Parser::Mode::request, *this, server.config().limits),
      timer_(server.loop(), [this] { on_timer(); }),
      pump_call_(server.loop(), [this] { pump(); }) {
  accepted_at_ = idle_since_ = loop_.now();
}

Http1ServerConnection::~Http1ServerConnection() = default;

Expected<void> Http1ServerConnection::start() {
  auto watched = loop_.watch(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP, this);
  if (!watched) return watched;
  registered_ = true;
  handshake_done_ = !transport_->secure();
  update_timer();
  return {};
}

void Http1ServerConnection::on_io(uint32_t events) {
  if (closed_) return;
  bool just_handshaked = false;
  if (!handshake_done_) {
    IoResult r = transport_->handshake();
    if (r.status == IoStatus::would_block) return;
    if (r.status != IoStatus::ok) {
      close_now();
      return;
    }
    handshake_done_ = true;
    just_handshaked = true;  // application data may already sit in OpenSSL's buffer
    if (transport_->alpn() == "h2" && maybe_switch_to_h2()) return;
  }
  if (events & EPOLLOUT) {
    flush();
    if (closed_) return;
    if (exchange_ && exchange_->responded() && !response_done_) pump();
    if (closed_) return;
  }
  // Edge-triggered: EPOLLIN is in the mask exactly when there is something to read. A write-space
  // event alone (the peer ACKed our response) must not cost a recv() that says EAGAIN.
  // The peer's FIN may come with its last bytes, in the same edge: reading then goes on to the
  // end of the stream instead of stopping at a short read.
  if (events & (EPOLLRDHUP | EPOLLHUP)) peer_shut_seen_ = true;
  if (just_handshaked || (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) read_some();
  // Reset (or shut both ways) while reading waits for the handler to take the body: nothing
  // more can be read or sent, so the exchange ends now rather than at its timeout.
  if (!closed_ && (events & (EPOLLHUP | EPOLLERR))) close_now();
  if (!closed_) update_timer();
}

bool Http1ServerConnection::can_read() const {
  if (closed_ || peer_closed_ || !handshake_done_) return false;
  if (closing_) return true;  // draining the peer's bytes before closing
  if (in_.size() >= kMaxBufferedInput) return false;
  if (exchange_ && !parser_.message_complete()) {
    const BodyPipe& pipe = const_cast<ServerExchange&>(*exchange_).request_pipe();
    if (pipe.writable() == 0 && !pipe.abandoned()) return false;  // backpressure
  }
  return true;
}

void Http1ServerConnection::read_some() {
  if (in_read_) return;
  in_read_ = true;
  while (true) {
    read_stalled_ = !can_read();
    if (read_stalled_) break;
    char* tail = in_.prepare(kReadSize);
    IoResult r = transport_->read(tail, kReadSize);
    if (r.status == IoStatus::ok) {
      if (closing_) continue;  // discard: we answer nothing more on this connection
      in_.commit(r.bytes);
      if (!exchange_ && !head_in_progress_) {
        head_in_progress_ = true;
        head_started_ = loop_.now();
      }
      // A response the handler gave at once goes out after the batch of events (pump_call_),
      // with the other connections' responses of the batch: the peers are woken once per
      // batch rather than once per response.
      process_input();
      if (closed_) break;
      if (r.bytes < kReadSize && transport_ && transport_->short_read_drains() && !peer_shut_seen_) break;
      continue;
    }
    if (r.status == IoStatus::would_block) break;
    if (r.status == IoStatus::eof) {
      peer_closed_ = true;
      on_peer_eof();
      break;
    }
    close_now();
    break;
  }
  in_read_ = false;
}

bool Http1ServerConnection::maybe_switch_to_h2() {
  // Cleartext: prior knowledge, the connection starts with the HTTP/2 preface. TLS: ALPN.
  auto h2 = std::make_unique<Http2ServerConnection>(server_, std::move(transport_));
  Http2ServerConnection* raw = h2.get();
  std::string initial(in_.view());
  in_.clear();
  closed_ = true;
  timer_.cancel();
  if (!loop_.rewatch(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP, raw)) {
    server_.replace(this, std::move(h2));
    raw->close_now();
    return true;
  }
  server_.replace(this, std::move(h2));
  raw->start(initial);
  return true;
}

void Http1ServerConnection::process_input() {
  while (!closed_) {
    if (exchange_) {
      if (parser_.message_complete()) {
        if (!response_done_) break;  // the next pipelined request waits for this response
        finish_exchange();
        continue;
      }
      BodyPipe& pipe = exchange_->request_pipe();
      if (pipe.writable() == 0 && !pipe.abandoned()) break;
    } else {
      if (closing_) break;
      if (requests_ == 0 && !transport_->secure() && config_.h2c && !parser_.in_message() &&
          !in_.empty()) {
        size_t n = std::min(in_.size(), kH2Preface.size());
        if (in_.view().substr(0, n) == kH2Preface.substr(0, n)) {
          if (n == kH2Preface.size()) maybe_switch_to_h2();
          break;  // a prefix of the preface: wait for the rest
        }
      }
    }
    if (in_.empty()) break;
    size_t used = parser_.feed(in_.data(), in_.size());
    in_.consume(used);
    if (parser_.failed()) {
      on_parse_error();
      break;
    }
    if (used == 0 && !parser_.message_complete()) break;
  }
}

void Http1ServerConnection::on_request_line(std::string_view method, std::string_view target, Version) {
  head_.method.assign(method);
  head_.path.assign(target);
}

void Http1ServerConnection::on_field(std::string_view name, std::string_view value) {
  head_.headers.add(name, value);
}

void Http1ServerConnection::on_head_complete() {
  RequestHead head = std::move(head_);
  head_ = RequestHead{};
  head_in_progress_ = false;
  head.version = parser_.version();
  head.scheme = transport_->secure() ? "https" : "http";
  // RFC 9112 §3.2.2: an absolute-form target carries the authority (and overrides Host).
  std::string_view target = head.path;
  size_t scheme_end = target.find("://");
  if (scheme_end != std::string_view::npos && target[0] != '/') {
    std::string_view rest = target.substr(scheme_end + 3);
    size_t slash = rest.find_first_of("/?");
    head.authority.assign(rest.substr(0, slash));
    head.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (head.path[0] == '?') head.path.insert(0, "/");
  } else {
    head.authority = parser_.host();
  }
  ++requests_;
  keep_alive_ = parser_.keep_alive() && !draining_ && !closing_;
  head_request_ = head.method == "HEAD";
  reset_response_state();
  expect_continue_ = parser_.expects_continue() && parser_.version() == Version::http11 &&
                     parser_.framing() != BodyFraming::none;
  exchange_ = ServerExchange::make(loop_, this, std::move(head), config_.body_high_water);
  body_window_.restart(loop_.now());
  exchange_->request_pipe().set_on_writable([this] {
    if (closed_) return;
    if (body_paused_) {
      body_paused_ = false;  // the peer could not send while the pipe was full
      body_window_.restart(loop_.now());
    }
    process_input();
    read_some();
    if (!closed_) update_timer();
  });
  auto exchange = exchange_;
  server_.handler()(std::move(exchange));
}

bool Http1ServerConnection::on_body(std::string_view data) {
  BodyPipe& pipe = exchange_->request_pipe();
  pipe.write(data);
  body_window_.add(data.size(), loop_.now(), config_.body_min_bytes);
  if (pipe.writable() > 0 || pipe.abandoned()) return true;
  body_paused_ = true;
  return false;
}

void Http1ServerConnection::on_trailer(std::string_view name, std::string_view value) {
  trailers_.add(name, value);
}

void Http1ServerConnection::on_message_complete() {
  if (exchange_) exchange_->request_pipe().finish(std::move(trailers_));
  trailers_ = Fields{};
}

void Http1ServerConnection::on_response_started(ServerExchange& exchange) {
  if (&exchange != exchange_.get()) return;
  // The response pipe reports new bytes to pump(); pump() runs after the current batch.
  exchange.response_body().set_on_readable([this] { pump_call_.schedule(); });
  pump_call_.schedule();
}

void Http1ServerConnection::on_body_wanted(ServerExchange& exchange) {
  if (&exchange != exchange_.get()) return;
  // RFC 9110 §10.1.1: the client waits for 100 (Continue) before sending the body.
  if (expect_continue_ && !continue_sent_ && !head_sent_ && !parser_.message_complete()) {
    continue_sent_ = true;
    body_window_.restart(loop_.now());  // the client starts sending now
    out_.append("HTTP/1.1 100 Continue\r\n\r\n");
    pump_call_.schedule();
  }
}

void Http1ServerConnection::reset_response_state() {
  expect_continue_ = continue_sent_ = head_sent_ = response_done_ = no_body_ = chunked_ = false;
  abort_after_flush_ = false;
  response_length_.reset();
  response_sent_ = 0;
}

void Http1ServerConnection::encode_head() {
  const ResponseHead& r = exchange_->response();
  BodyPipe& body = exchange_->response_body();
  int status = r.status < 200 || r.status > 999 ? 500 : r.status;
  no_body_ = head_request_ || status == 204 || status == 304;
  bool has_date = false;
  for (const Field& f : r.headers) {
    if (iequals(f.name, "content-length")) {
      if (auto n = parse_decimal(f.value)) response_length_ = *n;
    } else if (iequals(f.name, "date")) {
      has_date = true;
    }
  }
  if (!response_length_ && !no_body_ && body.finished() && !body.failed() && body.trailers().empty())
    response_length_ = body.buffered();  // the whole body is already here (trailers need chunked)
  if (!response_length_ && !no_body_) {
    if (exchange_->request().version == Version::http11) chunked_ = true;
    else keep_alive_ = false;  // HTTP/1.0: the body ends when the connection closes
  }
  if (draining_) keep_alive_ = false;

  out_.append("HTTP/1.1 ");
  append_decimal(out_, static_cast<uint64_t>(status));
  out_.append(' ');
  out_.append(reason_phrase(status));
  out_.append("\r\n");
  for (const Field& f : r.headers) {
    // Framing and connection fields are ours to write; invalid fields are dropped rather than
    // risk a response that splits or smuggles (the wasi:http layer validates earlier).
    if (is_connection_specific_field(f.name) || iequals(f.name, "content-length")) continue;
    if (!is_token(f.name) || !is_field_value(f.value)) continue;
    append_field_line(out_, f.name, f.value);
  }
  if (!has_date) {
    out_.append("Date: ");
    out_.append(loop_.http_date());
    out_.append("\r\n");
  }
  if (response_length_ && status != 204) {
    out_.append("Content-Length: ");
    append_decimal(out_, *response_length_);
    out_.append("\r\n");
  }
  if (chunked_) out_.append("Transfer-Encoding: chunked\r\n");
  if (!keep_alive_) out_.append("Connection: close\r\n");
  else if (exchange_->request().version == Version::http10) out_.append("Connection: keep-alive\r\n");
  out_.append("\r\n");
  head_sent_ = true;
}

void Http1ServerConnection::pump() {
  if (closed_) return;
  while (exchange_ && exchange_->responded() && !response_done_) {
    BodyPipe& body = exchange_->response_body();
    // A new response waits while the peer has not taken the earlier ones (its last write found
    // the socket full; EPOLLOUT resumes us): pipelined requests with bodiless answers (HEAD,
    // 204) would otherwise pile heads up in out_ for a peer that sends and never reads.
    if (!head_sent_ && out_.size() >= kOutHighWater) break;
    if (!head_sent_) encode_head();
    if (no_body_) {
      body.consume(body.buffered());
    } else {
      while (out_.size() < kOutHighWater) {
        std::string_view piece = body.peek();
        if (piece.empty()) break;
        size_t take = piece.size();
        if (response_length_) {
          uint64_t left = *response_length_ - response_sent_;
          if (take > left) {
            // The handler wrote more than its Content-Length: send what was declared, then close.
            take = static_cast<size_t>(left);
            abort_after_flush_ = true;
          }
        }
        if (chunked_) {
          append_chunk(out_, piece.substr(0, take));
        } else {
          out_.append(piece.substr(0, take));
        }
        response_sent_ += take;
        body.consume(abort_after_flush_ ? piece.size() : take);
        if (abort_after_flush_) break;
      }
    }
    if (abort_after_flush_ || body.failed()) {
      // The response cannot be completed correctly; closing tells the client it is incomplete.
      abort_after_flush_ = true;
      response_done_ = true;
      keep_alive_ = false;
    } else if (body.at_end()) {
      if (chunked_) {
        append_last_chunk(out_, body.trailers());
      } else if (response_length_ && !no_body_ && response_sent_ < *response_length_) {
        abort_after_flush_ = true;  // shorter than declared
        keep_alive_ = false;
      }
      response_done_ = true;
    }
    flush();
    if (closed_) return;
    if (!out_.empty()) break;  // the socket is full; EPOLLOUT resumes us
    if (!response_done_ && body.peek().empty()) break;  // waiting for the handler
  }
  if (!exchange_ || !exchange_->responded()) flush();  // e.g. a 100 Continue
  if (closed_) return;
  if (exchange_ && response_done_) {
    if (abort_after_flush_) {
      if (out_.empty()) close_now();
      return;
    }
    if (parser_.message_complete()) {
      finish_exchange();
      if (closed_) return;
      process_input();
      // Reading goes on by itself at the next edge unless it stopped for the exchange.
      if (read_stalled_) read_some();
    } else if (expect_continue_ && !continue_sent_) {
      // The client waits for 100 before sending the body it announced; it will not come, so
      // this connection ends here (RFC 9110 §10.1.1).
      keep_alive_ = false;
      exchange_->request_pipe().abandon();
      finish_exchange();
    } else {
      // Responded before the request body ended: read and discard the rest to find the next
      // request (body_timeout still applies), as the parser keeps the framing.
      exchange_->request_pipe().abandon();
      process_input();
      read_some();
    }
  }
  if (!closed_) update_timer();
}

void Http1ServerConnection::flush() {
  IoStatus status = write_buffer(*transport_, out_);
  stall_.note(status, loop_.now());
  if (status == IoStatus::error) close_now();
  if (status != IoStatus::ok) return;
  if (closing_ && !fin_sent_ && !exchange_) {
    fin_sent_ = true;
    closing_since_ = loop_.now();
    transport_->shutdown_write();
    if (peer_closed_) close_now();
  }
}

void Http1ServerConnection::finish_exchange() {
  exchange_->detach();
  exchange_.reset();
  parser_.start_next_message();
  reset_response_state();
  idle_since_ = loop_.now();
  in_.shrink_if_empty();
  if (!keep_alive_ || draining_) {
    start_closing();
    return;
  }
  if (peer_closed_ && in_.empty()) close_now();
}

void Http1ServerConnection::start_closing() {
  closing_ = true;
  if (exchange_ && !exchange_->responded()) return;
  flush();
}

void Http1ServerConnection::on_peer_eof() {
  if (closing_ || fin_sent_) {
    if (out_.empty()) close_now();
    return;
  }
  if (exchange_) {
    // The request body was cut short, or the client went away waiting for its response (unless
    // half-closes are allowed): the handler is cancelled; nothing more to send.
    if (!parser_.message_complete() || (!response_done_ && !config_.half_close)) {
      close_now();
      return;
    }
    // A complete request with the peer's write side closed: answer it, then close.
    keep_alive_ = false;
    return;
  }
  close_now();
}

void Http1ServerConnection::on_parse_error() {
  const ParseError& e = parser_.error();
  if (exchange_) {
    // The head was fine and dispatched; its body is malformed.
    exchange_->request_pipe().fail(ErrorCode::make(
        ErrorKind::http_protocol_error, fmt::format("malformed request body: {}", e.message)));
    if (head_sent_) {  // too late for an error response: closing tells the client
      close_now();
      return;
    }
    auto ex = std::move(exchange_);
    ex->cancel(terminated("request rejected: " + e.message));
    out_.clear();  // a 100 Continue may be waiting
  }
  send_error(e.status(), fmt::format("{} (at byte {})", e.message, e.offset));
}

void Http1ServerConnection::send_error(int status, std::string_view message) {
  std::string body = fmt::format("{} {}: {}\n", status, reason_phrase(status), message);
  out_.append("HTTP/1.1 ");
  append_decimal(out_, static_cast<uint64_t>(status));
  out_.append(' ');
  out_.append(reason_phrase(status));
  out_.append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ");
  append_decimal(out_, body.size());
  out_.append("\r\nDate: ");
  out_.append(loop_.http_date());
  out_.append("\r\nConnection: close\r\n\r\n");
  out_.append(body);
  keep_alive_ = false;
  head_in_progress_ = false;
  start_closing();
}

void Http1ServerConnection::drain() {
  if (closed_) return;
  draining_ = true;
  if (!exchange_ && !parser_.in_message()) {
    start_closing();
    if (!closed_) update_timer();
  }
}

void Http1ServerConnection::close_now() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  if (registered_) loop_.unwatch(fd_);
  if (exchange_) {
    auto ex = std::move(exchange_);
    ex->cancel(terminated("the client connection closed"));
  }
  transport_.reset();
  server_.release(this);
}

Clock::time_point Http1ServerConnection::deadline() const {
  if (fin_sent_) return closing_since_ + config_.linger_timeout;
  if (stall_.blocked) return stall_.since + config_.write_timeout;
  if (!handshake_done_) return accepted_at_ + config_.header_timeout;
  if (!exchange_) {
    if (head_in_progress_) return head_started_ + config_.header_timeout;
    return idle_since_ + (requests_ == 0 ? config_.header_timeout : config_.idle_timeout);
  }
  if (!parser_.message_complete()) {
    const BodyPipe& pipe = const_cast<ServerExchange&>(*exchange_).request_pipe();
    if (pipe.writable() == 0 && !pipe.abandoned()) return Clock::time_point::max();
    if (expect_continue_ && !continue_sent_) return Clock::time_point::max();
    return body_window_.deadline(config_.body_timeout);
  }
  return Clock::time_point::max();  // the handler is working; its deadline is not ours
}

void Http1ServerConnection::update_timer() {
  timer_.arm_no_later_than(deadline());
}

void Http1ServerConnection::on_timer() {
  if (closed_) return;
  Clock::time_point d = deadline();
  if (loop_.now() < d) {
    timer_.arm_no_later_than(d);
    return;
  }
  if (fin_sent_ || stall_.blocked || !handshake_done_) {
    close_now();
    return;
  }
  if (!exchange_) {
    if (head_in_progress_) {
      send_error(408, "the request head was not received in time");  // RFC 9110 §15.5.9
      if (!closed_) update_timer();
    } else {
      close_now();  // idle keep-alive connection
    }
    return;
  }
  // The request body stalled (slowloris).
  exchange_->request_pipe().fail(ErrorCode::make(ErrorKind::connection_read_timeout,
                                                 "the request body stalled"));
  if (head_sent_ || exchange_->responded()) {
    close_now();
    return;
  }
  auto ex = std::move(exchange_);
  ex->cancel(terminated("request body timeout"));
  send_error(408, "the request body was not received in time");
  if (!closed_) update_timer();
}

}  // namespace wasmrun::http
