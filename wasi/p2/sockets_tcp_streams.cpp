#include "wasi/p2/sockets_tcp_streams.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace wasmrun::wasi::p2::sockets {

namespace {

ErrorObject error_of(int e) { return ErrorObject{std::strerror(e), e}; }

bool fd_ready(int fd, short events) { return FdPollable(fd, events).ready(); }

constexpr int kDropWaitMs = 10'000;

class TcpInputStream final : public InputStream {
 public:
  explicit TcpInputStream(std::shared_ptr<TcpReader> reader) : reader_(std::move(reader)) {}
  // Dropping the stream shuts the receiving side down (as Wasmtime does).
  ~TcpInputStream() override { reader_->shutdown(); }

  StreamOutcome<std::vector<uint8_t>> read(uint64_t len) override {
    using R = StreamOutcome<std::vector<uint8_t>>;
    if (reader_->closed) return R::err(StreamFailure::closed());
    if (len == 0) return R::ok({});
    std::vector<uint8_t> bytes(std::min(len, kTcpChunk));
    ssize_t n = ::recv(reader_->fd->get(), bytes.data(), bytes.size(), MSG_DONTWAIT);
    if (n > 0) {
      bytes.resize(size_t(n));
      return R::ok(std::move(bytes));
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return R::ok({});
    int e = n == 0 ? 0 : errno;
    reader_->closed = true;
    if (e == 0) return R::err(StreamFailure::closed());
    return R::err(StreamFailure::failed(error_of(e)));
  }

  std::unique_ptr<Pollable> subscribe() override { return std::make_unique<ReadablePollable>(reader_); }

 private:
  class ReadablePollable final : public Pollable {
   public:
    explicit ReadablePollable(std::shared_ptr<TcpReader> reader) : reader_(std::move(reader)) {}
    bool ready() override { return reader_->closed || fd_ready(reader_->fd->get(), POLLIN); }
    WaitSource source() const override { return {WaitSource::Kind::Fd, 0, reader_->fd->get(), POLLIN}; }

   private:
    std::shared_ptr<TcpReader> reader_;
  };
  std::shared_ptr<TcpReader> reader_;
};

class TcpOutputStream final : public OutputStream {
 public:
  explicit TcpOutputStream(std::shared_ptr<TcpWriter> writer) : writer_(std::move(writer)) {}
  // Bytes the guest wrote are not lost when it drops the stream: they are sent first (waiting
  // for the socket as Wasmtime waits for its background write), then the sending side is shut
  // down. A peer that takes nothing for kDropWaitMs ends the wait (the stream also goes when the
  // whole context does, and that must not hang on a peer that stopped reading).
  ~TcpOutputStream() override {
    TcpWriter& w = *writer_;
    while (!w.drain()) {
      pollfd p{w.fd->get(), POLLOUT, 0};
      int n = ::poll(&p, 1, kDropWaitMs);
      if (n == 0 || (n < 0 && errno != EINTR)) {
        w.pending.clear();
        w.sent = 0;
        break;
      }
    }
    w.shutdown();
  }

  StreamOutcome<uint64_t> check_write() override {
    using R = StreamOutcome<uint64_t>;
    TcpWriter& w = *writer_;
    if (!w.drain()) return R::ok(0);
    if (auto failed = failure()) return R::err(*failed);
    return R::ok(fd_ready(w.fd->get(), POLLOUT) ? kTcpChunk : 0);
  }

  StreamOutcome<std::monostate> write(std::span<const uint8_t> bytes) override {
    using R = StreamOutcome<std::monostate>;
    TcpWriter& w = *writer_;
    if (auto failed = failure()) return R::err(*failed);
    if (bytes.empty()) return R::ok({});
    w.pending.insert(w.pending.end(), bytes.begin(), bytes.end());
    w.drain();
    // A failure of this very write shows at once; bytes the socket did not take yet wait.
    if (auto failed = failure()) return R::err(*failed);
    return R::ok({});
  }

  // Writes go to the socket as soon as it takes them; there is nothing to start.
  StreamOutcome<std::monostate> flush() override {
    using R = StreamOutcome<std::monostate>;
    if (writer_->error) return R::err(StreamFailure::failed(*writer_->error));
    if (writer_->state == TcpWriter::State::Closed) return R::err(StreamFailure::closed());
    return R::ok({});
  }

  std::unique_ptr<Pollable> subscribe() override { return std::make_unique<WritablePollable>(writer_); }

 private:
  // The stream's failure, if it has one: the error of a failed send, or closed.
  std::optional<StreamFailure> failure() const {
    if (writer_->error) return StreamFailure::failed(*writer_->error);
    if (writer_->state != TcpWriter::State::Open) return StreamFailure::closed();
    return std::nullopt;
  }

  class WritablePollable final : public Pollable {
   public:
    explicit WritablePollable(std::shared_ptr<TcpWriter> writer) : writer_(std::move(writer)) {}
    bool ready() override {
      if (!writer_->drain()) return false;
      return writer_->state != TcpWriter::State::Open || fd_ready(writer_->fd->get(), POLLOUT);
    }
    WaitSource source() const override { return {WaitSource::Kind::Fd, 0, writer_->fd->get(), POLLOUT}; }

   private:
    std::shared_ptr<TcpWriter> writer_;
  };
  std::shared_ptr<TcpWriter> writer_;
};

}  // namespace

void TcpReader::shutdown() {
  if (closed) return;
  closed = true;
  ::shutdown(fd->get(), SHUT_RD);
}

bool TcpWriter::drain() {
  while (sent < pending.size()) {
    ssize_t n = ::send(fd->get(), pending.data() + sent, pending.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      sent += size_t(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    // A peer that is gone (EPIPE) closes the stream; any other failure is its error.
    if (errno != EPIPE) error = error_of(errno);
    state = State::Closed;
    break;
  }
  pending.clear();
  sent = 0;
  if (state == State::Closing) {
    ::shutdown(fd->get(), SHUT_WR);
    state = State::Closed;
  }
  return true;
}

void TcpWriter::shutdown() {
  if (state != State::Open) return;
  state = State::Closing;
  drain();
}

std::unique_ptr<InputStream> tcp_input_stream(std::shared_ptr<TcpReader> reader) {
  return std::make_unique<TcpInputStream>(std::move(reader));
}

std::unique_ptr<OutputStream> tcp_output_stream(std::shared_ptr<TcpWriter> writer) {
  return std::make_unique<TcpOutputStream>(std::move(writer));
}

}  // namespace wasmrun::wasi::p2::sockets
