#include "wasi/p2/sockets_tcp_streams.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace wasmrun::wasi::p2::sockets {

namespace {

ErrorObject error_of(int e) { return ErrorObject{std::strerror(e), e}; }

bool fd_ready(int fd, short events) { return FdPollable(fd, events).ready(); }

constexpr int kDropPatienceMs = 10'000;

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
  // Bytes the guest wrote are not lost when it drops the stream: they are sent first (the guest
  // waits, as Wasmtime waits for its background write), then the sending side is shut down. A
  // peer that takes nothing for kDropPatienceMs ends the wait (the stream also goes when the
  // whole context does, which must not hang on a peer that stopped reading).
  ~TcpOutputStream() override { writer_->finish(kDropPatienceMs); }

  StreamOutcome<uint64_t> check_write() override { return writer_->grant(); }
  StreamOutcome<std::monostate> write(std::span<const uint8_t> bytes) override { return writer_->write(bytes); }
  // Written bytes go to the socket as soon as it takes them; there is nothing to start.
  StreamOutcome<std::monostate> flush() override { return writer_->status(); }
  std::unique_ptr<Pollable> subscribe() override { return std::make_unique<WritablePollable>(writer_); }

 private:
  class WritablePollable final : public Pollable {
   public:
    explicit WritablePollable(std::shared_ptr<TcpWriter> writer) : writer_(std::move(writer)) {}
    bool ready() override { return writer_->writable(); }
    WaitSource source() const override { return {WaitSource::Kind::Fd, 0, writer_->fd(), POLLOUT}; }

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

bool TcpWriter::drain_locked() {
  while (sent_ < pending_.size()) {
    ssize_t n = ::send(fd(), pending_.data() + sent_, pending_.size() - sent_, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      sent_ += size_t(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    // A peer that is gone (EPIPE) closes the stream; any other failure is its error.
    if (errno != EPIPE) error_ = error_of(errno);
    state_ = State::Closed;
    break;
  }
  pending_.clear();
  sent_ = 0;
  if (state_ == State::Closing) {
    ::shutdown(fd(), SHUT_WR);
    state_ = State::Closed;
  }
  return true;
}

std::optional<StreamFailure> TcpWriter::failure_locked() const {
  if (error_) return StreamFailure::failed(*error_);
  if (state_ != State::Open) return StreamFailure::closed();
  return std::nullopt;
}

void TcpWriter::hand_to_sender() {
  if (auto sender = sender_.lock()) sender->watch(shared_from_this());
}

bool TcpWriter::drain() {
  std::lock_guard lock(mutex_);
  return drain_locked();
}

StreamOutcome<uint64_t> TcpWriter::grant() {
  using R = StreamOutcome<uint64_t>;
  std::lock_guard lock(mutex_);
  if (!drain_locked()) return R::ok(0);
  if (auto failed = failure_locked()) return R::err(*failed);
  return R::ok(fd_ready(fd(), POLLOUT) ? kTcpChunk : 0);
}

StreamOutcome<std::monostate> TcpWriter::write(std::span<const uint8_t> bytes) {
  using R = StreamOutcome<std::monostate>;
  {
    std::lock_guard lock(mutex_);
    if (auto failed = failure_locked()) return R::err(*failed);
    if (bytes.empty()) return R::ok({});
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    // A failure of this very write shows at once; bytes the socket did not take yet wait.
    if (drain_locked()) {
      if (auto failed = failure_locked()) return R::err(*failed);
      return R::ok({});
    }
  }
  hand_to_sender();
  return R::ok({});
}

StreamOutcome<std::monostate> TcpWriter::status() {
  using R = StreamOutcome<std::monostate>;
  std::lock_guard lock(mutex_);
  if (error_) return R::err(StreamFailure::failed(*error_));
  if (state_ == State::Closed) return R::err(StreamFailure::closed());
  return R::ok({});
}

bool TcpWriter::writable() {
  std::lock_guard lock(mutex_);
  if (!drain_locked()) return false;
  return state_ != State::Open || fd_ready(fd(), POLLOUT);
}

void TcpWriter::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::Open) return;
    state_ = State::Closing;
    if (drain_locked()) return;
  }
  hand_to_sender();
}

void TcpWriter::finish(int patience_ms) {
  while (!drain()) {
    pollfd p{fd(), POLLOUT, 0};
    int n = ::poll(&p, 1, patience_ms);
    if (n == 0 || (n < 0 && errno != EINTR)) {
      std::lock_guard lock(mutex_);
      pending_.clear();
      sent_ = 0;
      break;
    }
  }
  shutdown();
}

TcpSender::TcpSender() : wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), thread_([this] { run(); }) {}

TcpSender::~TcpSender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
  thread_.join();
}

void TcpSender::wake() {
  uint64_t one = 1;
  (void)!::write(wake_fd_.get(), &one, sizeof one);
}

void TcpSender::watch(std::shared_ptr<TcpWriter> writer) {
  {
    std::lock_guard lock(mutex_);
    if (std::find(writers_.begin(), writers_.end(), writer) != writers_.end()) return;
    writers_.push_back(std::move(writer));
  }
  wake();
}

void TcpSender::run() {
  for (;;) {
    std::vector<std::shared_ptr<TcpWriter>> writers;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      writers = writers_;
    }
    std::vector<pollfd> fds{{wake_fd_.get(), POLLIN, 0}};
    for (const auto& w : writers) fds.push_back({w->fd(), POLLOUT, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
    if (fds[0].revents) {
      uint64_t count;
      (void)!::read(wake_fd_.get(), &count, sizeof count);
    }
    for (size_t i = 0; i < writers.size(); ++i) {
      if (!fds[i + 1].revents || !writers[i]->drain()) continue;
      std::lock_guard lock(mutex_);
      auto it = std::find(writers_.begin(), writers_.end(), writers[i]);
      if (it != writers_.end()) writers_.erase(it);
    }
  }
}

std::unique_ptr<InputStream> tcp_input_stream(std::shared_ptr<TcpReader> reader) {
  return std::make_unique<TcpInputStream>(std::move(reader));
}

std::unique_ptr<OutputStream> tcp_output_stream(std::shared_ptr<TcpWriter> writer) {
  return std::make_unique<TcpOutputStream>(std::move(writer));
}

}  // namespace wasmrun::wasi::p2::sockets
