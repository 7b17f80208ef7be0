#include "wasi/http/body_streams.h"

#include <algorithm>

namespace wasmrun::wasi::http {

namespace {

class BodyInputStream final : public p2::InputStream {
 public:
  explicit BodyInputStream(std::shared_ptr<IncomingBodyState> body) : body_(std::move(body)) {}

  p2::StreamOutcome<std::vector<uint8_t>> read(uint64_t len) override {
    engine::BodyPipe& pipe = *body_->pipe;
    std::vector<uint8_t> out;
    while (len > out.size()) {
      std::string_view piece = pipe.peek();
      if (piece.empty()) break;
      size_t n = std::min<uint64_t>(piece.size(), len - out.size());
      out.insert(out.end(), piece.begin(), piece.begin() + n);
      pipe.consume(n);
    }
    if (!out.empty() || len == 0) return p2::StreamOutcome<std::vector<uint8_t>>::ok(std::move(out));
    if (pipe.failed()) return p2::StreamOutcome<std::vector<uint8_t>>::err(p2::StreamFailure::failed(body_error(pipe.error())));
    if (pipe.at_end()) return p2::StreamOutcome<std::vector<uint8_t>>::err(p2::StreamFailure::closed());
    return p2::StreamOutcome<std::vector<uint8_t>>::ok({});
  }

  std::unique_ptr<p2::Pollable> subscribe() override {
    auto body = body_;
    return std::make_unique<SignalPollable>(body->readable, [body] { return body->ready(); });
  }

 private:
  std::shared_ptr<IncomingBodyState> body_;
};

class BodyOutputStream final : public p2::OutputStream {
 public:
  explicit BodyOutputStream(std::shared_ptr<OutgoingBodyState> body) : body_(std::move(body)) {}

  p2::StreamOutcome<uint64_t> check_write() override {
    if (auto failure = closed()) return p2::StreamOutcome<uint64_t>::err(std::move(*failure));
    return p2::StreamOutcome<uint64_t>::ok(body_->pipe->writable());
  }

  p2::StreamOutcome<std::monostate> write(std::span<const uint8_t> bytes) override {
    if (auto failure = closed()) return p2::StreamOutcome<std::monostate>::err(std::move(*failure));
    body_->written += bytes.size();
    if (auto mismatch = body_->size_mismatch(false)) {
      // Past the declared content-length: the message is broken; so is the stream (as Wasmtime).
      body_->pipe->fail(*mismatch);
      return p2::StreamOutcome<std::monostate>::err(p2::StreamFailure::failed(body_error(*mismatch)));
    }
    body_->pipe->write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    return p2::StreamOutcome<std::monostate>::ok({});
  }

  // Bytes in the pipe are on their way: nothing to wait for.
  p2::StreamOutcome<std::monostate> flush() override {
    if (auto failure = closed()) return p2::StreamOutcome<std::monostate>::err(std::move(*failure));
    return p2::StreamOutcome<std::monostate>::ok({});
  }

  std::unique_ptr<p2::Pollable> subscribe() override {
    auto body = body_;
    return std::make_unique<SignalPollable>(body->writable, [body] {
      return body->finished || body->pipe->writable() > 0 || body->pipe->abandoned() || body->pipe->failed();
    });
  }

 private:
  std::optional<p2::StreamFailure> closed() const {
    engine::BodyPipe& pipe = *body_->pipe;
    if (pipe.failed()) return p2::StreamFailure::failed(body_error(pipe.error()));
    if (body_->finished || pipe.abandoned()) return p2::StreamFailure::closed();
    return std::nullopt;
  }
  std::shared_ptr<OutgoingBodyState> body_;
};

}  // namespace

std::unique_ptr<p2::InputStream> body_input_stream(std::shared_ptr<IncomingBodyState> body) {
  return std::make_unique<BodyInputStream>(std::move(body));
}

std::unique_ptr<p2::OutputStream> body_output_stream(std::shared_ptr<OutgoingBodyState> body) {
  return std::make_unique<BodyOutputStream>(std::move(body));
}

p2::ErrorObject body_error(const engine::ErrorCode& error) { return p2::ErrorObject{engine::to_string(error), 0}; }

std::optional<engine::ErrorCode> error_code_of(const p2::ErrorObject& error) {
  for (uint32_t k = 0; k <= uint32_t(engine::ErrorKind::internal_error); ++k) {
    std::string_view name = engine::wit_name(engine::ErrorKind(k));
    std::string_view m = error.message;
    if (m.starts_with(name) && (m.size() == name.size() || m[name.size()] == ':')) {
      return engine::ErrorCode::make(engine::ErrorKind(k), std::string(m));
    }
  }
  return std::nullopt;
}

}  // namespace wasmrun::wasi::http
