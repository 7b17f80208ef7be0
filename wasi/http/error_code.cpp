#include "wasi/http/error_code.h"

#include <fmt/format.h>

namespace wasmrun::wasi::http {

namespace {

using ::wasmrun::http::ErrorKind;
using Case = WitErrorCode::Case;

// The generated variant's cases and the engine's ErrorKind follow the WIT in the same order.
static_assert(uint32_t(Case::InternalError) == uint32_t(ErrorKind::internal_error));
static_assert(uint32_t(Case::HttpRequestBodySize) == uint32_t(ErrorKind::http_request_body_size));
static_assert(uint32_t(Case::HttpResponseTimeout) == uint32_t(ErrorKind::http_response_timeout));

template <size_t I, class P>
WitErrorCode make(P payload) {
  return WitErrorCode{WitErrorCode::Value(std::in_place_index<I>, std::move(payload))};
}

std::optional<uint32_t> u32(const std::optional<uint64_t>& n) {
  if (!n) return std::nullopt;
  return uint32_t(*n);
}

::bindings::wasi::http::types::FieldSizePayload field_size(const ::wasmrun::http::ErrorCode& e) {
  return {e.text, u32(e.number)};
}

}  // namespace

WitErrorCode to_wit(const ::wasmrun::http::ErrorCode& e) {
  using types = ::bindings::wasi::http::types::ErrorCode;
  switch (e.kind) {
    case ErrorKind::dns_error:
      return types::dns_error({e.text, e.number ? std::optional<uint16_t>(uint16_t(*e.number)) : std::nullopt});
    case ErrorKind::tls_alert_received:
      return types::tls_alert_received({e.number ? std::optional<uint8_t>(uint8_t(*e.number)) : std::nullopt, e.text});
    case ErrorKind::http_request_body_size: return types::http_request_body_size(e.number);
    case ErrorKind::http_response_body_size: return types::http_response_body_size(e.number);
    case ErrorKind::http_request_header_section_size: return types::http_request_header_section_size(u32(e.number));
    case ErrorKind::http_request_trailer_section_size: return types::http_request_trailer_section_size(u32(e.number));
    case ErrorKind::http_response_header_section_size: return types::http_response_header_section_size(u32(e.number));
    case ErrorKind::http_response_trailer_section_size:
      return types::http_response_trailer_section_size(u32(e.number));
    case ErrorKind::http_request_header_size:
      if (!e.text && !e.number) return types::http_request_header_size(std::nullopt);
      return types::http_request_header_size(field_size(e));
    case ErrorKind::http_request_trailer_size: return types::http_request_trailer_size(field_size(e));
    case ErrorKind::http_response_header_size: return types::http_response_header_size(field_size(e));
    case ErrorKind::http_response_trailer_size: return types::http_response_trailer_size(field_size(e));
    case ErrorKind::http_response_transfer_coding: return types::http_response_transfer_coding(e.text);
    case ErrorKind::http_response_content_coding: return types::http_response_content_coding(e.text);
    case ErrorKind::internal_error: return types::internal_error(e.text ? e.text : std::optional(e.detail));
    default: break;
  }
  // The remaining cases carry no payload.
  switch (e.kind) {
#define WASMRUN_PLAIN(kind, index) \
  case ErrorKind::kind: return make<index>(std::monostate{});
    WASMRUN_PLAIN(dns_timeout, 0)
    WASMRUN_PLAIN(destination_not_found, 2)
    WASMRUN_PLAIN(destination_unavailable, 3)
    WASMRUN_PLAIN(destination_ip_prohibited, 4)
    WASMRUN_PLAIN(destination_ip_unroutable, 5)
    WASMRUN_PLAIN(connection_refused, 6)
    WASMRUN_PLAIN(connection_terminated, 7)
    WASMRUN_PLAIN(connection_timeout, 8)
    WASMRUN_PLAIN(connection_read_timeout, 9)
    WASMRUN_PLAIN(connection_write_timeout, 10)
    WASMRUN_PLAIN(connection_limit_reached, 11)
    WASMRUN_PLAIN(tls_protocol_error, 12)
    WASMRUN_PLAIN(tls_certificate_error, 13)
    WASMRUN_PLAIN(http_request_denied, 15)
    WASMRUN_PLAIN(http_request_length_required, 16)
    WASMRUN_PLAIN(http_request_method_invalid, 18)
    WASMRUN_PLAIN(http_request_uri_invalid, 19)
    WASMRUN_PLAIN(http_request_uri_too_long, 20)
    WASMRUN_PLAIN(http_response_incomplete, 25)
    WASMRUN_PLAIN(http_response_timeout, 33)
    WASMRUN_PLAIN(http_upgrade_failed, 34)
    WASMRUN_PLAIN(http_protocol_error, 35)
    WASMRUN_PLAIN(loop_detected, 36)
    WASMRUN_PLAIN(configuration_error, 37)
#undef WASMRUN_PLAIN
    default: break;
  }
  return types::internal_error(e.detail);
}

::wasmrun::http::ErrorCode from_wit(const WitErrorCode& w) {
  ::wasmrun::http::ErrorCode e;
  e.kind = ErrorKind(uint32_t(w.which()));
  std::visit(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, std::optional<uint64_t>>) {
          e.number = p;
        } else if constexpr (std::is_same_v<P, std::optional<uint32_t>>) {
          if (p) e.number = *p;
        } else if constexpr (std::is_same_v<P, std::optional<std::string>>) {
          e.text = p;
        } else if constexpr (std::is_same_v<P, ::bindings::wasi::http::types::FieldSizePayload>) {
          e.text = p.field_name;
          if (p.field_size) e.number = *p.field_size;
        } else if constexpr (std::is_same_v<P, std::optional<::bindings::wasi::http::types::FieldSizePayload>>) {
          if (p) {
            e.text = p->field_name;
            if (p->field_size) e.number = *p->field_size;
          }
        } else if constexpr (std::is_same_v<P, ::bindings::wasi::http::types::DnsErrorPayload>) {
          e.text = p.rcode;
          if (p.info_code) e.number = *p.info_code;
        } else if constexpr (std::is_same_v<P, ::bindings::wasi::http::types::TlsAlertReceivedPayload>) {
          e.text = p.alert_message;
          if (p.alert_id) e.number = *p.alert_id;
        }
      },
      w.v);
  return e;
}

std::string describe(const WitErrorCode& w) {
  auto e = from_wit(w);
  std::string s = ::wasmrun::http::wit_name(e.kind);
  if (e.text) s += fmt::format(" ({})", *e.text);
  if (e.number) s += fmt::format(" ({})", *e.number);
  return s;
}

}  // namespace wasmrun::wasi::http
