// wasi:io/streams on the InputStream/OutputStream interfaces (streams.h). The non-blocking
// functions ask the stream what it can do now; the blocking ones wait on its pollable through
// the context's Waiter (in place for a command, yielding to the event loop on a fiber), as the
// WIT's pseudo-code for blocking-write-and-flush describes.
#include <algorithm>

#include "wasi/p2/context.h"
#include "wit/wasi_io.h"
#include "wit/wasi_io_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace streams = bindings::wasi::io::streams;
using streams::StreamError;
template <class T>
using StreamResult = component::Result<T, StreamError>;

constexpr uint64_t kBlockingWriteLimit = 4096;  // the WIT's limit for blocking-write-and-flush

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
    return wasi_.push<streams::Pollable>(PollableObject{in->stream->subscribe()});
  }

  TrapOr<StreamResult<uint64_t>> output_stream_check_write(Borrow<streams::OutputStream> self) override {
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    return result(out->stream->check_write());
  }
  TrapOr<StreamResult<std::monostate>> output_stream_write(Borrow<streams::OutputStream> self,
                                                           std::vector<uint8_t> contents) override {
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    return write(*out->stream, contents);
  }
  TrapOr<StreamResult<std::monostate>> output_stream_blocking_write_and_flush(Borrow<streams::OutputStream> self,
                                                                              std::vector<uint8_t> contents) override {
    // More than 4096 bytes is a guest error (Wasmtime traps too).
    if (contents.size() > kBlockingWriteLimit)
      return Trap{TrapCode::HostError, "blocking-write-and-flush: more than 4096 bytes"};
    return blocking_write_and_flush(self, contents);
  }
  TrapOr<StreamResult<std::monostate>> output_stream_flush(Borrow<streams::OutputStream> self) override {
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    return result(out->stream->flush());
  }
  TrapOr<StreamResult<std::monostate>> output_stream_blocking_flush(Borrow<streams::OutputStream> self) override {
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    auto flushed = out->stream->flush();
    if (!flushed.is_ok()) return result(std::move(flushed));
    auto done = writable(*out->stream);
    if (!done.is_ok()) return result(StreamOutcome<std::monostate>::err(std::move(done.error())));
    return StreamResult<std::monostate>::ok({});
  }
  TrapOr<Resource<streams::Pollable>> output_stream_subscribe(Borrow<streams::OutputStream> self) override {
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    return wasi_.push<streams::Pollable>(PollableObject{out->stream->subscribe()});
  }
  TrapOr<StreamResult<std::monostate>> output_stream_write_zeroes(Borrow<streams::OutputStream> self,
                                                                  uint64_t len) override {
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    // Checked before the zeroes are made: `len` is the guest's, up to 2^64 - 1.
    auto grant = out->stream->check_write();
    if (!grant.is_ok()) return result(StreamOutcome<std::monostate>::err(std::move(grant.error())));
    if (len > grant.value()) return Trap{TrapCode::HostError, "write-zeroes: more than check-write permitted"};
    return write(*out->stream, std::vector<uint8_t>(len));
  }
  TrapOr<StreamResult<std::monostate>> output_stream_blocking_write_zeroes_and_flush(Borrow<streams::OutputStream> self,
                                                                                     uint64_t len) override {
    if (len > kBlockingWriteLimit)
      return Trap{TrapCode::HostError, "blocking-write-zeroes-and-flush: more than 4096 bytes"};
    return blocking_write_and_flush(self, std::vector<uint8_t>(len));
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
  // A host outcome as the WIT's result: a failure becomes an `error` resource.
  template <class T>
  TrapOr<StreamResult<T>> result(StreamOutcome<T> outcome) {
    if (outcome.is_ok()) return StreamResult<T>::ok(std::move(outcome.value()));
    auto& failure = outcome.error();
    if (!failure.error) return StreamResult<T>::err(StreamError::closed());
    auto e = wasi_.push<streams::Error>(std::move(*failure.error));
    if (!e) return e.take_trap();
    return StreamResult<T>::err(StreamError::last_operation_failed(*e));
  }

  // False when the waiter gave up (its fiber is being destroyed, poll(2) failed): the stream
  // then counts as closed, so no blocking call loops on.
  bool wait_for(Pollable& p) {
    Pollable* list[] = {&p};
    return p.ready() || !wasi_.waiter().wait(list).empty();
  }

  // Waits until the stream grants bytes (or fails); the grant. A stream that grants at once
  // needs no pollable (the usual case: one made and dropped per call would cost two allocations).
  StreamOutcome<uint64_t> writable(OutputStream& out) {
    if (auto grant = out.check_write(); !grant.is_ok() || grant.value() > 0) return grant;
    auto pollable = out.subscribe();
    for (;;) {
      if (!wait_for(*pollable)) return StreamOutcome<uint64_t>::err(StreamFailure::closed());
      auto grant = out.check_write();
      if (!grant.is_ok() || grant.value() > 0) return grant;
    }
  }

  StreamOutcome<std::vector<uint8_t>> read_now(InputStream& in, uint64_t len, bool block) {
    auto r = in.read(len);
    if (!block || len == 0) return r;
    std::unique_ptr<Pollable> pollable;
    while (r.is_ok() && r.value().empty()) {
      if (!pollable) pollable = in.subscribe();
      if (!wait_for(*pollable)) return StreamOutcome<std::vector<uint8_t>>::err(StreamFailure::closed());
      r = in.read(len);
    }
    return r;
  }

  TrapOr<StreamResult<std::vector<uint8_t>>> read(Borrow<streams::InputStream> self, uint64_t len, bool block) {
    auto* in = wasi_.get<InputStreamObject>(self);
    if (!in) return unknown_handle("input-stream");
    return result(read_now(*in->stream, len, block));
  }

  TrapOr<StreamResult<uint64_t>> skip(Borrow<streams::InputStream> self, uint64_t len, bool block) {
    auto* in = wasi_.get<InputStreamObject>(self);
    if (!in) return unknown_handle("input-stream");
    auto r = read_now(*in->stream, len, block);
    if (!r.is_ok()) return result(StreamOutcome<uint64_t>::err(std::move(r.error())));
    return StreamResult<uint64_t>::ok(r.value().size());
  }

  // `write` may not exceed what check-write grants (the WIT: a trap).
  TrapOr<StreamResult<std::monostate>> write(OutputStream& out, std::span<const uint8_t> bytes) {
    auto grant = out.check_write();
    if (!grant.is_ok()) return result(StreamOutcome<std::monostate>::err(std::move(grant.error())));
    if (bytes.size() > grant.value()) return Trap{TrapCode::HostError, "write: more than check-write permitted"};
    return result(out.write(bytes));
  }

  TrapOr<StreamResult<std::monostate>> blocking_write_and_flush(Borrow<streams::OutputStream> self,
                                                                std::span<const uint8_t> bytes) {
    using Outcome = StreamOutcome<std::monostate>;
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    OutputStream& stream = *out->stream;
    while (!bytes.empty()) {
      auto grant = writable(stream);
      if (!grant.is_ok()) return result(Outcome::err(std::move(grant.error())));
      size_t n = size_t(std::min<uint64_t>(grant.value(), bytes.size()));
      if (auto w = stream.write(bytes.first(n)); !w.is_ok()) return result(std::move(w));
      bytes = bytes.subspan(n);
    }
    if (auto f = stream.flush(); !f.is_ok()) return result(std::move(f));
    auto done = writable(stream);
    if (!done.is_ok()) return result(Outcome::err(std::move(done.error())));
    return StreamResult<std::monostate>::ok({});
  }

  TrapOr<StreamResult<uint64_t>> splice(Borrow<streams::OutputStream> self, Borrow<streams::InputStream> src,
                                        uint64_t len, bool block) {
    using Outcome = StreamOutcome<uint64_t>;
    auto* out = wasi_.get<OutputStreamObject>(self);
    if (!out) return unknown_handle("output-stream");
    auto* in = wasi_.get<InputStreamObject>(src);
    if (!in) return unknown_handle("input-stream");
    auto grant = block ? writable(*out->stream) : out->stream->check_write();
    if (!grant.is_ok()) return result(Outcome::err(std::move(grant.error())));
    auto data = read_now(*in->stream, std::min(len, grant.value()), block);
    if (!data.is_ok()) return result(Outcome::err(std::move(data.error())));
    if (auto w = out->stream->write(data.value()); !w.is_ok()) return result(Outcome::err(std::move(w.error())));
    return StreamResult<uint64_t>::ok(data.value().size());
  }

  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_io_streams(component::Linker& linker, WasiP2& wasi) {
  return streams::add_to_linker(linker, wasi.keep(std::make_unique<StreamsHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
