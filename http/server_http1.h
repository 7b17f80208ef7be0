// An HTTP/1.1 server connection (RFC 9112): one exchange at a time, pipelined requests parsed
// in order after the previous response completes, keep-alive, 100-continue, HTTP/1.0 clients,
// chunked responses with trailers, timeouts, and a 4xx response plus close on bad input. Every
// connection starts here; it hands itself over to HTTP/2 when the peer opens with the HTTP/2
// preface (h2c prior knowledge, RFC 9113 §3.3) or TLS ALPN selected h2.
#pragma once

#include <memory>
#include <optional>

#include "http/byte_buffer.h"
#include "http/http1_parser.h"
#include "http/server.h"
#include "http/transport.h"

namespace wasmrun::http {

class Http1ServerConnection final : public ServerConnection,
                                    private Http1Parser::Callbacks,
                                    public ExchangeHost {
 public:
  Http1ServerConnection(ServerLoop& server, std::unique_ptr<Transport> transport);
  ~Http1ServerConnection() override;

  // Registers with the loop and starts (the TLS handshake, then reading).
  Expected<void> start();
  void on_io(uint32_t events) override;
  void drain() override;
  void close_now() override;

 private:
  // Parser callbacks.
  void on_request_line(std::string_view method, std::string_view target, Version version) override;
  void on_field(std::string_view name, std::string_view value) override;
  void on_head_complete() override;
  bool on_body(std::string_view data) override;
  void on_trailer(std::string_view name, std::string_view value) override;
  void on_message_complete() override;
  // ExchangeHost.
  void on_response_started(ServerExchange& exchange) override;
  void on_body_wanted(ServerExchange& exchange) override;

  bool can_read() const;
  void read_some();
  void process_input();
  bool maybe_switch_to_h2();
  void on_parse_error();
  void send_error(int status, std::string_view message);
  void encode_head();
  void pump();
  void flush();
  void finish_exchange();
  void start_closing();
  void on_peer_eof();
  Clock::time_point deadline() const;
  void update_timer();
  void on_timer();
  void reset_response_state();

  EventLoop& loop_;
  const ServerConfig& config_;
  std::unique_ptr<Transport> transport_;
  int fd_;
  Http1Parser parser_;
  ByteBuffer in_;
  ByteBuffer out_;

  RequestHead head_;  // the head being parsed
  Fields trailers_;
  std::shared_ptr<ServerExchange> exchange_;
  uint64_t requests_ = 0;

  // Connection state.
  bool registered_ = false;
  bool handshake_done_ = false;
  bool closed_ = false;
  bool peer_closed_ = false;
  bool peer_shut_seen_ = false;  // epoll reported EPOLLRDHUP: the end of the stream is there to read
  bool closing_ = false;      // no more requests: finish, send FIN, linger
  bool fin_sent_ = false;
  bool draining_ = false;
  bool keep_alive_ = true;
  bool in_read_ = false;
  bool read_stalled_ = false;  // read_some() stopped before the socket ran dry (can_read())
  bool head_in_progress_ = false;
  bool body_paused_ = false;  // the request pipe was full: the parser stopped feeding it
  BodyRateWindow body_window_;
  WriteStall stall_;

  // Response state of the current exchange.
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool head_request_ = false;
  bool head_sent_ = false;
  bool response_done_ = false;
  bool no_body_ = false;
  bool chunked_ = false;
  bool abort_after_flush_ = false;
  std::optional<uint64_t> response_length_;
  uint64_t response_sent_ = 0;

  Clock::time_point accepted_at_, head_started_, idle_since_, closing_since_;
  Timer timer_;
  DeferredCall pump_call_;
};

}  // namespace wasmrun::http
