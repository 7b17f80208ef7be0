// The input and output streams of a connected TCP socket (wasi:sockets/tcp's finish-connect and
// accept hand them out), over the socket's non-blocking fd. The socket keeps the two halves too,
// for its shutdown.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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

// The sending half. A write goes to the socket at once; what the socket does not take waits
// in `pending` and check-write grants nothing until it is gone. Shutting down while bytes
// wait shuts the socket down after they are sent.
struct TcpWriter {
  enum class State { Open, Closing, Closed };
  std::shared_ptr<preview1::UniqueFd> fd;
  State state = State::Open;
  std::vector<uint8_t> pending;
  size_t sent = 0;                    // of pending
  std::optional<ErrorObject> error;  // a failed send: what the next operation reports

  // Sends what is pending without waiting; true when nothing is left.
  bool drain();
  void shutdown();  // shutdown(SHUT_WR) once nothing is pending
};

std::unique_ptr<InputStream> tcp_input_stream(std::shared_ptr<TcpReader> reader);
std::unique_ptr<OutputStream> tcp_output_stream(std::shared_ptr<TcpWriter> writer);

}  // namespace wasmrun::wasi::p2::sockets
