// Message heads as the handler and the client see them, the same for HTTP/1.1 and HTTP/2.
#pragma once

#include <optional>
#include <string>

#include "http/fields.h"
#include "http/http1_parser.h"

namespace wasmrun::http {

struct RequestHead {
  std::string method;
  std::string scheme;     // "http" or "https"
  std::string authority;  // host[:port], from Host / :authority / an absolute-form target
  std::string path;       // path-with-query as received ("*" for OPTIONS *)
  Fields headers;         // without pseudo-fields or HTTP/2 connection-specific fields
  Version version = Version::http11;
};

struct ResponseHead {
  int status = 200;
  Fields headers;
};

// The reason phrase of a status code for HTTP/1.1 status lines ("" if unknown).
const char* reason_phrase(int status);

// Fields that describe one HTTP/1.1 connection hop and must not be forwarded or sent over
// HTTP/2 (RFC 9110 §7.6.1, RFC 9113 §8.2.2).
bool is_connection_specific_field(std::string_view name);

}  // namespace wasmrun::http
