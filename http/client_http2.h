// An HTTP/2 client connection on nghttp2: concurrent exchanges as streams, request bodies sent
// as the peer's window allows, response bodies' windows re-opened as the caller consumes them,
// trailers both ways, RST_STREAM on cancel, GOAWAY honoured (no new streams).
#pragma once

#include <memory>
#include <unordered_map>

#include "http/byte_buffer.h"
#include "http/client.h"
#include "http/transport.h"

struct nghttp2_session;

namespace wasmrun::http {

class Http2ClientConnection final : public ClientConnection {
 public:
  Http2ClientConnection(HostPool& pool, std::unique_ptr<Transport> transport);
  ~Http2ClientConnection() override;
  Expected<void> start();

  bool has_capacity() const override;
  bool is_http2() const override { return true; }
  bool idle() const override { return streams_.empty() && queued_.empty(); }
  void submit(std::shared_ptr<ClientExchange> exchange) override;
  void cancel(ClientExchange& exchange) override;
  void close_now(const ErrorCode& why) override;
  void on_io(uint32_t events) override;

  struct Stream;

 private:
  friend struct Http2ClientCallbacks;
  void open_stream(std::shared_ptr<ClientExchange> exchange);
  void read_some();
  void send();
  void flush();
  void on_stream_close(int32_t id, uint32_t error_code);
  void arm_stream_timer(Stream& stream);
  int reject_header_list(Stream& stream);

  EventLoop& loop_;
  std::unique_ptr<Transport> transport_;
  int fd_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<int32_t, std::unique_ptr<Stream>> streams_;
  std::vector<std::shared_ptr<ClientExchange>> queued_;  // submitted, opened by the next send()
  ByteBuffer out_;
  bool closed_ = false;
  bool goaway_ = false;
  bool in_send_ = false;
  uint64_t seen_streams_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  Timer idle_timer_;
  DeferredCall send_call_;
};

}  // namespace wasmrun::http
