// Typed failures of the HTTP layer. ErrorKind mirrors the cases of `error-code` in
// wasi:http/types@0.2 (../shared/wit/wasi-0.2.12/wasi-http/package.wit) one to one, so the
// wasi:http host maps a failure without losing information; `detail` adds our precise message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wasmrun::http {

enum class ErrorKind : uint8_t {
  dns_timeout,
  dns_error,                   // payload: text = rcode, number = info-code
  destination_not_found,
  destination_unavailable,
  destination_ip_prohibited,
  destination_ip_unroutable,
  connection_refused,
  connection_terminated,
  connection_timeout,
  connection_read_timeout,
  connection_write_timeout,
  connection_limit_reached,
  tls_protocol_error,
  tls_certificate_error,
  tls_alert_received,          // payload: number = alert id, text = alert message
  http_request_denied,
  http_request_length_required,
  http_request_body_size,      // payload: number = size
  http_request_method_invalid,
  http_request_uri_invalid,
  http_request_uri_too_long,
  http_request_header_section_size,  // payload: number = size
  http_request_header_size,    // payload: text = field name, number = field size
  http_request_trailer_section_size,
  http_request_trailer_size,
  http_response_incomplete,
  http_response_header_section_size,
  http_response_header_size,
  http_response_body_size,
  http_response_trailer_section_size,
  http_response_trailer_size,
  http_response_transfer_coding,  // payload: text = coding
  http_response_content_coding,
  http_response_timeout,
  http_upgrade_failed,
  http_protocol_error,
  loop_detected,
  configuration_error,
  internal_error,              // payload: text = message
};

struct ErrorCode {
  ErrorKind kind = ErrorKind::internal_error;
  std::optional<std::string> text;   // the case's string payload, if it has one
  std::optional<uint64_t> number;    // the case's integer payload, if it has one
  std::string detail;                // what happened, for logs and messages

  static ErrorCode make(ErrorKind kind, std::string detail) {
    ErrorCode e;
    e.kind = kind;
    e.detail = std::move(detail);
    return e;
  }
};

// The case name as the WIT spells it, e.g. "connection-refused", "DNS-error".
const char* wit_name(ErrorKind kind);
// "connection-refused: connect to 127.0.0.1:9: Connection refused"
std::string to_string(const ErrorCode& error);

}  // namespace wasmrun::http
