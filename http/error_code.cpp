#include "http/error_code.h"

namespace wasmrun::http {

const char* wit_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::dns_timeout: return "DNS-timeout";
    case ErrorKind::dns_error: return "DNS-error";
    case ErrorKind::destination_not_found: return "destination-not-found";
    case ErrorKind::destination_unavailable: return "destination-unavailable";
    case ErrorKind::destination_ip_prohibited: return "destination-IP-prohibited";
    case ErrorKind::destination_ip_unroutable: return "destination-IP-unroutable";
    case ErrorKind::connection_refused: return "connection-refused";
    case ErrorKind::connection_terminated: return "connection-terminated";
    case ErrorKind::connection_timeout: return "connection-timeout";
    case ErrorKind::connection_read_timeout: return "connection-read-timeout";
    case ErrorKind::connection_write_timeout: return "connection-write-timeout";
    case ErrorKind::connection_limit_reached: return "connection-limit-reached";
    case ErrorKind::tls_protocol_error: return "TLS-protocol-error";
    case ErrorKind::tls_certificate_error: return "TLS-certificate-error";
    case ErrorKind::tls_alert_received: return "TLS-alert-received";
    case ErrorKind::http_request_denied: return "HTTP-request-denied";
    case ErrorKind::http_request_length_required: return "HTTP-request-length-required";
    case ErrorKind::http_request_body_size: return "HTTP-request-body-size";
    case ErrorKind::http_request_method_invalid: return "HTTP-request-method-invalid";
    case ErrorKind::http_request_uri_invalid: return "HTTP-request-URI-invalid";
    case ErrorKind::http_request_uri_too_long: return "HTTP-request-URI-too-long";
    case ErrorKind::http_request_header_section_size: return "HTTP-request-header-section-size";
    case ErrorKind::http_request_header_size: return "HTTP-request-header-size";
    case ErrorKind::http_request_trailer_section_size: return "HTTP-request-trailer-section-size";
    case ErrorKind::http_request_trailer_size: return "HTTP-request-trailer-size";
    case ErrorKind::http_response_incomplete: return "HTTP-response-incomplete";
    case ErrorKind::http_response_header_section_size: return "HTTP-response-header-section-size";
    case ErrorKind::http_response_header_size: return "HTTP-response-header-size";
    case ErrorKind::http_response_body_size: return "HTTP-response-body-size";
    case ErrorKind::http_response_trailer_section_size: return "HTTP-response-trailer-section-size";
    case ErrorKind::http_response_trailer_size: return "HTTP-response-trailer-size";
    case ErrorKind::http_response_transfer_coding: return "HTTP-response-transfer-coding";
    case ErrorKind::http_response_content_coding: return "HTTP-response-content-coding";
    case ErrorKind::http_response_timeout: return "HTTP-response-timeout";
    case ErrorKind::http_upgrade_failed: return "HTTP-upgrade-failed";
    case ErrorKind::http_protocol_error: return "HTTP-protocol-error";
    case ErrorKind::loop_detected: return "loop-detected";
    case ErrorKind::configuration_error: return "configuration-error";
    case ErrorKind::internal_error: return "internal-error";
  }
  return "internal-error";
}

std::string to_string(const ErrorCode& error) {
  std::string s = wit_name(error.kind);
  if (!error.detail.empty()) {
    s += ": ";
    s += error.detail;
  }
  return s;
}

}  // namespace wasmrun::http
