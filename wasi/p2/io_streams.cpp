// wasi:io/streams over host fds: stdio (read/write) and files (pread/pwrite at the stream's
// offset). Writes complete before they return, so check-write always grants a full budget and
// flush has nothing left to do; a non-blocking read of a pipe or terminal reads what poll(2)
// says is there. End of input and EPIPE are `closed`; other failures `last-operation-failed`
// with an error whose debug string is strerror.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/p2/context.h"
#include "wit/wasi_io.h"
#include "wit/wasi_io_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace streams = bindings::wasi::io::streams;
using streams::StreamError;
template <class T>
using StreamResult = component::Result<T, StreamError>;

constexpr uint64_t kWriteBudget = 1 << 20;  // check-write's grant
constexpr uint64_t kMaxRead = 1 << 20;      // one read returns at most this much

class StreamsHost final : public streams::Host {
 public:
  explicit StreamsHost(WasiP2& wasi) : wasi_(wasi) {}

  TrapOr<void> input_stream_drop(Resource<streams::InputStream> self) override {
    wasi_.remove<InputStreamObject>(self);
    return {};
  }
  TrapOr<void> output_stream_drop(Resource<streams::OutputStream> self) override {
    wasi_.remove<OutputStreamObject>(self);
    return {};
  }

  TrapOr<StreamResult<std::vector<uint8_t>>> input_stream_read(Borrow<streams::InputStream> self, uint64_t len) override {
    return read(self, len, false);
  }
  TrapOr<StreamResult<std::vector<uint8_t>>> input_stream_blocking_read(Borrow<streams::InputStream> self,
                                                                         uint64_t len) override {
    return read(self, len, true);
  }
  TrapOr<StreamResult<uint64_t>> input_stream_skip(Borrow<streams::InputStream> self, uint64_t len) override {
    return skip(self, len, false);
  }
  TrapOr<StreamResult<uint64_t>> input_stream_blocking_skip(Borrow<streams::InputStream> self, uint64_t len) override {
    return skip(self, len, true);
  }
  TrapOr<Resource<streams::Pollable>> input_stream_subscribe(Borrow<streams::InputStream> self) override {
    auto* in = wasi_.get<InputStreamObject>(self);
    if (!in) return unknown_handle("input-stream");
    // A file is always readable; a pipe or terminal when poll(2) says so.
    PollableObject p;
    if (!in->offset && !in->closed) p = {PollableObject::Kind::Readable, 0, in->fd};
    return wasi_.push<streams::Pollable>(p);
  }

  TrapOr<StreamResult<uint64_t>> output_stream_check_write(Borrow<streams::OutputStream> self) override {
    if (!wasi_.get<OutputStreamObject>(self)) return unknown_handle("output-stream");
    return StreamResult<uint64_t>::ok(kWriteBudget);
  }
  TrapOr<StreamResult<std::monostate>> output_stream_write(Borrow<streams::OutputStream> self,
                                                           std::vector<uint8_t> contents) override {
    return write(self, contents);
  }
  TrapOr<StreamResult<std::monostate>> output_stream_blocking_write_and_flush(Borrow<streams::OutputStream> self,
                                                                              std::vector<uint8_t> contents) override {
    // The WIT allows at most 4096 bytes here; more is a guest error (Wasmtime traps too).
    if (contents.size() > 4096) return Trap{TrapKind::CoreTrap, "blocking-write-and-flush: more than 4096 bytes"};
    return write(self, contents);
  }
  TrapOr<StreamResult<std::monostate>> output_stream_flush(Borrow<streams::OutputStream> self) override {
    if (!wasi_.get<OutputStreamObject>(self)) return unknown_handle("output-stream");
    return StreamResult<std::monostate>::ok({});
  }
  TrapOr<StreamResult<std::monostate>> output_stream_blocking_flush(Borrow<streams::OutputStream> self) override {
    return output_stream_flush(self);
  }
  TrapOr<Resource<streams::Pollable>> output_stream_subscribe(Borrow<streams::OutputStream> self) override {
    if (!wasi_.get<OutputStreamObject>(self)) return unknown_handle("output-stream");
    return wasi_.push<streams::Pollable>(PollableObject{});  // writes never wait
  }
  TrapOr<StreamResult<std::monostate>> output_stream_write_zeroes(Borrow<streams::OutputStream> self,
                                                                  uint64_t len) override {
    if (len > kWriteBudget) return Trap{TrapKind::CoreTrap, "write-zeroes: more than check-write permitted"};
    return write(self, std::vector<uint8_t>(len));
  }
  TrapOr<StreamResult<std::monostate>> output_stream_blocking_write_zeroes_and_flush(Borrow<streams::OutputStream> self,
                                                                                     uint64_t len) override {
    if (len > 4096) return Trap{TrapKind::CoreTrap, "blocking-write-zeroes-and-flush: more than 4096 bytes"};
    return write(self, std::vector<uint8_t>(len));
  }
  TrapOr<StreamResult<uint64_t>> output_stream_splice(Borrow<streams::OutputStream> self,
                                                      Borrow<streams::InputStream> src, uint64_t len) override {
    return splice(self, src, len, false);
  }
  TrapOr<StreamResult<uint64_t>> output_stream_blocking_splice(Borrow<streams::OutputStream> self,
                                                               Borrow<streams::InputStream> src, uint64_t len) override {
    return splice(self, src, len, true);
  }

 private:
  TrapOr<StreamError> failed(int err) {
    if (err == EPIPE) return StreamError::closed();
    auto e = wasi_.push<streams::Error>(ErrorObject{std::strerror(err), err});
    if (!e) return e.take_trap();
    return StreamError::last_operation_failed(*e);
  }

  TrapOr<StreamResult<std::vector<uint8_t>>> read(Borrow<streams::InputStream> self, uint64_t len, bool block) {
    using R = StreamResult<std::vector<uint8_t>>;
    auto* in = wasi_.get<InputStreamObject>(self);
    if (!in) return unknown_handle("input-stream");
    if (in->closed) return R::err(StreamError::closed());
    std::vector<uint8_t> buf(std::min(len, kMaxRead));
    if (buf.empty()) return R::ok({});
    if (!in->offset && !block) {
      pollfd p{in->fd, POLLIN, 0};
      if (::poll(&p, 1, 0) == 0) return R::ok({});
    }
    ssize_t n;
    do {
      n = in->offset ? ::pread(in->fd, buf.data(), buf.size(), off_t(*in->offset)) : ::read(in->fd, buf.data(), buf.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      auto e = failed(errno);
      if (!e) return e.take_trap();
      return R::err(e.take());
    }
    if (n == 0) {
      in->closed = true;
      return R::err(StreamError::closed());
    }
    if (in->offset) *in->offset += uint64_t(n);
    buf.resize(size_t(n));
    return R::ok(std::move(buf));
  }

  TrapOr<StreamResult<uint64_t>> skip(Borrow<streams::InputStream> self, uint64_t len, bool block) {
    auto r = read(self, len, block);
    if (!r) return r.take_trap();
    if (!r->is_ok()) return StreamResult<uint64_t>::err(std::move(r->error()));
    return StreamResult<uint64_t>::ok(r->value().size());
  }

  TrapOr<StreamResult<std::monostate>> write(Borrow<streams::OutputStream> self, const std::vector<uint8_t>& bytes) {
    using R = StreamResult<std::monostate>;
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    if (bytes.size() > kWriteBudget) return Trap{TrapKind::CoreTrap, "write: more than check-write permitted"};
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n;
      if (out->append) {
        n = ::write(out->fd, bytes.data() + done, bytes.size() - done);
      } else if (out->offset) {
        n = ::pwrite(out->fd, bytes.data() + done, bytes.size() - done, off_t(*out->offset));
        if (n > 0) *out->offset += uint64_t(n);
      } else {
        n = ::write(out->fd, bytes.data() + done, bytes.size() - done);
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) {
        pollfd p{out->fd, POLLOUT, 0};
        ::poll(&p, 1, -1);
        continue;
      }
      if (n < 0) {
        auto e = failed(errno);
        if (!e) return e.take_trap();
        return R::err(e.take());
      }
      done += size_t(n);
    }
    return R::ok({});
  }

  TrapOr<StreamResult<uint64_t>> splice(Borrow<streams::OutputStream> self, Borrow<streams::InputStream> src,
                                        uint64_t len, bool block) {
    using R = StreamResult<uint64_t>;
    auto data = read(src, std::min(len, kWriteBudget), block);
    if (!data) return data.take_trap();
    if (!data->is_ok()) return R::err(std::move(data->error()));
    auto written = write(self, data->value());
    if (!written) return written.take_trap();
    if (!written->is_ok()) return R::err(std::move(written->error()));
    return R::ok(data->value().size());
  }

  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_io_streams(component::Linker& linker, WasiP2& wasi) {
  return streams::add_to_linker(linker, wasi.keep(std::make_unique<StreamsHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
