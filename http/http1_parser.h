// A strict, streaming HTTP/1.1 message parser (RFC 9112). It owns no socket and no buffer: the
// caller feeds it bytes and it reports what it finds through callbacks, so it is tested and fuzzed
// without a network.
//
// Feeding contract: feed(data) consumes a prefix of `data` and returns its length. Bytes not
// consumed (an incomplete line at the end, or everything after a pause or the end of a message)
// must be presented again, in front of any new bytes, on the next call. The string views handed to
// callbacks point into `data` and are valid only during the callback.
//
// The parser stops after each complete message (state() == message_complete); call
// start_next_message() to parse the next one (pipelining). It also stops when on_body() returns
// false (backpressure: the body consumer is full) — feed again to continue — and on the first
// error, which is final: error() says what was wrong, where, and which status a server answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wasmrun::http {

enum class Version : uint8_t { http10, http11, http2 };

// How a message's body is delimited (RFC 9112 §6.3).
enum class BodyFraming : uint8_t {
  none,            // no body at all
  content_length,  // exactly content_length bytes
  chunked,         // chunked transfer coding, possibly with trailers
  until_close,     // a response that ends when the connection closes
};

enum class ParseErrorKind : uint8_t {
  syntax,                  // malformed start line, field or chunk framing → 400
  uri_too_long,            // request line over the limit → 414
  header_section_too_large,// field section (or trailer section) over a limit → 431
  body_too_large,          // Content-Length or chunked body over the body limit → 413
  unsupported_transfer_coding,  // a transfer coding other than chunked → 501
  unsupported_version,     // HTTP/2.0 or other major versions on an HTTP/1 connection → 505
  incomplete,              // input ended inside a message
};

struct ParseError {
  ParseErrorKind kind = ParseErrorKind::syntax;
  uint64_t offset = 0;     // byte offset in the connection's input where it was detected
  std::string message;
  // The status a server responds with for this error.
  int status() const;
};

struct ParserLimits {
  size_t max_start_line = 8 * 1024;       // request line / status line, CRLF excluded
  size_t max_field_section = 64 * 1024;   // all field lines of one head (or trailer section)
  size_t max_fields = 128;                // field lines in one head (or trailer section)
  size_t max_chunk_line = 1024;           // chunk-size line including extensions
  uint64_t max_body = UINT64_MAX;         // declared or received body bytes
  size_t max_leading_empty_lines = 4;     // RFC 9112 §2.2: empty lines before a request line
};

class Http1Parser {
 public:
  enum class Mode : uint8_t { request, response };

  enum class State : uint8_t {
    start_line, fields, body_length, chunk_size, chunk_data, chunk_data_end, trailers,
    body_until_close, message_complete, failed,
  };

  class Callbacks {
   public:
    virtual ~Callbacks() = default;
    virtual void on_request_line(std::string_view method, std::string_view target, Version version) {}
    virtual void on_status_line(Version version, int status, std::string_view reason) {}
    virtual void on_field(std::string_view name, std::string_view value) = 0;
    // The head is complete; framing() and content_length() are known. An informational (1xx)
    // response head is followed by on_message_complete() at once and the parser then expects
    // the final response: it goes on by itself, without start_next_message().
    virtual void on_head_complete() = 0;
    // Body bytes. Return false to pause the parser after this call.
    virtual bool on_body(std::string_view data) = 0;
    virtual void on_trailer(std::string_view name, std::string_view value) {}
    virtual void on_message_complete() = 0;
  };

  Http1Parser(Mode mode, Callbacks& callbacks, ParserLimits limits = {})
      : mode_(mode), callbacks_(callbacks), limits_(limits) {}

  size_t feed(const char* data, size_t size);
  size_t feed(std::string_view data) { return feed(data.data(), data.size()); }
  // The input ended (the peer closed). Completes an until_close body, else fails with
  // `incomplete` if a message was in progress. Returns true if a message completed.
  bool finish();

  // After message_complete: reset for the next message on the same connection.
  void start_next_message();
  // Response mode: the next response answers a HEAD request, so it has no body whatever its
  // fields say (RFC 9110 §9.3.2). Call before feeding that response.
  void expect_no_body(bool value) { no_body_expected_ = value; }

  State state() const { return state_; }
  bool failed() const { return state_ == State::failed; }
  bool message_complete() const { return state_ == State::message_complete; }
  // True between the first byte of a message and its end.
  bool in_message() const { return message_started_ && state_ != State::message_complete; }
  const ParseError& error() const { return error_; }

  // Facts about the current message, valid from on_head_complete().
  BodyFraming framing() const { return framing_; }
  uint64_t content_length() const { return content_length_; }
  Version version() const { return version_; }
  int status() const { return status_; }
  // Request mode: the request carried "Expect: 100-continue".
  bool expects_continue() const { return expect_continue_; }
  // The connection-persistence decision of RFC 9112 §9.3 from the Connection field and version.
  bool keep_alive() const { return keep_alive_; }
  // Request mode: the Host field value ("" if absent, which HTTP/1.0 allows).
  const std::string& host() const { return host_; }
  uint64_t offset() const { return offset_; }

 private:
  bool parse_start_line(std::string_view line);
  bool parse_request_line(std::string_view line);
  bool parse_status_line(std::string_view line);
  bool parse_field_line(std::string_view line, bool trailer);
  bool note_framing_field(std::string_view name, std::string_view value);
  bool finish_head();
  bool parse_chunk_size_line(std::string_view line);
  bool fail(ParseErrorKind kind, uint64_t offset, std::string message);
  bool method_prefix_ok(const char* data, size_t size);
  // Finds the next CRLF-terminated line at data[pos..size). Returns false if none is complete
  // yet (and fails if the partial line already exceeds `limit`).
  enum class LineResult { complete, need_more, error };
  LineResult next_line(const char* data, size_t size, size_t pos, size_t limit,
                       ParseErrorKind too_long, const char* what, std::string_view& line);
  void reset_message();

  Mode mode_;
  Callbacks& callbacks_;
  ParserLimits limits_;
  State state_ = State::start_line;
  ParseError error_;

  uint64_t offset_ = 0;  // bytes consumed since the parser was created
  bool message_started_ = false;
  size_t leading_empty_lines_ = 0;
  size_t field_bytes_ = 0;
  size_t field_count_ = 0;

  Version version_ = Version::http11;
  int status_ = 0;
  bool is_head_response_ = false;
  bool no_body_expected_ = false;
  BodyFraming framing_ = BodyFraming::none;
  uint64_t content_length_ = 0;
  uint64_t remaining_ = 0;  // body bytes left in the current length-delimited body or chunk
  uint64_t body_received_ = 0;
  bool seen_content_length_ = false;
  bool seen_transfer_encoding_ = false;
  bool chunked_ = false;
  bool unsupported_coding_ = false;
  std::string unsupported_coding_name_;
  bool expect_continue_ = false;
  bool keep_alive_ = true;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  size_t host_count_ = 0;
  std::string host_;
};

const char* to_string(ParseErrorKind kind);

}  // namespace wasmrun::http
