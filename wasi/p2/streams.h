// The host side of wasi:io/streams: what an input-stream or output-stream resource reads from or
// writes to (a host fd, a file, an HTTP body, a socket). `io_streams.cpp` implements the WIT
// functions once on these interfaces, including the blocking ones (through the context's Waiter),
// so a new kind of stream only says what is available now and what to wait for.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "wasi/p2/pollable.h"
#include "wasmrun/component/types.h"

namespace wasmrun::wasi::p2 {

// wasi:io/error's payload: the debug string, and the host errno a filesystem or socket error maps from.
struct ErrorObject {
  std::string message;
  int host_errno = 0;
};

// stream-error: `closed` when no error, else last-operation-failed with the error.
struct StreamFailure {
  std::optional<ErrorObject> error;
  static StreamFailure closed() { return {}; }
  static StreamFailure failed(ErrorObject e) { return {std::move(e)}; }
};
template <class T>
using StreamOutcome = component::Result<T, StreamFailure>;

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Up to `len` bytes available now; empty when none are yet (never waits).
  virtual StreamOutcome<std::vector<uint8_t>> read(uint64_t len) = 0;
  // Ready when read() would return bytes, end or an error.
  virtual std::unique_ptr<Pollable> subscribe() = 0;
};

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  // How many bytes write() accepts now; 0 while a flush is in progress or the buffer is full.
  virtual StreamOutcome<uint64_t> check_write() = 0;
  // Writes at most what check_write() granted (io_streams.cpp checks the grant).
  virtual StreamOutcome<std::monostate> write(std::span<const uint8_t> bytes) = 0;
  // Starts flushing what was written; check_write() says 0 until it is done.
  virtual StreamOutcome<std::monostate> flush() = 0;
  // Ready when check_write() would grant bytes or fail.
  virtual std::unique_ptr<Pollable> subscribe() = 0;
};

// Streams over a host fd: stdio (read/write), or a file at an offset (pread/pwrite) or appending.
// `owner` keeps a file's fd open while the stream lives.
struct FdStreamTarget {
  int fd = -1;
  std::shared_ptr<void> owner;
  std::optional<uint64_t> offset;  // a file's position; none for stdio
  bool append = false;
};
std::unique_ptr<InputStream> fd_input_stream(FdStreamTarget target);
std::unique_ptr<OutputStream> fd_output_stream(FdStreamTarget target);

// What the resource table holds behind input-stream, output-stream and pollable handles.
struct InputStreamObject {
  std::unique_ptr<InputStream> stream;
};
struct OutputStreamObject {
  std::unique_ptr<OutputStream> stream;
};
struct PollableObject {
  std::unique_ptr<Pollable> pollable;
};

}  // namespace wasmrun::wasi::p2
