// A non-blocking byte stream over a connected socket: plain TCP or TLS (tls.h). Connections
// speak HTTP over a Transport and never touch the fd's I/O themselves.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "http/byte_buffer.h"

namespace wasmrun::http {

enum class IoStatus { ok, would_block, eof, error };

struct IoResult {
  IoStatus status;
  size_t bytes = 0;
  int sys_errno = 0;  // for error: the errno, if a system call failed
};

class Transport {
 public:
  explicit Transport(int fd) : fd_(fd) {}
  virtual ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  int fd() const { return fd_; }
  virtual IoResult read(char* buffer, size_t size);
  virtual IoResult write(const char* data, size_t size);
  // TLS: drives the handshake; ok once it is done. Plain TCP: ok at once.
  virtual IoResult handshake() { return {IoStatus::ok}; }
  // The protocol agreed by ALPN ("h2", "http/1.1") or "".
  virtual std::string_view alpn() const { return {}; }
  virtual bool secure() const { return false; }
  // A read that returned fewer bytes than asked for emptied the socket, so (with edge-triggered
  // epoll) the next read can wait for the next event instead of costing an EAGAIN system call.
  // Not so for TLS, which returns one record at a time.
  virtual bool short_read_drains() const { return true; }
  // Says "no more writes" to the peer (TLS close_notify, then TCP FIN).
  virtual void shutdown_write();
  // What went wrong on the last error, for messages.
  virtual std::string last_error() const { return error_; }

 protected:
  int fd_;
  std::string error_;
};

// Since when writes to a peer have been blocked: the basis of write timeouts.
struct WriteStall {
  bool blocked = false;
  std::chrono::steady_clock::time_point since{};
  // Records the outcome of a write attempt at `now`.
  void note(IoStatus status, std::chrono::steady_clock::time_point now) {
    if (status == IoStatus::would_block) {
      if (!blocked) since = now;
      blocked = true;
    } else if (status == IoStatus::ok) {
      blocked = false;
    }
  }
};

// Writes as much of `out` as the transport takes, consuming what was written. ok: all of it;
// would_block: the rest waits for EPOLLOUT; error: the connection is broken.
IoStatus write_buffer(Transport& transport, ByteBuffer& out);

}  // namespace wasmrun::http
