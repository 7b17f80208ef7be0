// Streams over host fds: stdio (read/write) and files (pread/pwrite at the stream's offset, or
// O_APPEND). Writes complete before they return, so check-write always grants a full budget and
// flush has nothing left to do; a read of a pipe or terminal returns what poll(2) says is there.
// End of input and EPIPE are `closed`; other failures carry strerror and the errno.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/p2/streams.h"

namespace wasmrun::wasi::p2 {

namespace {

constexpr uint64_t kWriteBudget = 1 << 20;  // check-write's grant
constexpr uint64_t kMaxRead = 1 << 20;      // one read returns at most this much

StreamFailure failure_of(int err) {
  if (err == EPIPE) return StreamFailure::closed();
  return StreamFailure::failed({std::strerror(err), err});
}

class FdInputStream final : public InputStream {
 public:
  explicit FdInputStream(FdStreamTarget t) : t_(std::move(t)) {}

  StreamOutcome<std::vector<uint8_t>> read(uint64_t len) override {
    using R = StreamOutcome<std::vector<uint8_t>>;
    if (closed_) return R::err(StreamFailure::closed());
    std::vector<uint8_t> buf(std::min(len, kMaxRead));
    if (buf.empty()) return R::ok({});
    if (!t_.offset) {
      pollfd p{t_.fd, POLLIN, 0};
      if (::poll(&p, 1, 0) == 0) return R::ok({});
    }
    ssize_t n;
    do {
      n = t_.offset ? ::pread(t_.fd, buf.data(), buf.size(), off_t(*t_.offset)) : ::read(t_.fd, buf.data(), buf.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) return R::ok({});
    if (n < 0) return R::err(failure_of(errno));
    if (n == 0) {
      closed_ = true;
      return R::err(StreamFailure::closed());
    }
    if (t_.offset) *t_.offset += uint64_t(n);
    buf.resize(size_t(n));
    return R::ok(std::move(buf));
  }

  // A file is always readable; a pipe or terminal when poll(2) says so.
  std::unique_ptr<Pollable> subscribe() override {
    if (t_.offset || closed_) return std::make_unique<ReadyPollable>();
    return std::make_unique<FdPollable>(t_.fd, POLLIN);
  }

 private:
  FdStreamTarget t_;
  bool closed_ = false;
};

class FdOutputStream final : public OutputStream {
 public:
  explicit FdOutputStream(FdStreamTarget t) : t_(std::move(t)) {}

  StreamOutcome<uint64_t> check_write() override { return StreamOutcome<uint64_t>::ok(kWriteBudget); }

  StreamOutcome<std::monostate> write(std::span<const uint8_t> bytes) override {
    using R = StreamOutcome<std::monostate>;
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n;
      if (t_.offset && !t_.append) {
        n = ::pwrite(t_.fd, bytes.data() + done, bytes.size() - done, off_t(*t_.offset));
        if (n > 0) *t_.offset += uint64_t(n);
      } else {
        n = ::write(t_.fd, bytes.data() + done, bytes.size() - done);
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) {  // a non-blocking stdio fd: the write still completes here
        pollfd p{t_.fd, POLLOUT, 0};
        ::poll(&p, 1, -1);
        continue;
      }
      if (n < 0) return R::err(failure_of(errno));
      done += size_t(n);
    }
    return R::ok({});
  }

  StreamOutcome<std::monostate> flush() override { return StreamOutcome<std::monostate>::ok({}); }
  std::unique_ptr<Pollable> subscribe() override { return std::make_unique<ReadyPollable>(); }

 private:
  FdStreamTarget t_;
};

}  // namespace

std::unique_ptr<InputStream> fd_input_stream(FdStreamTarget target) {
  return std::make_unique<FdInputStream>(std::move(target));
}
std::unique_ptr<OutputStream> fd_output_stream(FdStreamTarget target) {
  return std::make_unique<FdOutputStream>(std::move(target));
}

}  // namespace wasmrun::wasi::p2
