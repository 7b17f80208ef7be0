#include "http/http2_common.h"

#include <cstring>

#include <fmt/format.h>

#include "http/message.h"

namespace wasmrun::http {

std::string HeaderListBudget::describe() const {
  if (fields_ > limits_->max_fields) return fmt::format("more than {} fields", limits_->max_fields);
  return fmt::format("over {} bytes", limits_->max_field_section);
}

void NvList::add_raw(std::string_view name, std::string_view value) {
  const std::string& n = strings_.emplace_back(name);
  const std::string& v = strings_.emplace_back(value);
  nva_.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                  reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                  NGHTTP2_NV_FLAG_NONE});
}

void NvList::add(std::string_view name, std::string_view value) {
  if (is_connection_specific_field(name) || !is_token(name) || !is_field_value(value)) return;
  std::string lower(name);
  for (char& c : lower) c = ascii_lower(c);
  add_raw(lower, value);
}

void NvList::add_all(const Fields& fields) {
  for (const Field& f : fields) add(f.name, f.value);
}

bool NvList::has(std::string_view lowercase_name) const {
  for (const nghttp2_nv& nv : nva_)
    if (as_view(nv.name, nv.namelen) == lowercase_name) return true;
  return false;
}

IoStatus send_nghttp2_output(nghttp2_session* session, Transport& transport, ByteBuffer& out,
                             size_t high_water, int& nghttp2_error) {
  nghttp2_error = 0;
  while (true) {
    if (out.size() >= high_water) {
      IoStatus status = write_buffer(transport, out);
      if (status != IoStatus::ok) return status;
    }
    const uint8_t* data = nullptr;
    ssize_t n = nghttp2_session_mem_send(session, &data);
    if (n < 0) {
      nghttp2_error = static_cast<int>(n);
      return IoStatus::error;
    }
    if (n == 0) return write_buffer(transport, out);
    out.append(as_view(data, static_cast<size_t>(n)));
  }
}

ssize_t read_pipe_for_nghttp2(nghttp2_session* session, int32_t stream_id, BodyPipe& pipe,
                              uint8_t* buf, size_t length, uint32_t* flags, bool& deferred) {
  if (pipe.failed() || pipe.abandoned()) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  size_t n = 0;
  while (n < length) {
    std::string_view piece = pipe.peek();
    if (piece.empty()) break;
    size_t take = std::min(piece.size(), length - n);
    std::memcpy(buf + n, piece.data(), take);
    pipe.consume(take);
    n += take;
  }
  if (pipe.at_end()) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    NvList trailers;
    trailers.add_all(pipe.trailers());
    if (trailers.size() > 0) {
      // The stream ends with a HEADERS frame carrying the trailers (RFC 9113 §8.1).
      *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      nghttp2_submit_trailer(session, stream_id, trailers.data(), trailers.size());
    }
    return static_cast<ssize_t>(n);
  }
  if (n == 0) {
    deferred = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  return static_cast<ssize_t>(n);
}

int new_nghttp2_session(nghttp2_session** session, bool server, void* user,
                        const std::function<void(nghttp2_session_callbacks*)>& set_callbacks) {
  nghttp2_session_callbacks* callbacks;
  nghttp2_session_callbacks_new(&callbacks);
  set_callbacks(callbacks);
  nghttp2_option* option;
  nghttp2_option_new(&option);
  nghttp2_option_set_no_auto_window_update(option, 1);
  int rv = server ? nghttp2_session_server_new2(session, callbacks, user, option)
                  : nghttp2_session_client_new2(session, callbacks, user, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  return rv;
}

}  // namespace wasmrun::http
