// The input and output streams of a connected TCP socket (wasi:sockets/tcp's finish-connect and
// accept hand them out), over the socket's non-blocking fd. The socket keeps the two halves too,
// for its shutdown.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "wasi/p2/streams.h"
#include "wasi/preview1/unique_fd.h"

namespace wasmrun::wasi::p2::sockets {

// Bytes a read or a check-write offers at most (Wasmtime's MAX_READ_SIZE_ALLOC).
inline constexpr uint64_t kTcpChunk = 64 * 1024;

// The receiving half. Closed after the peer's end of stream, an error, or a shutdown.
struct TcpReader {
  std::shared_ptr<preview1::UniqueFd> fd;
  bool closed = false;
  void shutdown();  // shutdown(SHUT_RD), once
};

class TcpSender;

// The sending half. A write goes to the socket at once; what the socket does not take waits,
// check-write grants nothing until it is gone, and a TcpSender sends it when the socket can
// take it, whatever the guest does meanwhile (Wasmtime's background write). Shutting down while
// bytes wait shuts the socket down after they are sent. Used by the guest's thread and the
// sender's, hence the lock.
class TcpWriter : public std::enable_shared_from_this<TcpWriter> {
 public:
  TcpWriter(std::shared_ptr<preview1::UniqueFd> fd, std::weak_ptr<TcpSender> sender)
      : fd_(std::move(fd)), sender_(std::move(sender)) {}

  int fd() const { return fd_->get(); }
  // check-write: nothing while bytes wait or the socket is full, else kTcpChunk; or the failure.
  StreamOutcome<uint64_t> grant();
  StreamOutcome<std::monostate> write(std::span<const uint8_t> bytes);
  StreamOutcome<std::monostate> status();  // the failure, if any (flush)
  bool writable();                          // grant() would not say 0
  void shutdown();                          // shutdown(SHUT_WR) once nothing waits
  // For a dropped stream: waits until what waits is sent, giving up when the socket takes
  // nothing for `patience_ms`; then shuts down.
  void finish(int patience_ms);
  // Sends what waits without blocking; true when nothing is left (the sender's call).
  bool drain();

 private:
  enum class State { Open, Closing, Closed };
  bool drain_locked();
  std::optional<StreamFailure> failure_locked() const;
  void hand_to_sender();

  std::shared_ptr<preview1::UniqueFd> fd_;
  std::weak_ptr<TcpSender> sender_;
  std::mutex mutex_;
  State state_ = State::Open;
  std::vector<uint8_t> pending_;
  size_t sent_ = 0;                   // of pending_
  std::optional<ErrorObject> error_;  // a failed send: what every later operation reports
};

// A thread that sends what TCP writers could not send at once, as their sockets take it.
class TcpSender {
 public:
  TcpSender();
  ~TcpSender();
  TcpSender(const TcpSender&) = delete;
  TcpSender& operator=(const TcpSender&) = delete;

  void watch(std::shared_ptr<TcpWriter> writer);

 private:
  void run();
  void wake();

  std::mutex mutex_;
  std::vector<std::shared_ptr<TcpWriter>> writers_;
  bool stopping_ = false;
  preview1::UniqueFd wake_fd_;  // an eventfd
  std::thread thread_;          // last: starts once the rest is ready
};

std::unique_ptr<InputStream> tcp_input_stream(std::shared_ptr<TcpReader> reader);
std::unique_ptr<OutputStream> tcp_output_stream(std::shared_ptr<TcpWriter> writer);

}  // namespace wasmrun::wasi::p2::sockets
