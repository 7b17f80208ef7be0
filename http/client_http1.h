// An HTTP/1.1 client connection: one exchange at a time (no pipelining: a request is sent only
// on an idle connection), the request body streamed with Content-Length or chunked (with
// trailers), the response read with our parser and streamed into the exchange with backpressure.
#pragma once

#include <memory>

#include "http/byte_buffer.h"
#include "http/client.h"
#include "http/http1_parser.h"
#include "http/transport.h"

namespace wasmrun::http {

class Http1ClientConnection final : public ClientConnection, private Http1Parser::Callbacks {
 public:
  Http1ClientConnection(HostPool& pool, std::unique_ptr<Transport> transport);
  ~Http1ClientConnection() override;
  Expected<void> start();

  bool has_capacity() const override { return !exchange_ && !closed_ && !peer_closed_; }
  bool is_http2() const override { return false; }
  bool idle() const override { return !exchange_; }
  void submit(std::shared_ptr<ClientExchange> exchange) override;
  void cancel(ClientExchange& exchange) override;
  void close_now(const ErrorCode& why) override;
  void on_io(uint32_t events) override;

 private:
  void on_status_line(Version version, int status, std::string_view reason) override;
  void on_field(std::string_view name, std::string_view value) override;
  void on_head_complete() override;
  bool on_body(std::string_view data) override;
  void on_trailer(std::string_view name, std::string_view value) override;
  void on_message_complete() override;

  void encode_request_head();
  void pump_request();
  void flush();
  void read_some();
  void process_input();
  void fail_exchange(ErrorCode error);
  void finish_exchange();
  void arm_exchange_timer();
  void on_exchange_timer();

  EventLoop& loop_;
  std::unique_ptr<Transport> transport_;
  int fd_;
  Http1Parser parser_;
  ByteBuffer in_, out_;
  std::shared_ptr<ClientExchange> exchange_;
  ResponseHead head_;
  Fields trailers_;
  bool closed_ = false;
  bool peer_closed_ = false;
  bool in_read_ = false;
  bool request_chunked_ = false;
  bool request_sent_ = false;
  bool response_bytes_ = false;
  bool head_received_ = false;
  bool response_complete_ = false;
  bool head_encoded_ = false;
  bool reused_ = false;
  bool served_before_ = false;  // the current exchange is not this connection's first
  std::optional<uint64_t> request_length_;
  uint64_t request_written_ = 0;
  Clock::time_point last_byte_;
  Timer idle_timer_;
  DeferredCall pump_call_;
  DeferredCall idle_call_;  // tells the pool, after the batch, that this connection is free
};

}  // namespace wasmrun::http
