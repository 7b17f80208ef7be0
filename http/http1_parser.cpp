#include "http/http1_parser.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "http/syntax.h"

namespace wasmrun::http {

const char* to_string(ParseErrorKind kind) {
  switch (kind) {
    case ParseErrorKind::syntax: return "syntax";
    case ParseErrorKind::uri_too_long: return "uri-too-long";
    case ParseErrorKind::header_section_too_large: return "header-section-too-large";
    case ParseErrorKind::body_too_large: return "body-too-large";
    case ParseErrorKind::unsupported_transfer_coding: return "unsupported-transfer-coding";
    case ParseErrorKind::unsupported_version: return "unsupported-version";
    case ParseErrorKind::incomplete: return "incomplete";
  }
  return "?";
}

int ParseError::status() const {
  switch (kind) {
    case ParseErrorKind::syntax: return 400;
    case ParseErrorKind::uri_too_long: return 414;
    case ParseErrorKind::header_section_too_large: return 431;
    case ParseErrorKind::body_too_large: return 413;
    case ParseErrorKind::unsupported_transfer_coding: return 501;
    case ParseErrorKind::unsupported_version: return 505;
    case ParseErrorKind::incomplete: return 400;
  }
  return 400;
}

namespace {

// Renders a byte for an error message.
std::string describe_byte(uint8_t c) {
  if (c >= 0x21 && c <= 0x7e) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("0x{:02x}", c);
}

// The offset of the first byte of `s` not in `table`, or npos.
template <class Pred>
size_t find_invalid(std::string_view s, Pred ok) {
  for (size_t i = 0; i < s.size(); ++i)
    if (!ok(static_cast<uint8_t>(s[i]))) return i;
  return std::string_view::npos;
}

}  // namespace

bool Http1Parser::fail(ParseErrorKind kind, uint64_t offset, std::string message) {
  state_ = State::failed;
  error_.kind = kind;
  error_.offset = offset;
  error_.message = std::move(message);
  return false;
}

Http1Parser::LineResult Http1Parser::next_line(const char* data, size_t size, size_t pos,
                                               size_t limit, ParseErrorKind too_long,
                                               const char* what, std::string_view& line) {
  const char* start = data + pos;
  size_t avail = size - pos;
  const void* lf = std::memchr(start, '\n', avail <= limit + 2 ? avail : limit + 2);
  if (!lf) {
    if (avail > limit + 1) {
      fail(too_long, offset_, fmt::format("{} longer than {} bytes", what, limit));
      return LineResult::error;
    }
    return LineResult::need_more;
  }
  size_t len = static_cast<const char*>(lf) - start;
  // RFC 9112 §2.2: lines end in CRLF; a bare LF is rejected here rather than tolerated, since
  // parsers that disagree about line ends are a request-smuggling vector.
  if (len == 0 || start[len - 1] != '\r') {
    fail(ParseErrorKind::syntax, offset_ + len - (len > 0 && start[len - 1] == '\r' ? 1 : 0),
         fmt::format("{} ends in a bare LF (CRLF required)", what));
    return LineResult::error;
  }
  if (len - 1 > limit) {
    fail(too_long, offset_, fmt::format("{} longer than {} bytes", what, limit));
    return LineResult::error;
  }
  line = std::string_view(start, len - 1);
  return LineResult::complete;
}

// A request line begins with a method, a token (RFC 9112 §3.1). Checked on the bytes of an
// unfinished line, so that what is not HTTP at all (a TLS ClientHello on a plain-text port
// starts with 0x16) is refused at once rather than after the header timeout.
bool Http1Parser::method_prefix_ok(const char* data, size_t size) {
  for (size_t i = 0; i < size && data[i] != ' ' && data[i] != '\r' && data[i] != '\n'; ++i) {
    if (!is_tchar(static_cast<uint8_t>(data[i])))
      return fail(ParseErrorKind::syntax, offset_ + i,
                  fmt::format("invalid character 0x{:02x} in the request method", static_cast<uint8_t>(data[i])));
  }
  return true;
}

static bool parse_version(std::string_view v, Version& out, bool& unsupported) {
  unsupported = false;
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
      v[7] < '0' || v[7] > '9')
    return false;
  if (v[5] != '1') {
    unsupported = true;
    return false;
  }
  // RFC 9110 §6.2: a higher minor version is handled as the highest one we implement.
  out = v[7] == '0' ? Version::http10 : Version::http11;
  return true;
}

bool Http1Parser::parse_request_line(std::string_view line) {
  uint64_t at = offset_;
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2)
    return fail(ParseErrorKind::syntax, at,
                "malformed request line (expected: method SP request-target SP HTTP-version)");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty()) return fail(ParseErrorKind::syntax, at, "empty method in request line");
  if (size_t bad = find_invalid(method, is_tchar); bad != std::string_view::npos)
    return fail(ParseErrorKind::syntax, at + bad,
                fmt::format("invalid character {} in method", describe_byte(method[bad])));
  if (target.empty()) return fail(ParseErrorKind::syntax, at + sp1 + 1, "empty request-target");
  if (size_t bad = find_invalid(target, is_target_char); bad != std::string_view::npos)
    return fail(ParseErrorKind::syntax, at + sp1 + 1 + bad,
                fmt::format("invalid character {} in request-target", describe_byte(target[bad])));
  bool unsupported = false;
  if (!parse_version(version, version_, unsupported)) {
    if (unsupported)
      return fail(ParseErrorKind::unsupported_version, at + sp2 + 1,
                  fmt::format("unsupported HTTP version '{}'", version));
    return fail(ParseErrorKind::syntax, at + sp2 + 1, "malformed HTTP-version in request line");
  }
  callbacks_.on_request_line(method, target, version_);
  return true;
}

bool Http1Parser::parse_status_line(std::string_view line) {
  uint64_t at = offset_;
  bool unsupported = false;
  if (line.size() < 12 || line[8] != ' ' || !parse_version(line.substr(0, 8), version_, unsupported))
    return fail(unsupported ? ParseErrorKind::unsupported_version : ParseErrorKind::syntax, at,
                "malformed status line (expected: HTTP-version SP status-code SP reason)");
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9')
      return fail(ParseErrorKind::syntax, at + i, "status code is not three digits");
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100) return fail(ParseErrorKind::syntax, at + 9, "status code below 100");
  std::string_view reason;
  if (line.size() > 12) {
    if (line[12] != ' ') return fail(ParseErrorKind::syntax, at + 12, "status code is not three digits");
    reason = line.substr(13);
    if (size_t bad = find_invalid(reason, is_field_value_char); bad != std::string_view::npos)
      return fail(ParseErrorKind::syntax, at + 13 + bad,
                  fmt::format("invalid character {} in reason phrase", describe_byte(reason[bad])));
  }
  status_ = status;
  callbacks_.on_status_line(version_, status, reason);
  return true;
}

bool Http1Parser::parse_start_line(std::string_view line) {
  return mode_ == Mode::request ? parse_request_line(line) : parse_status_line(line);
}

bool Http1Parser::note_framing_field(std::string_view name, std::string_view value) {
  uint64_t at = offset_;
  switch (name.size()) {
    case 14:
      if (iequals(name, "content-length")) {
        // RFC 9112 §6.3: several or malformed Content-Length values are unrecoverable framing
        // errors. Identical duplicates are rejected too: they are a known smuggling probe.
        if (seen_content_length_)
          return fail(ParseErrorKind::syntax, at, "duplicate Content-Length field");
        auto v = parse_decimal(value);
        if (!v)
          return fail(ParseErrorKind::syntax, at,
                      fmt::format("invalid Content-Length '{}'", value.substr(0, 64)));
        seen_content_length_ = true;
        content_length_ = *v;
      }
      break;
    case 17:
      if (iequals(name, "transfer-encoding")) {
        seen_transfer_encoding_ = true;
        bool any = false;
        bool bad_order = false;
        for_each_list_element(value, [&](std::string_view coding) {
          any = true;
          if (chunked_) bad_order = true;  // chunked must be the final coding, applied once
          if (iequals(coding, "chunked")) {
            chunked_ = true;
          } else if (!unsupported_coding_) {
            unsupported_coding_ = true;
            unsupported_coding_name_ = std::string(coding.substr(0, 64));
          }
        });
        if (!any) return fail(ParseErrorKind::syntax, at, "empty Transfer-Encoding field");
        if (bad_order)
          return fail(ParseErrorKind::syntax, at,
                      "Transfer-Encoding: chunked is not the final coding or appears twice");
      }
      break;
    case 4:
      if (mode_ == Mode::request && iequals(name, "host")) {
        ++host_count_;
        host_ = std::string(value);
      }
      break;
    case 10:
      if (iequals(name, "connection")) {
        for_each_list_element(value, [&](std::string_view option) {
          if (iequals(option, "close")) connection_close_ = true;
          else if (iequals(option, "keep-alive")) connection_keep_alive_ = true;
        });
      }
      break;
    case 6:
      if (mode_ == Mode::request && iequals(name, "expect") && iequals(value, "100-continue"))
        expect_continue_ = true;
      break;
    default:
      break;
  }
  return true;
}

bool Http1Parser::parse_field_line(std::string_view line, bool trailer) {
  uint64_t at = offset_;
  const char* section = trailer ? "trailer" : "field";
  if (line[0] == ' ' || line[0] == '\t')
    // RFC 9112 §5.2: obsolete line folding; a server may reject it with 400.
    return fail(ParseErrorKind::syntax, at, fmt::format("obsolete line folding in {} section", section));
  size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return fail(ParseErrorKind::syntax, at, fmt::format("{} line without a colon", section));
  std::string_view name = line.substr(0, colon);
  if (name.empty()) return fail(ParseErrorKind::syntax, at, fmt::format("empty {} name", section));
  if (size_t bad = find_invalid(name, is_tchar); bad != std::string_view::npos) {
    if (name[bad] == ' ' || name[bad] == '\t')
      // RFC 9112 §5.1: no whitespace is allowed between the field name and colon.
      return fail(ParseErrorKind::syntax, at + bad,
                  fmt::format("whitespace between {} name and colon", section));
    return fail(ParseErrorKind::syntax, at + bad,
                fmt::format("invalid character {} in {} name", describe_byte(name[bad]), section));
  }
  std::string_view raw = line.substr(colon + 1);
  if (size_t bad = find_invalid(raw, is_field_value_char); bad != std::string_view::npos)
    return fail(ParseErrorKind::syntax, at + colon + 1 + bad,
                fmt::format("invalid character {} in value of {} '{}'", describe_byte(raw[bad]),
                            section, name.substr(0, 64)));
  std::string_view value = trim_ows(raw);
  if (trailer) {
    callbacks_.on_trailer(name, value);
    return true;
  }
  if (!note_framing_field(name, value)) return false;
  callbacks_.on_field(name, value);
  return true;
}

bool Http1Parser::finish_head() {
  uint64_t at = offset_;
  bool request = mode_ == Mode::request;
  if (request) {
    // RFC 9112 §3.2: exactly one Host field in HTTP/1.1; never more than one.
    if (host_count_ > 1) return fail(ParseErrorKind::syntax, at, "more than one Host field");
    if (host_count_ == 0 && version_ == Version::http11)
      return fail(ParseErrorKind::syntax, at, "HTTP/1.1 request without a Host field");
  }
  framing_ = BodyFraming::none;
  if (seen_transfer_encoding_) {
    // RFC 9112 §6.1: both fields at once is a smuggling pattern; we reject rather than guess.
    if (seen_content_length_)
      return fail(ParseErrorKind::syntax, at, "both Content-Length and Transfer-Encoding fields");
    if (version_ == Version::http10)
      return fail(ParseErrorKind::syntax, at, "Transfer-Encoding in an HTTP/1.0 message");
    if (unsupported_coding_)
      return fail(ParseErrorKind::unsupported_transfer_coding, at,
                  fmt::format("unsupported transfer coding '{}'", unsupported_coding_name_));
    if (!chunked_)
      return fail(ParseErrorKind::syntax, at, "Transfer-Encoding does not end in chunked");
    framing_ = BodyFraming::chunked;
  } else if (seen_content_length_) {
    if (content_length_ > limits_.max_body)
      return fail(ParseErrorKind::body_too_large, at,
                  fmt::format("Content-Length {} exceeds the limit of {} bytes", content_length_,
                              limits_.max_body));
    framing_ = content_length_ > 0 ? BodyFraming::content_length : BodyFraming::none;
  } else if (!request) {
    framing_ = BodyFraming::until_close;
  }
  bool informational = !request && status_ < 200;
  if (!request && (informational || status_ == 204 || status_ == 304 || no_body_expected_))
    framing_ = BodyFraming::none;  // RFC 9110 §6.4.1
  if (connection_close_) keep_alive_ = false;
  else keep_alive_ = version_ == Version::http11 || connection_keep_alive_;
  if (framing_ == BodyFraming::until_close) keep_alive_ = false;

  callbacks_.on_head_complete();
  if (state_ == State::failed) return false;
  if (informational && status_ != 101) {
    // An interim response: report it as a message and go on to the final response.
    callbacks_.on_message_complete();
    reset_message();
    message_started_ = true;
    return true;
  }
  switch (framing_) {
    case BodyFraming::none:
      state_ = State::message_complete;
      callbacks_.on_message_complete();
      break;
    case BodyFraming::content_length:
      remaining_ = content_length_;
      state_ = State::body_length;
      break;
    case BodyFraming::chunked:
      state_ = State::chunk_size;
      break;
    case BodyFraming::until_close:
      state_ = State::body_until_close;
      break;
  }
  return true;
}

bool Http1Parser::parse_chunk_size_line(std::string_view line) {
  uint64_t at = offset_;
  size_t i = 0;
  uint64_t size = 0;
  while (i < line.size()) {
    char c = line[i];
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else break;
    if (size > (UINT64_MAX >> 4))
      return fail(ParseErrorKind::syntax, at, "chunk size overflows 64 bits");
    size = (size << 4) | static_cast<uint64_t>(digit);
    ++i;
  }
  if (i == 0) return fail(ParseErrorKind::syntax, at, "chunk size is not a hexadecimal number");
  if (i < line.size()) {
    // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ); we ignore
    // extensions but accept only that shape's characters.
    size_t j = i;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
    if (j == line.size() || line[j] != ';')
      return fail(ParseErrorKind::syntax, at + i,
                  fmt::format("invalid character {} after chunk size", describe_byte(line[i])));
    if (size_t bad = find_invalid(line.substr(j), is_field_value_char); bad != std::string_view::npos)
      return fail(ParseErrorKind::syntax, at + j + bad,
                  fmt::format("invalid character {} in chunk extension", describe_byte(line[j + bad])));
  }
  if (size > limits_.max_body || body_received_ + size > limits_.max_body)
    return fail(ParseErrorKind::body_too_large, at,
                fmt::format("chunked body exceeds the limit of {} bytes", limits_.max_body));
  if (size == 0) {
    state_ = State::trailers;
    field_bytes_ = 0;
    field_count_ = 0;
  } else {
    remaining_ = size;
    state_ = State::chunk_data;
  }
  return true;
}

size_t Http1Parser::feed(const char* data, size_t size) {
  size_t pos = 0;
  // Keeps offset_ equal to the offset of data[pos] while parsing.
  auto advance = [&](size_t n) {
    pos += n;
    offset_ += n;
  };
  std::string_view line;
  while (true) {
    switch (state_) {
      case State::start_line: {
        if (pos == size) return pos;
        // Before the line is looked at, so that the same bytes fail the same way however they
        // arrive (whole, or a byte at a time): within the start line's limit.
        if (mode_ == Mode::request &&
            !method_prefix_ok(data + pos, std::min<size_t>(size - pos, limits_.max_start_line))) return pos;
        auto r = next_line(data, size, pos, limits_.max_start_line,
                           mode_ == Mode::request ? ParseErrorKind::uri_too_long
                                                  : ParseErrorKind::header_section_too_large,
                           mode_ == Mode::request ? "request line" : "status line", line);
        if (r != LineResult::complete) {
          if (r == LineResult::need_more && (size - pos > 1 || data[pos] != '\r')) message_started_ = true;
          return pos;
        }
        if (line.empty()) {
          if (mode_ == Mode::request && leading_empty_lines_ < limits_.max_leading_empty_lines) {
            ++leading_empty_lines_;
            advance(2);
            continue;
          }
          fail(ParseErrorKind::syntax, offset_, "empty line where a start line was expected");
          return pos;
        }
        message_started_ = true;
        if (!parse_start_line(line)) return pos;
        advance(line.size() + 2);
        state_ = State::fields;
        field_bytes_ = 0;
        field_count_ = 0;
        break;
      }
      case State::fields:
      case State::trailers: {
        bool trailer = state_ == State::trailers;
        if (pos == size) return pos;
        size_t budget = limits_.max_field_section > field_bytes_ ? limits_.max_field_section - field_bytes_ : 0;
        auto r = next_line(data, size, pos, budget, ParseErrorKind::header_section_too_large,
                           trailer ? "trailer section" : "field section", line);
        if (r != LineResult::complete) return pos;
        if (line.empty()) {
          advance(2);
          if (trailer) {
            state_ = State::message_complete;
            callbacks_.on_message_complete();
            return pos;
          }
          if (!finish_head()) return pos;
          if (state_ == State::message_complete) return pos;
          break;
        }
        field_bytes_ += line.size() + 2;
        if (++field_count_ > limits_.max_fields) {
          fail(ParseErrorKind::header_section_too_large, offset_,
               fmt::format("more than {} {} lines", limits_.max_fields, trailer ? "trailer" : "field"));
          return pos;
        }
        if (!parse_field_line(line, trailer)) return pos;
        advance(line.size() + 2);
        break;
      }
      case State::body_length:
      case State::chunk_data: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, size - pos));
        if (n == 0) return pos;
        const char* chunk = data + pos;
        advance(n);
        remaining_ -= n;
        body_received_ += n;
        bool go_on = callbacks_.on_body(std::string_view(chunk, n));
        if (remaining_ == 0) {
          if (state_ == State::body_length) {
            state_ = State::message_complete;
            callbacks_.on_message_complete();
            return pos;
          }
          state_ = State::chunk_data_end;
        }
        if (!go_on) return pos;
        break;
      }
      case State::chunk_data_end: {
        if (pos == size) return pos;
        if (data[pos] != '\r' || (size - pos >= 2 && data[pos + 1] != '\n')) {
          fail(ParseErrorKind::syntax, offset_, "chunk data not followed by CRLF");
          return pos;
        }
        if (size - pos < 2) return pos;
        advance(2);
        state_ = State::chunk_size;
        break;
      }
      case State::chunk_size: {
        if (pos == size) return pos;
        auto r = next_line(data, size, pos, limits_.max_chunk_line, ParseErrorKind::syntax,
                           "chunk-size line", line);
        if (r != LineResult::complete) return pos;
        if (!parse_chunk_size_line(line)) return pos;
        advance(line.size() + 2);
        break;
      }
      case State::body_until_close: {
        if (pos == size) return pos;
        const char* chunk = data + pos;
        size_t n = size - pos;
        if (body_received_ + n > limits_.max_body) {
          fail(ParseErrorKind::body_too_large, offset_,
               fmt::format("body exceeds the limit of {} bytes", limits_.max_body));
          return pos;
        }
        advance(n);
        body_received_ += n;
        if (!callbacks_.on_body(std::string_view(chunk, n))) return pos;
        break;
      }
      case State::message_complete:
      case State::failed:
        return pos;
    }
  }
}

bool Http1Parser::finish() {
  switch (state_) {
    case State::body_until_close:
      state_ = State::message_complete;
      callbacks_.on_message_complete();
      return true;
    case State::message_complete:
    case State::failed:
      return false;
    case State::start_line:
      if (!message_started_) return false;
      [[fallthrough]];
    default:
      fail(ParseErrorKind::incomplete, offset_,
           state_ == State::start_line || state_ == State::fields
               ? "connection closed inside a message head"
               : fmt::format("connection closed inside a message body after {} bytes", body_received_));
      return false;
  }
}

void Http1Parser::reset_message() {
  state_ = State::start_line;
  message_started_ = false;
  leading_empty_lines_ = 0;
  field_bytes_ = field_count_ = 0;
  version_ = Version::http11;
  status_ = 0;
  framing_ = BodyFraming::none;
  content_length_ = remaining_ = body_received_ = 0;
  seen_content_length_ = seen_transfer_encoding_ = chunked_ = unsupported_coding_ = false;
  unsupported_coding_name_.clear();
  expect_continue_ = false;
  keep_alive_ = true;
  connection_close_ = connection_keep_alive_ = false;
  host_count_ = 0;
  host_.clear();
}

void Http1Parser::start_next_message() {
  if (state_ != State::message_complete) return;
  reset_message();
  no_body_expected_ = false;
}

}  // namespace wasmrun::http
