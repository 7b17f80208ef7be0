// A wasi:http/proxy test guest in freestanding C (hand-written canonical ABI, no libc, no
// adapter), for tests/wasi_http/run-serve-tests. By path:
//   /echo...      200; x-method, x-path and x-echo-NAME per request header; the request body
//                 streamed back as it arrives (the head goes out first)
//   /headers      200; a line per wasi:http fields operation with its outcome (forbidden,
//                 invalid and immutable cases)
//   /trap         traps before answering            /trap-after  traps after a first body write
//   /loop         never returns (for --request-timeout)
//   /sleep        waits 300 ms on a monotonic-clock pollable, then answers "slept"
//   /noanswer     returns without response-outparam.set
//   /unfinished   answers, writes, returns without outgoing-body.finish
//   /length       declares content-length: 10 and writes 12 bytes: finish fails
//   /write-first  writes and finishes the body before response-outparam.set
//   /grow         grows its memory by 32 MiB: "grew" or "refused" (for --max-memory-size)
//   /env          its environment, a NAME=VALUE line each (wasi:cli/environment, beyond the
//                 proxy world: serve links it with -S cli)
//   /proxy        sends the request (method, body) on with outgoing-handler to x-upstream
//                 (authority) at x-upstream-path, scheme x-upstream-scheme (default http), and
//                 answers with the upstream's status and body; a refused request: 502 with
//                 "error-code N" (the case's index) or "set-X refused"; x-connect-timeout-ms,
//                 x-first-byte-timeout-ms and x-between-bytes-timeout-ms set those request
//                 options; x-upstream-method sets another method, x-upstream-content-length a
//                 content-length (a body that breaks it: "request body: error-code N"); a response body that fails midway ends with "\nerror-code N" (the
//                 http-error-code of the stream's error)
// The echo also sends the request's trailers back as the response's.
#include <stddef.h>
#include <stdint.h>

#ifndef WASI_VER
#define WASI_VER "0.2.0"
#endif
#define HTTP_TYPES "wasi:http/types@" WASI_VER
#define IO_STREAMS "wasi:io/streams@" WASI_VER
#define IO_POLL "wasi:io/poll@" WASI_VER
#define CLOCK "wasi:clocks/monotonic-clock@" WASI_VER
#define OUTGOING "wasi:http/outgoing-handler@" WASI_VER
#define IMPORT(mod, name) __attribute__((import_module(mod), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

typedef int32_t handle_t;

// ---- memory: a bump allocator; a fixed scratch buffer for body reads ----
#include "../../guests/freestanding.h"
#define READ_CHUNK 65536
static uint8_t scratch[READ_CHUNK];
static int use_scratch;  // the next list the host returns goes into scratch

EXPORT("cabi_realloc")
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  if (new_size == 0) return (void *)align;
  if (use_scratch && !ptr && new_size <= READ_CHUNK) {
    use_scratch = 0;
    return scratch;
  }
  void *r = bump_alloc(align, new_size);
  if (ptr) memcpy(r, ptr, old_size < new_size ? old_size : new_size);
  return r;
}

// ---- imports ----
IMPORT(HTTP_TYPES, "[constructor]fields") handle_t fields_new(void);
IMPORT(HTTP_TYPES, "[method]fields.append")
void fields_append(handle_t self, const char *n, size_t nlen, const uint8_t *v, size_t vlen, uint8_t *ret);
IMPORT(HTTP_TYPES, "[method]fields.set")
void fields_set(handle_t self, const char *n, size_t nlen, const void *values, size_t count, uint8_t *ret);
IMPORT(HTTP_TYPES, "[method]fields.delete") void fields_delete(handle_t self, const char *n, size_t nlen, uint8_t *ret);
IMPORT(HTTP_TYPES, "[method]fields.entries") void fields_entries(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[method]fields.get") void fields_get(handle_t self, const char *n, size_t nlen, int32_t *ret);
IMPORT(HTTP_TYPES, "[resource-drop]fields") void fields_drop(handle_t);
IMPORT(HTTP_TYPES, "[method]incoming-request.method") void incoming_request_method(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[method]incoming-request.path-with-query") void incoming_request_path(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[method]incoming-request.headers") handle_t incoming_request_headers(handle_t self);
IMPORT(HTTP_TYPES, "[method]incoming-request.consume") void incoming_request_consume(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[resource-drop]incoming-request") void incoming_request_drop(handle_t);
IMPORT(HTTP_TYPES, "[method]incoming-body.stream") void incoming_body_stream(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[resource-drop]incoming-body") void incoming_body_drop(handle_t);
IMPORT(HTTP_TYPES, "[static]incoming-body.finish") handle_t incoming_body_finish(handle_t self);
IMPORT(HTTP_TYPES, "[method]future-trailers.subscribe") handle_t future_trailers_subscribe(handle_t self);
IMPORT(HTTP_TYPES, "[method]future-trailers.get") void future_trailers_get(handle_t self, uint8_t *ret);
IMPORT(HTTP_TYPES, "[resource-drop]future-trailers") void future_trailers_drop(handle_t);
IMPORT(HTTP_TYPES, "[constructor]outgoing-request") handle_t outgoing_request_new(handle_t headers);
IMPORT(HTTP_TYPES, "[method]outgoing-request.set-method")
int32_t outgoing_request_set_method(handle_t self, int32_t disc, const char *p, size_t len);
IMPORT(HTTP_TYPES, "[method]outgoing-request.set-scheme")
int32_t outgoing_request_set_scheme(handle_t self, int32_t some, int32_t disc, const char *p, size_t len);
IMPORT(HTTP_TYPES, "[method]outgoing-request.set-authority")
int32_t outgoing_request_set_authority(handle_t self, int32_t some, const char *p, size_t len);
IMPORT(HTTP_TYPES, "[method]outgoing-request.set-path-with-query")
int32_t outgoing_request_set_path(handle_t self, int32_t some, const char *p, size_t len);
IMPORT(HTTP_TYPES, "[method]outgoing-request.body") void outgoing_request_body(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[method]future-incoming-response.subscribe") handle_t future_response_subscribe(handle_t self);
IMPORT(HTTP_TYPES, "[method]future-incoming-response.get") void future_response_get(handle_t self, uint8_t *ret);
IMPORT(HTTP_TYPES, "[resource-drop]future-incoming-response") void future_response_drop(handle_t);
IMPORT(HTTP_TYPES, "[method]incoming-response.status") int32_t incoming_response_status(handle_t self);
IMPORT(HTTP_TYPES, "[method]incoming-response.consume") void incoming_response_consume(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[resource-drop]incoming-response") void incoming_response_drop(handle_t);
IMPORT(HTTP_TYPES, "[constructor]request-options") handle_t request_options_new(void);
IMPORT(HTTP_TYPES, "[method]request-options.set-connect-timeout")
int32_t request_options_set_connect_timeout(handle_t self, int32_t some, int64_t ns);
IMPORT(HTTP_TYPES, "[method]request-options.set-first-byte-timeout")
int32_t request_options_set_first_byte_timeout(handle_t self, int32_t some, int64_t ns);
IMPORT(HTTP_TYPES, "[method]request-options.set-between-bytes-timeout")
int32_t request_options_set_between_bytes_timeout(handle_t self, int32_t some, int64_t ns);
IMPORT(HTTP_TYPES, "http-error-code") void http_error_code(handle_t err, uint8_t *ret);
IMPORT(OUTGOING, "handle") void outgoing_handle(handle_t request, int32_t has_options, handle_t options, uint8_t *ret);
IMPORT(HTTP_TYPES, "[constructor]outgoing-response") handle_t outgoing_response_new(handle_t headers);
IMPORT(HTTP_TYPES, "[method]outgoing-response.set-status-code") int32_t outgoing_response_set_status(handle_t self, int32_t code);
IMPORT(HTTP_TYPES, "[method]outgoing-response.body") void outgoing_response_body(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[method]outgoing-body.write") void outgoing_body_write(handle_t self, int32_t *ret);
IMPORT(HTTP_TYPES, "[static]outgoing-body.finish")
void outgoing_body_finish(handle_t self, int32_t has_trailers, handle_t trailers, uint8_t *ret);
IMPORT(HTTP_TYPES, "[static]response-outparam.set")
void response_outparam_set(handle_t param, int32_t is_err, int32_t a, int32_t b, int64_t c, int32_t d, int32_t e,
                           int32_t f, int32_t g);

IMPORT(IO_STREAMS, "[method]input-stream.blocking-read") void input_stream_blocking_read(handle_t self, int64_t len, int32_t *ret);
IMPORT(IO_STREAMS, "[resource-drop]input-stream") void input_stream_drop(handle_t);
IMPORT(IO_STREAMS, "[method]output-stream.check-write") void output_stream_check_write(handle_t self, int64_t *ret);
IMPORT(IO_STREAMS, "[method]output-stream.write") void output_stream_write(handle_t self, const uint8_t *p, size_t len, int32_t *ret);
IMPORT(IO_STREAMS, "[method]output-stream.subscribe") handle_t output_stream_subscribe(handle_t self);
IMPORT(IO_STREAMS, "[resource-drop]output-stream") void output_stream_drop(handle_t);
IMPORT("wasi:io/error@" WASI_VER, "[resource-drop]error") void io_error_drop(handle_t);
IMPORT("wasi:cli/environment@" WASI_VER, "get-environment") void get_environment(int32_t *ret);
IMPORT(IO_POLL, "[method]pollable.block") void pollable_block(handle_t self);
IMPORT(IO_POLL, "[resource-drop]pollable") void pollable_drop(handle_t);
IMPORT(CLOCK, "subscribe-duration") handle_t subscribe_duration(int64_t ns);

// ---- helpers ----
static size_t slen(const char *s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}
static int starts_with(const char *p, size_t plen, const char *prefix) {
  size_t n = slen(prefix);
  if (plen < n) return 0;
  for (size_t i = 0; i < n; ++i)
    if (p[i] != prefix[i]) return 0;
  return 1;
}
static int equals(const char *p, size_t plen, const char *s) { return plen == slen(s) && starts_with(p, plen, s); }

// A growing text buffer for the /headers report.
static char *text;
static size_t text_len, text_cap;
static void put(const char *p, size_t n) {
  if (text_len + n > text_cap) {
    size_t cap = (text_cap ? text_cap * 2 : 1024) + n;
    char *t = bump_alloc(1, cap);
    if (text_len) memcpy(t, text, text_len);
    text = t;
    text_cap = cap;
  }
  memcpy(text + text_len, p, n);
  text_len += n;
}
static void puts_(const char *s) { put(s, slen(s)); }

static const char *header_error_name(uint8_t ret[2]) {
  if (ret[0] == 0) return "ok";
  switch (ret[1]) {
    case 0: return "invalid-syntax";
    case 1: return "forbidden";
    case 2: return "immutable";
  }
  return "?";
}

// Writes all bytes with check-write / write, waiting on the stream's pollable when it is full.
static void write_all(handle_t out, const uint8_t *p, size_t n) {
  while (n > 0) {
    int64_t cw[3];
    output_stream_check_write(out, cw);
    if ((uint8_t)cw[0] != 0) __builtin_trap();
    uint64_t allowed = (uint64_t)cw[1];
    if (allowed == 0) {
      handle_t ready = output_stream_subscribe(out);
      pollable_block(ready);
      pollable_drop(ready);
      continue;
    }
    size_t chunk = n < allowed ? n : (size_t)allowed;
    int32_t ret[3];
    output_stream_write(out, p, chunk, ret);
    if ((uint8_t)ret[0] != 0) __builtin_trap();
    p += chunk;
    n -= chunk;
  }
}

static void add_header(handle_t fields, const char *name, size_t nlen, const uint8_t *v, size_t vlen) {
  uint8_t ret[8];
  fields_append(fields, name, nlen, v, vlen, ret);
}

// Sends the head (status, headers) and returns the body's output stream; *body gets the body.
static handle_t respond(handle_t outparam, handle_t headers, int status, handle_t *body) {
  handle_t resp = outgoing_response_new(headers);
  outgoing_response_set_status(resp, status);
  int32_t ret[3];
  outgoing_response_body(resp, ret);
  if ((uint8_t)ret[0] != 0) __builtin_trap();
  *body = ret[1];
  response_outparam_set(outparam, 0, resp, 0, 0, 0, 0, 0, 0);
  outgoing_body_write(*body, ret);
  if ((uint8_t)ret[0] != 0) __builtin_trap();
  return ret[1];
}

static int finish_with(handle_t out, handle_t body, int has_trailers, handle_t trailers) {
  output_stream_drop(out);
  _Alignas(8) uint8_t fret[40];
  outgoing_body_finish(body, has_trailers, trailers, fret);
  return fret[0];
}
static int finish(handle_t out, handle_t body) { return finish_with(out, body, 0, 0); }

// The http-error-code of a stream-error's io error (its case's index), or 99 when it has none.
static int stream_error_code(handle_t err) {
  // option<error-code>: 0, 8 (the case)
  _Alignas(8) uint8_t code[40];
  http_error_code(err, code);
  io_error_drop(err);
  return code[0] == 1 ? code[8] : 99;
}

// Copies an input stream into an output stream until it ends: -1 when it closed, else it failed:
// the http-error-code of its error (its case's index), or 99 when it has none.
static int copy_stream(handle_t in, handle_t out) {
  int32_t ret[3];
  for (;;) {
    use_scratch = 1;
    input_stream_blocking_read(in, READ_CHUNK, ret);
    use_scratch = 0;
    // result<list<u8>, stream-error>: 0, 4 (stream-error's case: 0 last-operation-failed, 1 closed), 8 (error)
    if ((uint8_t)ret[0] != 0) {
      return (uint8_t)ret[1] == 1 ? -1 : stream_error_code(ret[2]);
    }
    write_all(out, (const uint8_t *)(uintptr_t)ret[1], (size_t)ret[2]);
  }
}

// Copies an input stream into an outgoing request body until the input ends: -1, or the
// error-code (as stream_error_code) of the write that failed (content-length exceeded, say).
static int copy_upload(handle_t in, handle_t out) {
  int32_t ret[3];
  for (;;) {
    use_scratch = 1;
    input_stream_blocking_read(in, READ_CHUNK, ret);
    use_scratch = 0;
    if ((uint8_t)ret[0] != 0) return -1;
    const uint8_t *p = (const uint8_t *)(uintptr_t)ret[1];
    size_t n = (size_t)ret[2];
    while (n > 0) {
      int64_t cw[3];
      output_stream_check_write(out, cw);
      // result<u64, stream-error>: 0, 8 (stream-error's case), 12 (error)
      if ((uint8_t)cw[0] != 0) return ((uint8_t *)cw)[8] == 0 ? stream_error_code(((int32_t *)cw)[3]) : 99;
      if (cw[1] == 0) {
        handle_t ready = output_stream_subscribe(out);
        pollable_block(ready);
        pollable_drop(ready);
        continue;
      }
      size_t chunk = n < (uint64_t)cw[1] ? n : (size_t)cw[1];
      int32_t wret[3];
      output_stream_write(out, p, chunk, wret);
      // result<_, stream-error>: 0, 4 (stream-error's case), 8 (error)
      if ((uint8_t)wret[0] != 0) return (uint8_t)wret[1] == 0 ? stream_error_code(wret[2]) : 99;
      p += chunk;
      n -= chunk;
    }
  }
}

// The trailers of a finished incoming body, or 0 when it had none.
static handle_t trailers_of(handle_t in_body, int *has) {
  handle_t future = incoming_body_finish(in_body);
  handle_t ready = future_trailers_subscribe(future);
  pollable_block(ready);
  pollable_drop(ready);
  // option<result<result<option<own<trailers>>, error-code>>>: 0, 8, 16, 24 (option), 28 (handle)
  _Alignas(8) uint8_t r[64];
  future_trailers_get(future, r);
  future_trailers_drop(future);
  *has = r[0] == 1 && r[8] == 0 && r[16] == 0 && r[24] == 1;
  return *has ? *(int32_t *)(r + 28) : 0;
}

static void answer_text(handle_t outparam, int status, const char *p, size_t n) {
  handle_t headers = fields_new();
  add_header(headers, "content-type", 12, (const uint8_t *)"text/plain", 10);
  handle_t body;
  handle_t out = respond(outparam, headers, status, &body);
  write_all(out, (const uint8_t *)p, n);
  finish(out, body);
}

static void report(const char *what, uint8_t ret[2]) {
  puts_(what);
  puts_(": ");
  puts_(header_error_name(ret));
  puts_("\n");
}

static void headers_report(handle_t request, handle_t outparam) {
  handle_t h = fields_new();
  uint8_t ret[8];
  fields_append(h, "x-ok", 4, (const uint8_t *)"fine", 4, ret);
  report("append x-ok", ret);
  fields_append(h, "Connection", 10, (const uint8_t *)"close", 5, ret);
  report("append Connection", ret);
  fields_append(h, "Keep-Alive", 10, (const uint8_t *)"5", 1, ret);
  report("append Keep-Alive", ret);
  fields_append(h, "transfer-encoding", 17, (const uint8_t *)"chunked", 7, ret);
  report("append transfer-encoding", ret);
  fields_append(h, "host", 4, (const uint8_t *)"example.com", 11, ret);
  report("append host", ret);
  fields_append(h, "bad name", 8, (const uint8_t *)"v", 1, ret);
  report("append bad name", ret);
  fields_append(h, "x-bad-value", 11, (const uint8_t *)"a\nb", 3, ret);
  report("append bad value", ret);
  fields_delete(h, "upgrade", 7, ret);
  report("delete upgrade", ret);
  // The request's headers are immutable.
  handle_t req_headers = incoming_request_headers(request);
  fields_append(req_headers, "x-new", 5, (const uint8_t *)"v", 1, ret);
  report("append to request headers", ret);
  fields_delete(req_headers, "accept", 6, ret);
  report("delete from request headers", ret);
  // Lookups are case-insensitive; names come back lowercased.
  fields_append(h, "X-Mixed-Case", 12, (const uint8_t *)"1", 1, ret);
  int32_t got[2];
  fields_get(h, "x-mixed-case", 12, got);
  puts_(got[1] == 1 ? "get x-mixed-case: 1 value\n" : "get x-mixed-case: wrong\n");
  fields_drop(req_headers);
  answer_text(outparam, 200, text, text_len);
  fields_drop(h);
}

static void echo(handle_t request, handle_t outparam, const char *method, size_t mlen, const char *path, size_t plen) {
  handle_t headers = fields_new();
  add_header(headers, "x-method", 8, (const uint8_t *)method, mlen);
  add_header(headers, "x-path", 6, (const uint8_t *)path, plen);
  handle_t req_headers = incoming_request_headers(request);
  int32_t list[2];
  fields_entries(req_headers, list);
  const int32_t *e = (const int32_t *)(uintptr_t)list[0];
  for (int32_t i = 0; i < list[1]; ++i, e += 4) {
    const char *name = (const char *)(uintptr_t)e[0];
    size_t nlen = (size_t)e[1];
    char *echo_name = bump_alloc(1, nlen + 7);
    memcpy(echo_name, "x-echo-", 7);
    memcpy(echo_name + 7, name, nlen);
    add_header(headers, echo_name, nlen + 7, (const uint8_t *)(uintptr_t)e[2], (size_t)e[3]);
  }
  fields_drop(req_headers);

  int32_t ret[3];
  incoming_request_consume(request, ret);
  if ((uint8_t)ret[0] != 0) __builtin_trap();
  handle_t in_body = ret[1];
  incoming_body_stream(in_body, ret);
  if ((uint8_t)ret[0] != 0) __builtin_trap();
  handle_t in = ret[1];

  handle_t body;
  handle_t out = respond(outparam, headers, 200, &body);
  copy_stream(in, out);
  input_stream_drop(in);
  int has_trailers;
  handle_t trailers = trailers_of(in_body, &has_trailers);
  finish_with(out, body, has_trailers, trailers);
}

// The value of request header `name` (lowercase), or 0.
static const char *header_value(handle_t request, const char *name, size_t *len) {
  handle_t h = incoming_request_headers(request);
  int32_t got[2];
  fields_get(h, name, slen(name), got);
  fields_drop(h);
  if (got[1] == 0) return 0;
  const int32_t *v = (const int32_t *)(uintptr_t)got[0];
  *len = (size_t)v[1];
  return (const char *)(uintptr_t)v[0];
}

static void refuse(handle_t outparam, const char *what) { answer_text(outparam, 502, what, slen(what)); }

static void proxy(handle_t request, handle_t outparam, uint8_t method) {
  size_t alen = 0, plen = 0, slen_ = 0;
  const char *authority = header_value(request, "x-upstream", &alen);
  const char *path = header_value(request, "x-upstream-path", &plen);
  const char *scheme = header_value(request, "x-upstream-scheme", &slen_);
  size_t mlen = 0, clen = 0;
  const char *other_method = header_value(request, "x-upstream-method", &mlen);
  const char *content_length = header_value(request, "x-upstream-content-length", &clen);
  handle_t up_headers = fields_new();
  if (content_length) add_header(up_headers, "content-length", 14, (const uint8_t *)content_length, clen);
  handle_t req = outgoing_request_new(up_headers);
  int32_t method_set = other_method ? outgoing_request_set_method(req, 9, other_method, mlen)
                                    : outgoing_request_set_method(req, method, 0, 0);
  if (method_set != 0) return refuse(outparam, "set-method refused");
  if (scheme) {
    if (outgoing_request_set_scheme(req, 1, 2, scheme, slen_) != 0) return refuse(outparam, "set-scheme refused");
  } else {
    outgoing_request_set_scheme(req, 1, 0, 0, 0);
  }
  if (authority && outgoing_request_set_authority(req, 1, authority, alen) != 0)
    return refuse(outparam, "set-authority refused");
  if (path && outgoing_request_set_path(req, 1, path, plen) != 0) return refuse(outparam, "set-path-with-query refused");
  int32_t ret[3];
  outgoing_request_body(req, ret);
  handle_t up_body = ret[1];

  static const char *timeout_headers[] = {"x-connect-timeout-ms", "x-first-byte-timeout-ms", "x-between-bytes-timeout-ms"};
  handle_t options = 0;
  for (int k = 0; k < 3; ++k) {
    size_t tlen = 0;
    const char *timeout_ms = header_value(request, timeout_headers[k], &tlen);
    if (!timeout_ms) continue;
    int64_t ms = 0;
    for (size_t i = 0; i < tlen; ++i) ms = ms * 10 + (timeout_ms[i] - '0');
    if (!options) options = request_options_new();
    int32_t (*setter)(handle_t, int32_t, int64_t) = k == 0   ? request_options_set_connect_timeout
                                                    : k == 1 ? request_options_set_first_byte_timeout
                                                             : request_options_set_between_bytes_timeout;
    if (setter(options, 1, ms * 1000000) != 0) return refuse(outparam, "a request option was refused");
  }
  // result<own<future-incoming-response>, error-code>: 0 (discriminant), 8 (handle or error-code)
  _Alignas(8) uint8_t hr[48];
  outgoing_handle(req, options != 0, options, hr);
  if (hr[0] != 0) {
    char msg[] = "error-code 00";
    msg[11] = (char)('0' + hr[8] / 10);
    msg[12] = (char)('0' + hr[8] % 10);
    return refuse(outparam, msg);
  }
  handle_t future = *(int32_t *)(hr + 8);

  // The request body goes on as it arrives.
  incoming_request_consume(request, ret);
  handle_t in_body = ret[1];
  incoming_body_stream(in_body, ret);
  handle_t in = ret[1];
  outgoing_body_write(up_body, ret);
  handle_t up_out = ret[1];
  int upload_failure = copy_upload(in, up_out);
  input_stream_drop(in);
  incoming_body_drop(in_body);
  output_stream_drop(up_out);
  // result<_, error-code>: 0, 8 (the case)
  _Alignas(8) uint8_t fin[40];
  outgoing_body_finish(up_body, 0, 0, fin);
  if (upload_failure < 0 && fin[0] != 0) upload_failure = fin[8];
  if (upload_failure >= 0) {
    char msg[] = "request body: error-code 00";
    msg[25] = (char)('0' + upload_failure / 10);
    msg[26] = (char)('0' + upload_failure % 10);
    return refuse(outparam, msg);
  }

  handle_t ready = future_response_subscribe(future);
  pollable_block(ready);
  pollable_drop(ready);
  // option<result<result<own<incoming-response>, error-code>>>: 0, 8, 16, 24 (handle or error-code)
  _Alignas(8) uint8_t fr[64];
  future_response_get(future, fr);
  future_response_drop(future);
  if (fr[0] != 1 || fr[8] != 0) return refuse(outparam, "future-incoming-response.get: no response");
  if (fr[16] != 0) {
    char msg[] = "error-code 00";
    msg[11] = (char)('0' + fr[24] / 10);
    msg[12] = (char)('0' + fr[24] % 10);
    return refuse(outparam, msg);
  }
  handle_t resp = *(int32_t *)(fr + 24);
  int status = incoming_response_status(resp);
  incoming_response_consume(resp, ret);
  handle_t resp_body = ret[1];
  incoming_body_stream(resp_body, ret);
  handle_t resp_in = ret[1];
  handle_t body;
  handle_t out = respond(outparam, fields_new(), status, &body);
  int failure = copy_stream(resp_in, out);
  if (failure >= 0) {
    char msg[] = "\nerror-code 00";
    msg[12] = (char)('0' + failure / 10);
    msg[13] = (char)('0' + failure % 10);
    write_all(out, (const uint8_t *)msg, 14);
  }
  input_stream_drop(resp_in);
  incoming_body_drop(resp_body);
  incoming_response_drop(resp);
  finish(out, body);
}

EXPORT("wasi:http/incoming-handler@" WASI_VER "#handle")
void handle(handle_t request, handle_t outparam) {
  int32_t ret[3];
  incoming_request_method(request, ret);
  static const char *names[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  uint8_t m = (uint8_t)ret[0];
  const char *method = m < 9 ? names[m] : (const char *)(uintptr_t)ret[1];
  size_t mlen = m < 9 ? slen(names[m]) : (size_t)ret[2];
  incoming_request_path(request, ret);
  const char *path = "";
  size_t plen = 0;
  if ((uint8_t)ret[0] == 1) {
    path = (const char *)(uintptr_t)ret[1];
    plen = (size_t)ret[2];
  }

  if (starts_with(path, plen, "/echo")) {
    echo(request, outparam, method, mlen, path, plen);
  } else if (equals(path, plen, "/write-first")) {
    handle_t resp = outgoing_response_new(fields_new());
    outgoing_response_body(resp, ret);
    handle_t body = ret[1];
    outgoing_body_write(body, ret);
    handle_t out = ret[1];
    write_all(out, (const uint8_t *)"written before the head\n", 24);
    finish(out, body);
    response_outparam_set(outparam, 0, resp, 0, 0, 0, 0, 0, 0);
  } else if (equals(path, plen, "/grow")) {
    int refused = __builtin_wasm_memory_grow(0, 512) == (size_t)-1;
    answer_text(outparam, 200, refused ? "refused\n" : "grew\n", refused ? 8 : 5);
  } else if (equals(path, plen, "/env")) {
    int32_t list[2];
    get_environment(list);
    const int32_t *e = (const int32_t *)(uintptr_t)list[0];
    for (int32_t i = 0; i < list[1]; ++i, e += 4) {
      put((const char *)(uintptr_t)e[0], (size_t)e[1]);
      puts_("=");
      put((const char *)(uintptr_t)e[2], (size_t)e[3]);
      puts_("\n");
    }
    answer_text(outparam, 200, text, text_len);
  } else if (equals(path, plen, "/proxy")) {
    proxy(request, outparam, m);
  } else if (equals(path, plen, "/headers")) {
    headers_report(request, outparam);
  } else if (equals(path, plen, "/trap")) {
    __builtin_trap();
  } else if (equals(path, plen, "/trap-after")) {
    handle_t body;
    handle_t out = respond(outparam, fields_new(), 200, &body);
    write_all(out, (const uint8_t *)"partial", 7);
    __builtin_trap();
  } else if (equals(path, plen, "/loop")) {
    for (volatile int spin = 0;; spin = spin + 1) {
    }
  } else if (equals(path, plen, "/sleep")) {
    handle_t p = subscribe_duration(300 * 1000 * 1000);
    pollable_block(p);
    pollable_drop(p);
    answer_text(outparam, 200, "slept\n", 6);
  } else if (equals(path, plen, "/noanswer")) {
    return;
  } else if (equals(path, plen, "/unfinished")) {
    handle_t body;
    handle_t out = respond(outparam, fields_new(), 200, &body);
    write_all(out, (const uint8_t *)"partial", 7);
    return;
  } else if (equals(path, plen, "/length")) {
    handle_t headers = fields_new();
    add_header(headers, "content-length", 14, (const uint8_t *)"10", 2);
    handle_t body;
    handle_t out = respond(outparam, headers, 200, &body);
    int32_t wret[3];
    output_stream_write(out, (const uint8_t *)"0123456789AB", 12, wret);
    finish(out, body);
  } else {
    answer_text(outparam, 404, "not found\n", 10);
  }
  incoming_request_drop(request);
}
