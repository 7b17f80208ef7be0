// libFuzzer target for the HTTP/2 server fed raw frames. Each input becomes the bytes a client
// sends after the connection preface: as they are (input byte 0 odd), or as a list of frames
// whose 9-byte headers the target writes — type, flags, stream and length from the input, the
// payload from what follows — so that inputs reach frame semantics (HPACK blocks, CONTINUATION,
// flow control, RST_STREAM, PRIORITY, GOAWAY, trailers) rather than dying on framing. The server
// runs in this thread on a loop with the test handlers (echo, count, trailers, big bodies, slow
// and hanging handlers), small limits and short timeouts, over loopback TCP; the target reads
// what it answers so that it never blocks, and closes once the server has nothing more to say. Properties: no crash, hang, leak or sanitizer report,
// and the server ends every connection (none is left open after the client goes).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/event_loop.h"
#include "http/server.h"
#include "tests/http/test_handlers.h"

using namespace wasmrun::http;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<ServerLoop> server;
  Fixture() {
    loop = EventLoop::create().take();
    ServerConfig config;
    config.port = 0;
    config.header_timeout = config.body_timeout = config.idle_timeout = 20ms;
    config.write_timeout = 20ms;
    config.limits.max_field_section = 2048;
    config.limits.max_fields = 16;
    config.limits.max_body = 4096;
    config.h2_max_concurrent_streams = 8;
    config.h2_stream_window = 1024;
    config.h2_connection_window = 4096;
    server = ServerLoop::create(*loop, config, testing::test_handler).take();
  }
};

// Input frames: type, flags, stream (1 byte: odd ids for requests, 0 for the connection),
// length (1 byte), then that many payload bytes.
std::string frames_from(const uint8_t* data, size_t size) {
  std::string out;
  size_t i = 0;
  while (i + 4 <= size) {
    uint8_t type = data[i] % 10, flags = data[i + 1], stream = data[i + 2], length = data[i + 3];
    i += 4;
    size_t n = std::min<size_t>(length, size - i);
    uint32_t id = stream == 0 ? 0 : stream % 2 ? stream : stream - 1;
    out += {char(n >> 16), char(n >> 8), char(n), char(type), char(flags), 0, 0, 0, char(id)};
    out.append(reinterpret_cast<const char*>(data + i), n);
    i += n;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture f;
  if (size < 1) return 0;
  std::string bytes = std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\x04\0\0\0\0\0", 9);
  bytes += data[0] & 1 ? std::string(reinterpret_cast<const char*>(data + 1), size - 1) : frames_from(data + 1, size - 1);

  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(f.server->port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);  // EINPROGRESS; completes on loopback
  size_t sent = 0;
  char sink[65536];
  // Send everything while serving, until the server has nothing more to say.
  for (int round = 0; round < 100; ++round) {
    if (sent < bytes.size()) {
      ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += size_t(n);
    }
    f.loop->run_once(round < 2 ? 1ms : 0ms);
    bool answered = false;
    while (recv(fd, sink, sizeof sink, 0) > 0) answered = true;
    if (sent == bytes.size() && round >= 3 && !answered) break;
  }
  close(fd);
  for (int round = 0; round < 100 && f.server->connection_count() > 0; ++round) f.loop->run_once(1ms);
  if (f.server->connection_count() > 0) __builtin_trap();  // a connection outlived its client
  return 0;
}
