// The host objects behind wasi:http/types handles, as the resource table holds them.
//
// Bodies: an incoming body reads an engine BodyPipe (the server's request body, or a client's
// response body). An outgoing body writes into a pipe of its own until it is attached to where
// it goes (response-outparam.set, outgoing-handler.handle); attaching moves what was buffered
// and switches the body's writes to the engine's pipe, so a body written before the head is
// sent is neither lost nor copied twice.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/body.h"
#include "http/client.h"
#include "http/message.h"
#include "http/server_exchange.h"
#include "wasi/http/fields.h"
#include "wasi/p2/pollable.h"
#include "wit/wasi_http.h"
#include "wit/wasi_http_traits.h"

namespace wasmrun::wasi::http {

namespace engine = ::wasmrun::http;
namespace wit = ::bindings::wasi::http::types;

// Readiness of a body pipe for the guest's pollables: a pipe's callback notifies it.
struct PipeSignal {
  p2::Notifier notifier;
};

// The reading side of a body: the pipe and what keeps it alive.
struct IncomingBodyState {
  engine::BodyPipe* pipe = nullptr;
  std::shared_ptr<void> owner;  // the ServerExchange or ClientExchange holding `pipe`
  std::shared_ptr<PipeSignal> readable = std::make_shared<PipeSignal>();
  bool stream_taken = false;
  // Ready to be read (bytes, end or failure).
  bool ready() const { return pipe->buffered() > 0 || pipe->finished() || pipe->failed(); }
};

// The writing side of an outgoing body.
struct OutgoingBodyState {
  explicit OutgoingBodyState(engine::EventLoop& loop) : own(std::in_place, loop), pipe(&*own) {}
  std::optional<engine::BodyPipe> own;  // until attached
  engine::BodyPipe* pipe;
  std::shared_ptr<void> owner;  // once attached: keeps the engine's pipe alive
  std::shared_ptr<PipeSignal> writable = std::make_shared<PipeSignal>();
  std::optional<uint64_t> content_length;  // declared by the message's content-length
  uint64_t written = 0;
  bool response = true;  // a response's body (else a request's): which error code a size mismatch is
  bool stream_taken = false;
  bool finished = false;

  // Moves the buffered bytes (and the end, if the guest finished) into `target` and writes there from now on.
  void attach(engine::BodyPipe& target, std::shared_ptr<void> target_owner);
  // The error of a body whose size differs from its content-length, if it does.
  std::optional<engine::ErrorCode> size_mismatch(bool at_finish) const;
};

struct IncomingRequestObject {
  std::shared_ptr<engine::ServerExchange> exchange;
  std::shared_ptr<FieldsData> headers;  // made from the exchange's at the first headers() call
  bool consumed = false;
};

struct IncomingBodyObject {
  std::shared_ptr<IncomingBodyState> body;
};

struct FutureTrailersObject {
  std::shared_ptr<IncomingBodyState> body;
  bool taken = false;  // get() returned the trailers (or the error) once
};

struct OutgoingResponseObject {
  uint16_t status = 200;
  std::shared_ptr<FieldsData> headers;
  std::shared_ptr<OutgoingBodyState> body;  // set by body()
};

struct OutgoingBodyObject {
  std::shared_ptr<OutgoingBodyState> body;
};

struct ResponseOutparamObject {
  std::shared_ptr<engine::ServerExchange> exchange;
};

struct OutgoingRequestObject {
  wit::Method method = wit::Method::get();
  std::optional<wit::Scheme> scheme;
  std::optional<std::string> authority;
  std::optional<std::string> path_with_query;
  std::shared_ptr<FieldsData> headers;
  std::shared_ptr<OutgoingBodyState> body;
};

struct RequestOptionsObject {
  std::optional<uint64_t> connect_timeout_ns, first_byte_timeout_ns, between_bytes_timeout_ns;
  bool immutable = false;  // once passed to outgoing-handler.handle
};

// An outgoing request in flight.
struct FutureResponseState {
  std::shared_ptr<engine::ClientExchange> exchange;  // null when it failed before sending
  std::optional<engine::ErrorCode> early_error;
  std::shared_ptr<PipeSignal> signal = std::make_shared<PipeSignal>();
  bool ready() const { return !exchange || exchange->failed() || exchange->response() != nullptr; }
};

struct FutureIncomingResponseObject {
  std::shared_ptr<FutureResponseState> state;
  bool taken = false;
};

struct IncomingResponseObject {
  std::shared_ptr<engine::ClientExchange> exchange;
  uint16_t status = 0;
  std::shared_ptr<FieldsData> headers;
  bool consumed = false;
};

// Ready when a body or a response is: a pollable on a PipeSignal and a predicate.
class SignalPollable final : public p2::Pollable {
 public:
  SignalPollable(std::shared_ptr<PipeSignal> signal, std::function<bool()> ready)
      : signal_(std::move(signal)), ready_(std::move(ready)) {}
  bool ready() override { return ready_(); }
  p2::WaitSource source() const override {
    p2::WaitSource s;
    s.kind = p2::WaitSource::Kind::Notified;
    s.notifier = &signal_->notifier;
    return s;
  }

 private:
  std::shared_ptr<PipeSignal> signal_;
  std::function<bool()> ready_;
};

}  // namespace wasmrun::wasi::http
