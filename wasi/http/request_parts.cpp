#include "wasi/http/request_parts.h"

#include <array>

#include "http/syntax.h"

namespace wasmrun::wasi::http {

namespace wit = ::bindings::wasi::http::types;

namespace {
constexpr std::array<std::string_view, 9> kMethods = {"GET", "HEAD", "POST", "PUT", "DELETE",
                                                      "CONNECT", "OPTIONS", "TRACE", "PATCH"};
}

wit::Method method_of(std::string_view method) {
  for (size_t i = 0; i < kMethods.size(); ++i) {
    if (method == kMethods[i]) {
      wit::Method m;
      switch (i) {
        case 0: return wit::Method::get();
        case 1: return wit::Method::head();
        case 2: return wit::Method::post();
        case 3: return wit::Method::put();
        case 4: return wit::Method::delete_();
        case 5: return wit::Method::connect();
        case 6: return wit::Method::options();
        case 7: return wit::Method::trace();
        default: return wit::Method::patch();
      }
    }
  }
  return wit::Method::other(std::string(method));
}

std::string method_name(const wit::Method& method) {
  if (method.which() == wit::Method::Case::Other) return std::get<9>(method.v);
  return std::string(kMethods[size_t(method.which())]);
}

wit::Scheme scheme_of(std::string_view scheme) {
  if (scheme == "http") return wit::Scheme::http();
  if (scheme == "https") return wit::Scheme::https();
  return wit::Scheme::other(std::string(scheme));
}

std::string scheme_name(const wit::Scheme& scheme) {
  switch (scheme.which()) {
    case wit::Scheme::Case::Http: return "http";
    case wit::Scheme::Case::Https: return "https";
    default: return std::get<2>(scheme.v);
  }
}

bool valid_method(const wit::Method& method) {
  return method.which() != wit::Method::Case::Other || ::wasmrun::http::is_token(std::get<9>(method.v));
}

bool valid_scheme(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  return true;
}

std::optional<HostPort> split_authority(std::string_view a) {
  if (a.empty() || a.find('@') != std::string_view::npos) return std::nullopt;
  HostPort hp;
  std::string_view port;
  if (a.front() == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    hp.host = std::string(a.substr(1, close - 1));
    for (char c : hp.host)
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return std::nullopt;
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else {
    size_t colon = a.rfind(':');
    std::string_view host = colon == std::string_view::npos ? a : a.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = a.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (host.empty()) return std::nullopt;
    for (char c : host) {
      bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' ||
                c == '%' || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
                c == '+' || c == ',' || c == ';' || c == '=';
      if (!ok) return std::nullopt;
    }
    hp.host = std::string(host);
  }
  if (!port.empty()) {
    auto n = ::wasmrun::http::parse_decimal(port);
    if (!n || *n > 65535) return std::nullopt;
    hp.port = uint16_t(*n);
  }
  return hp;
}

bool valid_authority(std::string_view authority) { return split_authority(authority).has_value(); }

bool valid_path_with_query(std::string_view path) {
  if (path.empty() || path == "*") return true;
  if (path.front() != '/') return false;
  for (char c : path)
    if (!::wasmrun::http::is_target_char(static_cast<uint8_t>(c))) return false;
  return true;
}

std::optional<uint64_t> declared_content_length(const FieldsData& headers) {
  std::optional<uint64_t> length;
  for (const auto& [n, v] : headers.entries) {
    if (n != "content-length") continue;
    auto parsed = ::wasmrun::http::parse_decimal(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
    if (!parsed || (length && *length != *parsed)) return std::nullopt;
    length = parsed;
  }
  return length;
}

}  // namespace wasmrun::wasi::http
