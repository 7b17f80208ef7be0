#include "http/transport.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wasmrun::http {

Transport::~Transport() {
  if (fd_ >= 0) close(fd_);
}

IoResult Transport::read(char* buffer, size_t size) {
  while (true) {
    ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n > 0) return {IoStatus::ok, static_cast<size_t>(n)};
    if (n == 0) return {IoStatus::eof};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::would_block};
    error_ = std::strerror(errno);
    return {IoStatus::error, 0, errno};
  }
}

IoResult Transport::write(const char* data, size_t size) {
  while (true) {
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) return {IoStatus::ok, static_cast<size_t>(n)};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::would_block};
    error_ = std::strerror(errno);
    return {IoStatus::error, 0, errno};
  }
}

void Transport::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

IoStatus write_buffer(Transport& transport, ByteBuffer& out) {
  while (!out.empty()) {
    IoResult r = transport.write(out.data(), out.size());
    if (r.status != IoStatus::ok) return r.status == IoStatus::would_block ? IoStatus::would_block : IoStatus::error;
    out.consume(r.bytes);
  }
  out.shrink_if_empty();
  return IoStatus::ok;
}

}  // namespace wasmrun::http
