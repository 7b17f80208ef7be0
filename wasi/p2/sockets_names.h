// How wasi:sockets/ip-name-lookup reads a name, as Wasmtime does (url::Host::parse): an IP
// address in one of its URL spellings, a domain name (made ASCII for DNS), or nothing valid.
#pragma once

#include <optional>
#include <string>

#include "wasi/p2/sockets_common.h"

namespace wasmrun::wasi::p2::sockets {

struct ParsedName {
  std::optional<net::IpAddress> address;
  std::string domain;
  bool valid = false;
};

// An IPv4 address ("127.0.0.1", "127.1", "0x7f.1": a URL host ending in a number), an IPv6
// address with or without brackets, or a domain without the URL's forbidden code points, its
// ASCII letters lowercased and each label with other characters in punycode (RFC 3492):
// "München.de" → "xn--mnchen-3ya.de". The rest of IDNA's UTS 46 mapping (case folding and
// normalisation of non-ASCII characters) is not done.
ParsedName parse_name(const std::string& name);

}  // namespace wasmrun::wasi::p2::sockets
