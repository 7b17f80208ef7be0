// An HTTP/2 server connection (RFC 9113) on nghttp2: nghttp2 owns framing, HPACK, stream states
// and header validation; this class feeds it bytes, writes what it produces, and maps streams
// onto ServerExchanges. Flow control follows the handler: a request body's window is re-opened
// (WINDOW_UPDATE) only as the handler consumes bytes; a response body is taken from its sink
// only as fast as the peer's window allows. Trailers go both ways; a failed response body resets
// its stream (RST_STREAM INTERNAL_ERROR); drain() sends GOAWAY and closes once streams finish.
// A request head or trailer section over the HTTP/1.1 field limits (ServerConfig::limits: size
// as RFC 9113 §6.5.2 counts it, field count) gets 431 (head) or RST_STREAM (trailers).
// Timeouts, as for HTTP/1.1 but per stream: a header block not finished within header_timeout
// ends the connection (GOAWAY PROTOCOL_ERROR: HPACK state is lost); a request body under the
// minimum data rate (body_min_bytes per body_timeout) while the handler waits for it gets 408, or RST_STREAM(CANCEL) once the response
// began; an idle connection gets GOAWAY; a peer that reads nothing is dropped (write_timeout).
#pragma once

#include <memory>
#include <string_view>
#include <unordered_map>

#include "http/byte_buffer.h"
#include "http/server.h"
#include "http/transport.h"

struct nghttp2_session;

namespace wasmrun::http {

class Http2ServerConnection final : public ServerConnection, public ExchangeHost {
 public:
  // Takes over a registered connection's transport (the fd stays registered with the loop).
  Http2ServerConnection(ServerLoop& server, std::unique_ptr<Transport> transport);
  ~Http2ServerConnection() override;

  // Starts the session with the bytes already read from the connection.
  void start(std::string_view initial);
  void on_io(uint32_t events) override;
  void drain() override;
  void close_now() override;

  struct Stream;

 private:
  friend struct Http2Callbacks;
  void on_response_started(ServerExchange& exchange) override;
  void on_body_wanted(ServerExchange&) override {}

  void receive(const char* data, size_t size);
  void read_some();
  void send();
  void flush();
  void note_write_status(IoStatus status);  // write-timeout bookkeeping; closes on error
  void dispatch(Stream& stream);
  void submit_response(Stream& stream);
  void reject_too_large(Stream& stream);
  int reject_trailers(Stream& stream);
  void on_stream_close(int32_t id, uint32_t error_code);
  void goaway_and_close(uint32_t error_code);  // GOAWAY now, then close without waiting
  Clock::time_point deadline() const;
  Clock::time_point stream_deadline(const Stream& stream) const;
  void update_timer();
  void on_timer();

  EventLoop& loop_;
  const ServerConfig& config_;
  std::unique_ptr<Transport> transport_;
  int fd_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<int32_t, std::unique_ptr<Stream>> streams_;
  ByteBuffer out_;
  bool closed_ = false;
  bool peer_shut_seen_ = false;  // epoll reported EPOLLRDHUP: the end of the stream is there to read
  bool draining_ = false;
  bool in_send_ = false;
  WriteStall stall_;
  Clock::time_point last_activity_;
  Timer timer_;
  DeferredCall send_call_;
};

}  // namespace wasmrun::http
