#include "wasi/http/objects.h"

#include <fmt/format.h>

namespace wasmrun::wasi::http {

void OutgoingBodyState::attach(engine::BodyPipe& target, std::shared_ptr<void> target_owner) {
  if (pipe == &target) return;
  engine::BodyPipe& from = *pipe;
  std::string buffered;
  from.read_all(buffered);
  if (!buffered.empty()) target.write(std::move(buffered));
  if (from.failed()) {
    target.fail(from.error());
  } else if (from.finished()) {
    target.finish(from.trailers());
  }
  pipe = &target;
  owner = std::move(target_owner);
  target.set_on_writable([signal = writable] { signal->notifier.notify(); });
  own.reset();
}

std::optional<engine::ErrorCode> OutgoingBodyState::size_mismatch(bool at_finish) const {
  if (!content_length) return std::nullopt;
  if (written > *content_length || (at_finish && written != *content_length)) {
    auto e = engine::ErrorCode::make(
        response ? engine::ErrorKind::http_response_body_size : engine::ErrorKind::http_request_body_size,
        fmt::format("{} bytes written, content-length is {}", written, *content_length));
    e.number = written;
    return e;
  }
  return std::nullopt;
}

}  // namespace wasmrun::wasi::http
