// A wasi:cli/command component in freestanding C that uses wasi:sockets through hand-written
// canonical-ABI imports (Debian's wasi-libc has no wasip2 socket headers). Its first argument
// picks what it does; it prints what happened to stdout, one line per step, and returns err
// from run when a step fails (exit status 1):
//   tcp-client PORT   connects to 127.0.0.1:PORT, writes a line, prints the line echoed back
//   tcp-server        listens on 127.0.0.1 (port 0), prints "listening PORT", accepts one
//                     client, echoes what it sends until it shuts down sending, then ends
//   udp               two UDP sockets on 127.0.0.1 send each other a datagram
//   lookup NAME       prints the addresses NAME resolves to
//   create-tcp, create-udp, lookup-only NAME
//                     one call each, printing the error code when it fails (access-denied ...)
// Built by tests/wasi_p2/run-socket-tests: clang-19 --target=wasm32-unknown-unknown -nostdlib,
// then jco embed with a world importing these interfaces at WASI_VER, and jco new.
#include <stddef.h>
#include <stdint.h>

#ifndef WASI_VER
#define WASI_VER "0.2.0"
#endif
#define IMPORT(mod, name) __attribute__((import_module(mod "@" WASI_VER), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

typedef int32_t handle_t;

// ---- memory: a bump allocator (nothing is freed), memcpy for clang ----
#include "../../freestanding.h"
EXPORT("cabi_realloc")
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  void *p = bump_alloc(align, new_size);
  if (ptr) memcpy(p, ptr, old_size < new_size ? old_size : new_size);
  return p;
}

// ---- imports. A result<_, error-code> comes back through a return area {u8 is_err, u8 code};
// a result<T, error-code> with T of 4-byte alignment as {u8 is_err @0, T or u8 code @4}. ----
// ip-socket-address flattens to 12 values: case, then ipv4 (port, 4 bytes) or ipv6 (port,
// flow-info, 8 segments, scope-id), padded with zeros.
#define ADDR_PARAMS int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t

IMPORT("wasi:cli/stdout", "get-stdout") handle_t get_stdout(void);
IMPORT("wasi:cli/environment", "get-arguments") void get_arguments(int32_t *ret);
IMPORT("wasi:io/streams", "[method]output-stream.blocking-write-and-flush")
void blocking_write_and_flush(handle_t self, const void *p, size_t len, int32_t *ret);
IMPORT("wasi:io/streams", "[method]input-stream.blocking-read") void blocking_read(handle_t self, int64_t len, int32_t *ret);
IMPORT("wasi:io/streams", "[resource-drop]input-stream") void input_stream_drop(handle_t);
IMPORT("wasi:io/streams", "[resource-drop]output-stream") void output_stream_drop(handle_t);
IMPORT("wasi:io/poll", "[method]pollable.block") void pollable_block(handle_t);
IMPORT("wasi:io/poll", "[resource-drop]pollable") void pollable_drop(handle_t);

IMPORT("wasi:sockets/instance-network", "instance-network") handle_t instance_network(void);
IMPORT("wasi:sockets/tcp-create-socket", "create-tcp-socket") void create_tcp_socket(int32_t family, int32_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-bind") void tcp_start_bind(handle_t, handle_t, ADDR_PARAMS, uint8_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-bind") void tcp_finish_bind(handle_t, uint8_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-connect") void tcp_start_connect(handle_t, handle_t, ADDR_PARAMS, uint8_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-connect") void tcp_finish_connect(handle_t, int32_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-listen") void tcp_start_listen(handle_t, uint8_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-listen") void tcp_finish_listen(handle_t, uint8_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.accept") void tcp_accept(handle_t, int32_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.local-address") void tcp_local_address(handle_t, int32_t *ret);
IMPORT("wasi:sockets/tcp", "[method]tcp-socket.subscribe") handle_t tcp_subscribe(handle_t);
IMPORT("wasi:sockets/tcp", "[resource-drop]tcp-socket") void tcp_drop(handle_t);
IMPORT("wasi:sockets/udp-create-socket", "create-udp-socket") void create_udp_socket(int32_t family, int32_t *ret);
IMPORT("wasi:sockets/udp", "[method]udp-socket.start-bind") void udp_start_bind(handle_t, handle_t, ADDR_PARAMS, uint8_t *ret);
IMPORT("wasi:sockets/udp", "[method]udp-socket.finish-bind") void udp_finish_bind(handle_t, uint8_t *ret);
// stream: func(remote-address: option<ip-socket-address>): option flattens to is_some + 12.
IMPORT("wasi:sockets/udp", "[method]udp-socket.stream") void udp_stream(handle_t, int32_t, ADDR_PARAMS, int32_t *ret);
IMPORT("wasi:sockets/udp", "[method]udp-socket.local-address") void udp_local_address(handle_t, int32_t *ret);
IMPORT("wasi:sockets/udp", "[method]incoming-datagram-stream.receive") void udp_receive(handle_t, int64_t max, int32_t *ret);
IMPORT("wasi:sockets/udp", "[method]incoming-datagram-stream.subscribe") handle_t udp_incoming_subscribe(handle_t);
IMPORT("wasi:sockets/udp", "[method]outgoing-datagram-stream.check-send") void udp_check_send(handle_t, uint64_t *ret);
IMPORT("wasi:sockets/udp", "[method]outgoing-datagram-stream.send") void udp_send(handle_t, const void *list, size_t n, uint64_t *ret);
IMPORT("wasi:sockets/ip-name-lookup", "resolve-addresses") void resolve_addresses(handle_t, const char *, size_t, int32_t *ret);
IMPORT("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address") void resolve_next(handle_t, uint8_t *ret);
IMPORT("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.subscribe") handle_t resolve_subscribe(handle_t);

// ---- output ----
static handle_t out_stream;
static size_t length(const char *s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}
static void print_bytes(const void *p, size_t n) {
  int32_t ret[4];
  while (n > 0) {  // blocking-write-and-flush takes at most 4096 bytes
    size_t chunk = n > 4096 ? 4096 : n;
    blocking_write_and_flush(out_stream, p, chunk, ret);
    p = (const char *)p + chunk;
    n -= chunk;
  }
}
static void print(const char *s) { print_bytes(s, length(s)); }
static void print_u(uint32_t v) {
  char buf[12];
  int i = 11;
  buf[i] = 0;
  do buf[--i] = (char)('0' + v % 10); while (v /= 10);
  print(buf + i);
}
static void print_hex(uint32_t v) {
  char buf[9];
  int i = 8;
  buf[i] = 0;
  do buf[--i] = "0123456789abcdef"[v % 16]; while (v /= 16);
  print(buf + i);
}

static const char *const kErrorNames[] = {
    "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
    "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
    "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused", "connection-reset",
    "connection-aborted", "datagram-too-large", "name-unresolvable", "temporary-resolver-failure",
    "permanent-resolver-failure"};
static int failed(const char *what, uint32_t code) {
  print(what);
  print(": ");
  print(code < sizeof kErrorNames / sizeof *kErrorNames ? kErrorNames[code] : "?");
  print("\n");
  return 1;
}
#define CHECK_UNIT(what, call)                          \
  do {                                                  \
    uint8_t r_[2];                                      \
    call;                                               \
    if (r_[0]) return failed(what, r_[1]);              \
  } while (0)

// ---- addresses ----
#define LOOPBACK4(port) 0, (port), 127, 0, 0, 1, 0, 0, 0, 0, 0, 0
// The port of an ip-socket-address in memory: {u8 case @0, port u16 @4, ...}.
static uint32_t port_at(const uint8_t *address) { return *(const uint16_t *)(address + 4); }

static handle_t net;

// Blocks on a pollable, then drops it.
static void await(handle_t pollable) {
  pollable_block(pollable);
  pollable_drop(pollable);
}

// ---- the modes ----
static int tcp_client(uint32_t port) {
  int32_t r[4];
  create_tcp_socket(0, r);
  if (r[0] & 0xff) return failed("create-tcp-socket", r[1] & 0xff);
  handle_t sock = r[1];
  CHECK_UNIT("start-connect", tcp_start_connect(sock, net, LOOPBACK4(port), r_));
  for (;;) {
    tcp_finish_connect(sock, r);
    if (!(r[0] & 0xff)) break;
    if ((r[1] & 0xff) != 8) return failed("finish-connect", r[1] & 0xff);  // 8: would-block
    await(tcp_subscribe(sock));
  }
  handle_t in = r[1], out = r[2];
  print("connected\n");
  static const char line[] = "hello over wasi:sockets tcp\n";
  int32_t w[4];
  blocking_write_and_flush(out, line, sizeof line - 1, w);
  if (w[0] & 0xff) return failed("write", 0);
  size_t got = 0;
  print("echo: ");
  while (got < sizeof line - 1) {
    int32_t rd[4];
    blocking_read(in, sizeof line - 1 - got, rd);
    if (rd[0] & 0xff) return failed("read", 0);
    print_bytes((const void *)rd[1], (size_t)rd[2]);
    got += (size_t)rd[2];
  }
  output_stream_drop(out);
  input_stream_drop(in);
  tcp_drop(sock);
  return 0;
}

static int tcp_server(void) {
  int32_t r[4];
  create_tcp_socket(0, r);
  if (r[0] & 0xff) return failed("create-tcp-socket", r[1] & 0xff);
  handle_t sock = r[1];
  CHECK_UNIT("start-bind", tcp_start_bind(sock, net, LOOPBACK4(0), r_));
  CHECK_UNIT("finish-bind", tcp_finish_bind(sock, r_));
  CHECK_UNIT("start-listen", tcp_start_listen(sock, r_));
  CHECK_UNIT("finish-listen", tcp_finish_listen(sock, r_));
  int32_t local[10];
  tcp_local_address(sock, local);
  if (local[0] & 0xff) return failed("local-address", local[1] & 0xff);
  print("listening ");
  print_u(port_at((const uint8_t *)local + 4));
  print("\n");
  for (;;) {
    tcp_accept(sock, r);
    if (!(r[0] & 0xff)) break;
    if ((r[1] & 0xff) != 8) return failed("accept", r[1] & 0xff);
    await(tcp_subscribe(sock));
  }
  handle_t client = r[1], in = r[2], out = r[3];
  print("accepted\n");
  size_t total = 0;
  for (;;) {
    int32_t rd[4];
    blocking_read(in, 65536, rd);
    if (rd[0] & 0xff) break;  // closed: the client shut its sending side down
    int32_t w[4];
    const char *p = (const char *)rd[1];
    size_t n = (size_t)rd[2];
    while (n > 0) {
      size_t chunk = n > 4096 ? 4096 : n;
      blocking_write_and_flush(out, p, chunk, w);
      if (w[0] & 0xff) return failed("write", 0);
      p += chunk;
      n -= chunk;
    }
    total += (size_t)rd[2];
  }
  print("echoed ");
  print_u((uint32_t)total);
  print(" bytes\n");
  output_stream_drop(out);
  input_stream_drop(in);
  tcp_drop(client);
  tcp_drop(sock);
  return 0;
}

// outgoing-datagram: {data ptr @0, len @4, option<ip-socket-address> {u8 is_some @8, address
// {u8 case @12, port u16 @16, 4 bytes @18}}}, 44 bytes.
struct outgoing_datagram {
  const void *data;
  uint32_t len;
  uint8_t is_some, pad0[3];
  uint8_t address_case, pad1[3];
  uint16_t port;
  uint8_t ip[4];
  uint8_t rest[22];  // the rest of an ipv6 address
};

static int udp_bound_socket(handle_t *sock, uint32_t *port) {
  int32_t r[4];
  create_udp_socket(0, r);
  if (r[0] & 0xff) return failed("create-udp-socket", r[1] & 0xff);
  *sock = r[1];
  CHECK_UNIT("udp start-bind", udp_start_bind(*sock, net, LOOPBACK4(0), r_));
  CHECK_UNIT("udp finish-bind", udp_finish_bind(*sock, r_));
  int32_t local[10];
  udp_local_address(*sock, local);
  if (local[0] & 0xff) return failed("udp local-address", local[1] & 0xff);
  *port = port_at((const uint8_t *)local + 4);
  return 0;
}

static int udp_send_to(handle_t out, const char *text, uint32_t port) {
  uint64_t r[2];
  udp_check_send(out, r);
  if (r[0] & 0xff) return failed("check-send", (uint32_t)r[1]);
  struct outgoing_datagram d;
  memset(&d, 0, sizeof d);
  d.data = text;
  d.len = length(text);
  d.is_some = 1;
  d.address_case = 0;
  d.port = (uint16_t)port;
  d.ip[0] = 127, d.ip[3] = 1;
  udp_send(out, &d, 1, r);
  if (r[0] & 0xff) return failed("send", (uint32_t)r[1]);
  return 0;
}

// incoming-datagram: {data ptr @0, len @4, remote-address {u8 case @8, port u16 @12, ...}}, 40 bytes.
static int udp_receive_one(handle_t in, const char *who) {
  for (;;) {
    int32_t r[4];
    udp_receive(in, 1, r);
    if (r[0] & 0xff) return failed("receive", r[1] & 0xff);
    if (r[2] == 0) {
      await(udp_incoming_subscribe(in));
      continue;
    }
    const uint8_t *d = (const uint8_t *)r[1];
    print(who);
    print(" got \"");
    print_bytes((const void *)*(const int32_t *)d, (size_t) * (const int32_t *)(d + 4));
    print("\" from port ");
    print_u(*(const uint16_t *)(d + 12));
    print("\n");
    return 0;
  }
}

static int udp(void) {
  handle_t a, b;
  uint32_t a_port, b_port;
  if (udp_bound_socket(&a, &a_port) || udp_bound_socket(&b, &b_port)) return 1;
  int32_t r[4];
  udp_stream(a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, r);
  if (r[0] & 0xff) return failed("stream a", r[1] & 0xff);
  handle_t a_in = r[1], a_out = r[2];
  udp_stream(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, r);
  if (r[0] & 0xff) return failed("stream b", r[1] & 0xff);
  handle_t b_in = r[1], b_out = r[2];
  if (udp_send_to(a_out, "ping", b_port) || udp_receive_one(b_in, "b")) return 1;
  if (udp_send_to(b_out, "pong", a_port) || udp_receive_one(a_in, "a")) return 1;
  print(a_port != b_port ? "two ports\n" : "one port\n");
  return 0;
}

// result<option<ip-address>, error-code>: {u8 is_err @0, option {u8 is_some @2, ip-address
// {u8 case @4, 4 bytes or 8 u16 @6}}}, or {u8 is_err, u8 code @2}.
static int lookup(const char *name, int only_start) {
  int32_t r[4];
  resolve_addresses(net, name, length(name), r);
  if (r[0] & 0xff) return failed("resolve-addresses", r[1] & 0xff);
  if (only_start) return 0;
  handle_t stream = r[1];
  for (;;) {
    uint16_t area[11];
    uint8_t *n = (uint8_t *)area;
    resolve_next(stream, n);
    if (n[0]) {
      if (n[2] == 8) {  // would-block
        await(resolve_subscribe(stream));
        continue;
      }
      return failed("resolve-next-address", n[2]);
    }
    if (!n[2]) break;
    if (n[4] == 0) {
      for (int i = 0; i < 4; ++i) {
        print_u(n[6 + i]);
        print(i < 3 ? "." : "\n");
      }
    } else {
      for (int i = 0; i < 8; ++i) {
        print_hex(*(const uint16_t *)(n + 6 + 2 * i));
        print(i < 7 ? ":" : "\n");
      }
    }
  }
  return 0;
}

static int equals(const char *a, const char *b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}
static uint32_t number(const char *s) {
  uint32_t v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (uint32_t)(*s++ - '0');
  return v;
}

// wasi:cli/run's run: result (no payloads) flattens to an i32, 0 for ok.
EXPORT("wasi:cli/run@" WASI_VER "#run")
int32_t run(void) {
  out_stream = get_stdout();
  int32_t args[2];
  get_arguments(args);
  const int32_t *list = (const int32_t *)args[0];
  size_t count = (size_t)args[1];
  // Each argument is a string {ptr, len}, not terminated: copy with a terminator.
  const char *argv[4] = {"", "", "", ""};
  for (size_t i = 0; i < count && i < 4; ++i) {
    char *s = bump_alloc(1, (size_t)list[2 * i + 1] + 1);
    memcpy(s, (const void *)list[2 * i], (size_t)list[2 * i + 1]);
    s[list[2 * i + 1]] = 0;
    argv[i] = s;
  }
  net = instance_network();
  const char *mode = argv[1];
  if (equals(mode, "tcp-client")) return tcp_client(number(argv[2]));
  if (equals(mode, "tcp-server")) return tcp_server();
  if (equals(mode, "udp")) return udp();
  if (equals(mode, "lookup")) return lookup(argv[2], 0);
  if (equals(mode, "lookup-only")) {
    if (lookup(argv[2], 1)) return 1;
    print("resolve-addresses: ok\n");
    return 0;
  }
  if (equals(mode, "create-tcp") || equals(mode, "create-udp")) {
    int32_t r[4];
    if (mode[7] == 't') create_tcp_socket(0, r);
    else create_udp_socket(0, r);
    if (r[0] & 0xff) return failed(mode, r[1] & 0xff);
    print("created\n");
    return 0;
  }
  print("usage: sockets tcp-client PORT | tcp-server | udp | lookup NAME | lookup-only NAME | create-tcp | create-udp\n");
  return 1;
}
