// The parts of a request line as wasi:http/types spells them (method, scheme, authority,
// path-with-query): conversions from and to the engine's strings and the validation of what a
// guest sets on an outgoing request (Wasmtime checks them with the `http` crate's parsers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wasi/http/fields.h"
#include "wit/wasi_http.h"
#include "wit/wasi_http_traits.h"

namespace wasmrun::wasi::http {

::bindings::wasi::http::types::Method method_of(std::string_view method);
std::string method_name(const ::bindings::wasi::http::types::Method& method);
::bindings::wasi::http::types::Scheme scheme_of(std::string_view scheme);
std::string scheme_name(const ::bindings::wasi::http::types::Scheme& scheme);

// `other` methods must be tokens (RFC 9110 §9.1).
bool valid_method(const ::bindings::wasi::http::types::Method& method);
// ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1).
bool valid_scheme(std::string_view scheme);
// host[:port] with a reg-name, IPv4 or [IPv6] host and a decimal port below 65536 (RFC 3986 §3.2).
bool valid_authority(std::string_view authority);
// An origin-form target (RFC 9112 §3.2.1): "/" then visible ASCII, or "*" alone; or empty.
bool valid_path_with_query(std::string_view path);

// A message's content-length field, when it has exactly one valid one.
std::optional<uint64_t> declared_content_length(const FieldsData& headers);

// Splits "host[:port]" (brackets around an IPv6 host kept off); port 0 when absent.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
std::optional<HostPort> split_authority(std::string_view authority);

}  // namespace wasmrun::wasi::http
