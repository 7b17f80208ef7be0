// sock_*: preview1 can only use sockets the host hands over, and wasmrun hands over none. Each
// call checks its descriptor and reports NotSock (or NotSup for an inherited socket).
#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {
Errno no_sockets(Call& c, uint32_t fd) {
  Descriptor* d;
  WASI_TRY(c.ctx.fds().get(fd, 0, d));
  bool socket = d->type == Filetype::SocketStream || d->type == Filetype::SocketDgram;
  return socket ? Errno::NotSup : Errno::NotSock;
}
}  // namespace

Errno sock_accept(Call& c, uint32_t fd, uint32_t, uint32_t) { return no_sockets(c, fd); }
Errno sock_recv(Call& c, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) { return no_sockets(c, fd); }
Errno sock_send(Call& c, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t) { return no_sockets(c, fd); }
Errno sock_shutdown(Call& c, uint32_t fd, uint32_t) { return no_sockets(c, fd); }

}  // namespace wasmrun::wasi::preview1
